package coop.comptoir.bridge.engine;

import coop.comptoir.api.id.EventId;
import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.id.UserId;
import coop.comptoir.api.store.Database;
import coop.comptoir.api.store.Database.Migration;
import coop.comptoir.bridge.api.RemoteUserId;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The linked accounts (an old-network user proved to be a Matrix user), shared by every bridge
 * instance: the one-time codes ({@code bridge_account_code}, only their SHA-256 kept), the links
 * ({@code bridge_account}), the failed code attempts of each remote user
 * ({@code bridge_account_attempt}), what a person with the daily digest missed
 * ({@code bridge_account_missed}) and the bot's direct chat with each person
 * ({@code bridge_account_dm}). Every method blocks on the database; none keeps state in memory.
 */
final class AccountTable {
    /** Letters and digits nobody mistakes for another (no 0/O, 1/I/L). */
    static final String ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    static final int CODE_LENGTH = 6;
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * One link.
     *
     * @param ghost        the ghost standing for the remote user (what the migration statistics see)
     * @param remoteName   the remote user's name when they linked (shown in {@code !link})
     * @param proofMessage the remote message that carried the code
     * @param digestNext   when the next digest is due (null: digest off)
     */
    record Link(String instance, RemoteUserId remote, UserId ghost, String remoteName, UserId matrixUser, String proofMessage,
                long linkedAt, boolean digest, Long digestNext) {}

    /** A message a person with the digest on was mentioned in, or answered by, on the old side. */
    record Missed(RoomId room, EventId event, String author, String excerpt, long sentAt) {}

    private final Database db;

    AccountTable(Database db) {
        this.db = db;
        db.migrate("bridge_account", List.of(Migration.both(1, "linked accounts, one-time codes, attempts, digests", """
                CREATE TABLE bridge_account_code (
                  code_hash TEXT PRIMARY KEY,
                  matrix_user TEXT NOT NULL,
                  created_at BIGINT NOT NULL,
                  expires_at BIGINT NOT NULL
                );
                CREATE TABLE bridge_account (
                  instance TEXT NOT NULL,
                  remote_id TEXT NOT NULL,
                  ghost_id TEXT NOT NULL,
                  remote_name TEXT,
                  matrix_user TEXT NOT NULL,
                  proof_message TEXT NOT NULL,
                  linked_at BIGINT NOT NULL,
                  digest INTEGER NOT NULL DEFAULT 0,
                  digest_next BIGINT,
                  PRIMARY KEY (instance, remote_id),
                  UNIQUE (instance, matrix_user)
                );
                CREATE INDEX bridge_account_user ON bridge_account (matrix_user);
                CREATE TABLE bridge_account_attempt (
                  instance TEXT NOT NULL,
                  remote_id TEXT NOT NULL,
                  failures INTEGER NOT NULL,
                  first_at BIGINT NOT NULL,
                  PRIMARY KEY (instance, remote_id)
                );
                CREATE TABLE bridge_account_missed (
                  instance TEXT NOT NULL,
                  matrix_user TEXT NOT NULL,
                  room_id TEXT NOT NULL,
                  event_id TEXT NOT NULL,
                  author TEXT NOT NULL,
                  excerpt TEXT NOT NULL,
                  sent_at BIGINT NOT NULL,
                  PRIMARY KEY (instance, matrix_user, event_id)
                );
                CREATE TABLE bridge_account_dm (
                  matrix_user TEXT PRIMARY KEY,
                  room_id TEXT NOT NULL
                )""")));
    }

    // --- codes ----------------------------------------------------------------------------------

    /** A new code for {@code user}, valid until {@code expiresAt}; the user's earlier codes stop working. */
    String newCode(UserId user, long now, long expiresAt) {
        StringBuilder sb = new StringBuilder(CODE_LENGTH);
        for (int i = 0; i < CODE_LENGTH; i++) {
            sb.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        String code = sb.toString();
        db.inHandleTransaction(h -> {
            h.execute("DELETE FROM bridge_account_code WHERE matrix_user = ? OR expires_at <= ?", user.value(), now);
            return h.execute("INSERT INTO bridge_account_code (code_hash, matrix_user, created_at, expires_at) VALUES (?, ?, ?, ?)",
                    hash(code), user.value(), now, expiresAt);
        });
        return code;
    }

    /** A code as typed, made comparable: upper case, without spaces or dashes; empty when it cannot be a code. */
    static Optional<String> normalise(String typed) {
        String s = typed.replaceAll("[\\s-]", "").toUpperCase(Locale.ROOT);
        if (s.length() != CODE_LENGTH || !s.chars().allMatch(c -> ALPHABET.indexOf(c) >= 0)) {
            return Optional.empty();
        }
        return Optional.of(s);
    }

    static String hash(String code) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(code.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Uses the code up and links the remote user to the code's Matrix user, in one transaction: a
     * code links once, even when two bridges try it at the same time. Empty when the code is
     * unknown, used or expired. The remote user's earlier link, and the Matrix user's earlier link on
     * this instance, are replaced; the digest setting of the Matrix user's other links is kept.
     */
    Optional<Link> redeem(String code, String instance, RemoteUserId remote, UserId ghost, String remoteName, String proofMessage,
                          long now) {
        String h0 = hash(code);
        return db.inHandleTransaction(h -> {
            Optional<String> user = h.select("SELECT matrix_user FROM bridge_account_code WHERE code_hash = ? AND expires_at > ?", h0, now)
                    .mapTo(String.class).findFirst();
            if (user.isEmpty() || h.execute("DELETE FROM bridge_account_code WHERE code_hash = ? AND expires_at > ?", h0, now) != 1) {
                return Optional.<Link>empty();
            }
            Optional<Long> digestNext = h.select("SELECT digest_next FROM bridge_account WHERE matrix_user = ? AND digest = 1",
                    user.get()).map((rs, c) -> rs.getLong(1)).findFirst();
            h.execute("DELETE FROM bridge_account WHERE instance = ? AND (remote_id = ? OR matrix_user = ?)", instance, remote.value(),
                    user.get());
            h.execute("INSERT INTO bridge_account (instance, remote_id, ghost_id, remote_name, matrix_user, proof_message, linked_at, "
                            + "digest, digest_next) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", instance, remote.value(), ghost.value(), remoteName,
                    user.get(), proofMessage, now, digestNext.isPresent() ? 1 : 0, digestNext.orElse(null));
            h.execute("DELETE FROM bridge_account_attempt WHERE instance = ? AND remote_id = ?", instance, remote.value());
            return Optional.of(new Link(instance, remote, ghost, remoteName, UserId.of(user.get()), proofMessage, now,
                    digestNext.isPresent(), digestNext.orElse(null)));
        });
    }

    // --- failed attempts ------------------------------------------------------------------------

    /** The failures of a remote user since {@code windowStart} (older ones are forgotten). */
    int failures(String instance, RemoteUserId remote, long windowStart) {
        return db.withHandle(h -> h.select("SELECT failures FROM bridge_account_attempt WHERE instance = ? AND remote_id = ? "
                + "AND first_at > ?", instance, remote.value(), windowStart).mapTo(Integer.class).findFirst().orElse(0));
    }

    /** Counts one more failure; a count older than {@code windowStart} starts again from one. Returns the count. */
    int failed(String instance, RemoteUserId remote, long now, long windowStart) {
        return db.inHandleTransaction(h -> {
            h.execute("DELETE FROM bridge_account_attempt WHERE instance = ? AND remote_id = ? AND first_at <= ?", instance,
                    remote.value(), windowStart);
            if (h.execute("UPDATE bridge_account_attempt SET failures = failures + 1 WHERE instance = ? AND remote_id = ?", instance,
                    remote.value()) == 0) {
                h.execute("INSERT INTO bridge_account_attempt (instance, remote_id, failures, first_at) VALUES (?, ?, 1, ?)", instance,
                        remote.value(), now);
            }
            return h.select("SELECT failures FROM bridge_account_attempt WHERE instance = ? AND remote_id = ?", instance,
                    remote.value()).mapTo(Integer.class).one();
        });
    }

    // --- links ----------------------------------------------------------------------------------

    private static final String LINK_COLUMNS = "instance, remote_id, ghost_id, remote_name, matrix_user, proof_message, linked_at, "
            + "digest, digest_next";

    private static Link link(java.sql.ResultSet rs) throws java.sql.SQLException {
        long next = rs.getLong(9);
        Long digestNext = rs.wasNull() ? null : next;
        return new Link(rs.getString(1), new RemoteUserId(rs.getString(2)), UserId.of(rs.getString(3)), rs.getString(4),
                UserId.of(rs.getString(5)), rs.getString(6), rs.getLong(7), rs.getInt(8) == 1, digestNext);
    }

    List<Link> ofInstance(String instance) {
        return db.withHandle(h -> h.select("SELECT " + LINK_COLUMNS + " FROM bridge_account WHERE instance = ?", instance)
                .map((rs, c) -> link(rs)).list());
    }

    List<Link> ofMatrixUser(UserId user) {
        return db.withHandle(h -> h.select("SELECT " + LINK_COLUMNS + " FROM bridge_account WHERE matrix_user = ? ORDER BY instance",
                user.value()).map((rs, c) -> link(rs)).list());
    }

    Optional<Link> of(String instance, RemoteUserId remote) {
        return db.withHandle(h -> h.select("SELECT " + LINK_COLUMNS + " FROM bridge_account WHERE instance = ? AND remote_id = ?",
                instance, remote.value()).map((rs, c) -> link(rs)).findFirst());
    }

    /** Removes the remote user's link; false when there was none. */
    boolean unlink(String instance, RemoteUserId remote) {
        return db.withHandle(h -> h.execute("DELETE FROM bridge_account WHERE instance = ? AND remote_id = ?", instance,
                remote.value())) > 0;
    }

    /** Removes every link of the Matrix user (and what their digest still held); returns how many links. */
    int unlinkAll(UserId user) {
        return db.inHandleTransaction(h -> {
            h.execute("DELETE FROM bridge_account_missed WHERE matrix_user = ?", user.value());
            return h.execute("DELETE FROM bridge_account WHERE matrix_user = ?", user.value());
        });
    }

    /** Turns the digest of every link of the user on (first one due at {@code next}) or off; returns how many links. */
    int setDigest(UserId user, boolean on, long next) {
        return db.inHandleTransaction(h -> {
            if (!on) {
                h.execute("DELETE FROM bridge_account_missed WHERE matrix_user = ?", user.value());
            }
            return h.execute("UPDATE bridge_account SET digest = ?, digest_next = ? WHERE matrix_user = ?", on ? 1 : 0,
                    on ? next : null, user.value());
        });
    }

    // --- digests --------------------------------------------------------------------------------

    /** Remembers a message for the user's next digest (once per event). */
    void noteMissed(String instance, UserId user, Missed m) {
        db.withHandle(h -> h.execute("INSERT INTO bridge_account_missed (instance, matrix_user, room_id, event_id, author, excerpt, "
                        + "sent_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (instance, matrix_user, event_id) DO NOTHING", instance,
                user.value(), m.room().value(), m.event().value(), m.author(), m.excerpt(), m.sentAt()));
    }

    /** The links of the instance whose digest is due. */
    List<Link> digestsDue(String instance, long now) {
        return db.withHandle(h -> h.select("SELECT " + LINK_COLUMNS + " FROM bridge_account WHERE instance = ? AND digest = 1 "
                + "AND digest_next <= ?", instance, now).map((rs, c) -> link(rs)).list());
    }

    /** What the user missed on the instance, oldest first. */
    List<Missed> missed(String instance, UserId user) {
        return db.withHandle(h -> h.select("SELECT room_id, event_id, author, excerpt, sent_at FROM bridge_account_missed "
                        + "WHERE instance = ? AND matrix_user = ? ORDER BY sent_at, event_id", instance, user.value())
                .map((rs, c) -> new Missed(RoomId.of(rs.getString(1)), EventId.of(rs.getString(2)), rs.getString(3), rs.getString(4),
                        rs.getLong(5))).list());
    }

    /** The digest was sent (or there was nothing): forgets what it listed and sets the next one. */
    void digestDone(String instance, UserId user, List<Missed> sent, long next) {
        db.inHandleTransaction(h -> {
            for (Missed m : sent) {
                h.execute("DELETE FROM bridge_account_missed WHERE instance = ? AND matrix_user = ? AND event_id = ?", instance,
                        user.value(), m.event().value());
            }
            return h.execute("UPDATE bridge_account SET digest_next = ? WHERE instance = ? AND matrix_user = ? AND digest = 1", next,
                    instance, user.value());
        });
    }

    // --- direct chats ---------------------------------------------------------------------------

    Optional<RoomId> directChat(UserId user) {
        return db.withHandle(h -> h.select("SELECT room_id FROM bridge_account_dm WHERE matrix_user = ?", user.value())
                .map((rs, c) -> RoomId.of(rs.getString(1))).findFirst());
    }

    void putDirectChat(UserId user, RoomId room) {
        db.inHandleTransaction(h -> {
            h.execute("DELETE FROM bridge_account_dm WHERE matrix_user = ?", user.value());
            return h.execute("INSERT INTO bridge_account_dm (matrix_user, room_id) VALUES (?, ?)", user.value(), room.value());
        });
    }
}
