package coop.comptoir.bridge.imports;

import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.id.UserId;
import coop.comptoir.api.store.Database;
import coop.comptoir.api.store.Database.Migration;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The logins of the migration page: one-time links ({@value #LINK_MINUTES} minutes, one use) handed
 * to an admin by direct message, and the sessions they open ({@value #SESSION_HOURS} hours). Only
 * SHA-256 hashes of the random values are stored, so the database alone opens nothing. A link is
 * used up by one conditional update: two clicks at once, even on two Comptoir processes sharing
 * PostgreSQL, open one session. Also remembers the direct chat with each admin. Blocks on the
 * database; thread-safe.
 */
final class DashboardLogins {
    static final int LINK_MINUTES = 15;
    static final int SESSION_HOURS = 8;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Database db;
    private final Clock clock;

    DashboardLogins(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
        db.migrate("bridge-migration-dashboard", List.of(Migration.both(1, "one-time links, sessions, direct chats of the migration page", """
                CREATE TABLE migration_page_link (token_hash VARCHAR(64) PRIMARY KEY, user_id VARCHAR(255) NOT NULL,
                  expires_ms BIGINT NOT NULL, used_ms BIGINT);
                CREATE TABLE migration_page_session (session_hash VARCHAR(64) PRIMARY KEY, user_id VARCHAR(255) NOT NULL,
                  expires_ms BIGINT NOT NULL);
                CREATE TABLE migration_page_dm (user_id VARCHAR(255) PRIMARY KEY, room_id VARCHAR(255) NOT NULL)""")));
    }

    /** A new one-time link's token for {@code admin}: 256 random bits, URL-safe; only its hash is kept. */
    String newLink(UserId admin) {
        String token = random();
        long now = clock.millis();
        db.inHandleTransaction(h -> {
            h.execute("DELETE FROM migration_page_link WHERE expires_ms < ?", now - Duration.ofDays(1).toMillis());
            return h.execute("INSERT INTO migration_page_link (token_hash, user_id, expires_ms) VALUES (?, ?, ?)",
                    hash(token), admin.value(), now + Duration.ofMinutes(LINK_MINUTES).toMillis());
        });
        return token;
    }

    /**
     * Uses up a link: the session opened for its admin, or empty when the token is unknown, used or
     * expired (the caller cannot tell which, nor can anyone guessing).
     */
    Optional<String> useLink(String token) {
        if (!wellFormed(token)) {
            return Optional.empty();
        }
        long now = clock.millis();
        String hashed = hash(token);
        return db.inHandleTransaction(h -> {
            int used = h.execute("UPDATE migration_page_link SET used_ms = ? WHERE token_hash = ? AND used_ms IS NULL AND expires_ms > ?",
                    now, hashed, now);
            if (used != 1) {
                return Optional.<String>empty();
            }
            String user = h.select("SELECT user_id FROM migration_page_link WHERE token_hash = ?", hashed).mapTo(String.class).one();
            String session = random();
            h.execute("DELETE FROM migration_page_session WHERE expires_ms < ?", now);
            h.execute("INSERT INTO migration_page_session (session_hash, user_id, expires_ms) VALUES (?, ?, ?)",
                    hash(session), user, now + Duration.ofHours(SESSION_HOURS).toMillis());
            return Optional.of(session);
        });
    }

    /** The admin of a live session, or empty. */
    Optional<UserId> sessionUser(String session) {
        if (!wellFormed(session)) {
            return Optional.empty();
        }
        return db.withHandle(h -> h.select("SELECT user_id FROM migration_page_session WHERE session_hash = ? AND expires_ms > ?",
                hash(session), clock.millis()).mapTo(String.class).findFirst().map(UserId::of));
    }

    Optional<RoomId> directChat(UserId admin) {
        return db.withHandle(h -> h.select("SELECT room_id FROM migration_page_dm WHERE user_id = ?", admin.value())
                .mapTo(String.class).findFirst().map(RoomId::of));
    }

    void putDirectChat(UserId admin, RoomId room) {
        db.inHandleTransaction(h -> {
            h.execute("DELETE FROM migration_page_dm WHERE user_id = ?", admin.value());
            return h.execute("INSERT INTO migration_page_dm (user_id, room_id) VALUES (?, ?)", admin.value(), room.value());
        });
    }

    private static boolean wellFormed(String value) {
        return value != null && value.matches("[A-Za-z0-9_-]{43}");
    }

    private static String random() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    static String hash(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }
}
