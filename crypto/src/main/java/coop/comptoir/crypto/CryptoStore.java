package coop.comptoir.crypto;

import coop.comptoir.api.store.Database;
import coop.comptoir.api.store.Database.Migration;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The bot's crypto state in Comptoir's database (component {@value #COMPONENT}): its Olm account,
 * its Olm sessions with other devices, and the room keys it received. Everything is stored as a
 * sealed pickle (see {@link Vodozemac}); nothing here is readable without the pickle key. Every
 * method may block on the database and throws {@code Database.StoreException} when it fails.
 */
public final class CryptoStore {
    /** The migration component. */
    public static final String COMPONENT = "crypto";
    static final List<Migration> MIGRATIONS = List.of(Migration.both(1, "end-to-end encryption: account, Olm sessions, room keys",
            """
            CREATE TABLE crypto_account (
              user_id TEXT PRIMARY KEY,
              device_id TEXT NOT NULL,
              pickle TEXT NOT NULL
            );
            CREATE TABLE crypto_olm_session (
              their_key TEXT NOT NULL,
              session_id TEXT NOT NULL,
              pickle TEXT NOT NULL,
              updated_at BIGINT NOT NULL,
              PRIMARY KEY (their_key, session_id)
            );
            CREATE TABLE crypto_room_key (
              session_id TEXT NOT NULL,
              sender_key TEXT NOT NULL,
              room_id TEXT NOT NULL,
              pickle TEXT NOT NULL,
              PRIMARY KEY (sender_key, session_id)
            )
            """),
            Migration.both(2, "end-to-end encryption: the bot's own room keys",
            """
            CREATE TABLE crypto_outbound (
              room_id TEXT PRIMARY KEY,
              pickle TEXT NOT NULL,
              created_at BIGINT NOT NULL,
              shared_with TEXT NOT NULL
            )
            """));

    private final Database db;
    private final byte[] key;

    /**
     * Creates the tables if needed.
     *
     * @param secret the secret the pickle key is derived from (the appservice's {@code as_token}):
     *               a new secret makes the stored state unreadable, and the bot starts a new device
     */
    public CryptoStore(Database db, String secret) {
        this.db = db;
        this.key = derive(secret);
        db.migrate(COMPONENT, MIGRATIONS);
    }

    static byte[] derive(String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal("comptoir crypto pickle key v1".getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 unavailable in this JDK", e);
        }
    }

    /** The stored device of {@code userId}: its id and account; empty if none or unreadable with this key. */
    public Optional<StoredAccount> account(String userId) {
        Optional<String[]> row = db.withConnection(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT device_id, pickle FROM crypto_account WHERE user_id = ?")) {
                s.setString(1, userId);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? Optional.of(new String[] {r.getString(1), r.getString(2)}) : Optional.empty();
                }
            }
        });
        if (row.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new StoredAccount(row.get()[0], OlmAccount.fromPickle(row.get()[1], key)));
        } catch (CryptoException e) {
            return Optional.empty(); // the secret changed: a new device replaces this one
        }
    }

    /** A device id and its account. */
    public record StoredAccount(String deviceId, OlmAccount account) {
    }

    /** Stores (or replaces) the account of {@code userId}. */
    public void saveAccount(String userId, String deviceId, OlmAccount account) {
        String pickle = account.pickle(key);
        db.inTransaction(c -> {
            try (PreparedStatement d = c.prepareStatement("DELETE FROM crypto_account WHERE user_id = ?")) {
                d.setString(1, userId);
                d.executeUpdate();
            }
            try (PreparedStatement s = c.prepareStatement("INSERT INTO crypto_account (user_id, device_id, pickle) VALUES (?, ?, ?)")) {
                s.setString(1, userId);
                s.setString(2, deviceId);
                s.setString(3, pickle);
                return s.executeUpdate();
            }
        });
    }

    /** The Olm sessions with the device of Curve25519 key {@code theirKey}, most recently used first. */
    public List<OlmSession> olmSessions(String theirKey) {
        List<String> pickles = db.withConnection(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT pickle FROM crypto_olm_session WHERE their_key = ? ORDER BY updated_at DESC")) {
                s.setString(1, theirKey);
                List<String> out = new ArrayList<>();
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        out.add(r.getString(1));
                    }
                }
                return out;
            }
        });
        List<OlmSession> sessions = new ArrayList<>();
        for (String p : pickles) {
            try {
                sessions.add(OlmSession.fromPickle(p, key));
            } catch (CryptoException e) {
                // sealed with a former secret: useless, skipped
            }
        }
        return sessions;
    }

    /** Stores (or replaces) an Olm session after it was used. */
    public void saveOlmSession(String theirKey, OlmSession session, long nowMillis) {
        String pickle = session.pickle(key);
        db.inTransaction(c -> {
            try (PreparedStatement d = c.prepareStatement("DELETE FROM crypto_olm_session WHERE their_key = ? AND session_id = ?")) {
                d.setString(1, theirKey);
                d.setString(2, session.id());
                d.executeUpdate();
            }
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO crypto_olm_session (their_key, session_id, pickle, updated_at) VALUES (?, ?, ?, ?)")) {
                s.setString(1, theirKey);
                s.setString(2, session.id());
                s.setString(3, pickle);
                s.setLong(4, nowMillis);
                return s.executeUpdate();
            }
        });
    }

    /** The bot's Megolm session of a room, when it was made, and the devices ({@code user|device}) that have it. */
    public record Outbound(MegolmOutbound session, long createdAt, java.util.SortedSet<String> sharedWith) {
    }

    /** The bot's current session in {@code roomId}; empty if none (or sealed with a former secret). */
    public Optional<Outbound> outbound(String roomId) {
        Optional<String[]> row = db.withConnection(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT pickle, created_at, shared_with FROM crypto_outbound WHERE room_id = ?")) {
                s.setString(1, roomId);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? Optional.of(new String[] {r.getString(1), Long.toString(r.getLong(2)), r.getString(3)})
                            : Optional.empty();
                }
            }
        });
        try {
            return row.map(r -> new Outbound(MegolmOutbound.fromPickle(r[0], key), Long.parseLong(r[1]),
                    new java.util.TreeSet<>(r[2].isEmpty() ? List.of() : List.of(r[2].split("\n")))));
        } catch (CryptoException e) {
            return Optional.empty();
        }
    }

    /** Stores (or replaces) the bot's session in {@code roomId}: after every message (the ratchet moved). */
    public void saveOutbound(String roomId, Outbound o) {
        String pickle = o.session().pickle(key);
        db.inTransaction(c -> {
            try (PreparedStatement d = c.prepareStatement("DELETE FROM crypto_outbound WHERE room_id = ?")) {
                d.setString(1, roomId);
                d.executeUpdate();
            }
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO crypto_outbound (room_id, pickle, created_at, shared_with) VALUES (?, ?, ?, ?)")) {
                s.setString(1, roomId);
                s.setString(2, pickle);
                s.setLong(3, o.createdAt());
                s.setString(4, String.join("\n", o.sharedWith()));
                return s.executeUpdate();
            }
        });
    }

    /** The room key {@code sessionId} of {@code senderKey} for {@code roomId}; empty if not received (yet). */
    public Optional<MegolmInbound> roomKey(String roomId, String senderKey, String sessionId) {
        Optional<String> pickle = db.withConnection(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT pickle FROM crypto_room_key WHERE sender_key = ? AND session_id = ? AND room_id = ?")) {
                s.setString(1, senderKey);
                s.setString(2, sessionId);
                s.setString(3, roomId);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? Optional.of(r.getString(1)) : Optional.empty();
                }
            }
        });
        try {
            return pickle.map(p -> MegolmInbound.fromPickle(p, key));
        } catch (CryptoException e) {
            return Optional.empty();
        }
    }

    /** Stores a received room key; keeps the first one received for a session (a later copy cannot widen it). */
    public boolean saveRoomKey(String roomId, String senderKey, MegolmInbound session) {
        String pickle = session.pickle(key);
        return db.withConnection(c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO crypto_room_key (session_id, sender_key, room_id, pickle)"
                    + " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
                s.setString(1, session.id());
                s.setString(2, senderKey);
                s.setString(3, roomId);
                s.setString(4, pickle);
                return s.executeUpdate() == 1;
            }
        });
    }
}
