package coop.comptoir.bots.visio;

import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.store.Database;
import coop.comptoir.api.store.Database.Migration;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.text.Normalizer;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The meeting names of one instance, kept in the store so that a room keeps its meeting across
 * restarts and renames. A name is a human prefix (from the room's name, and the topic if any) and
 * 12 characters of an HMAC of the room ID (and topic) under a salt drawn once per instance and kept
 * in the store: knowing a room's ID does not give its meeting.
 */
final class Meetings {
    private static final List<Migration> MIGRATIONS = List.of(Migration.both(1, "salt and meeting names", """
            CREATE TABLE visio_salt (instance_id VARCHAR(200) PRIMARY KEY, salt VARCHAR(100) NOT NULL);
            CREATE TABLE visio_meetings (instance_id VARCHAR(200) NOT NULL, room_id VARCHAR(255) NOT NULL,
                topic VARCHAR(200) NOT NULL, meeting VARCHAR(100) NOT NULL, PRIMARY KEY (instance_id, room_id, topic))
            """));
    private static final int PREFIX_MAX = 24;
    private static final String BASE32 = "abcdefghijklmnopqrstuvwxyz234567";

    private final Database db;
    private final String instanceId;
    private final SecureRandom random;
    private volatile byte[] salt;

    Meetings(Database db, String instanceId, SecureRandom random) {
        this.db = db;
        this.instanceId = instanceId;
        this.random = random;
    }

    /** Creates the tables if needed. Blocks on the store. */
    void migrate() {
        db.migrate("visio", MIGRATIONS);
    }

    /**
     * The meeting of {@code room} (and {@code topic}, null for the room's own): the stored one, or a
     * new one stored now. Two callers at once get the same name. Blocks on the store.
     *
     * @param roomName the room's name for a new meeting's prefix, or null
     */
    String nameFor(RoomId room, String roomName, String topic) {
        String topicKey = topic == null ? "" : slug(topic, 200);
        String candidate = derive(salt(), room, roomName, topicKey);
        return db.withConnection(c -> {
            insertIfAbsent(c, "INSERT INTO visio_meetings (instance_id, room_id, topic, meeting) VALUES (?, ?, ?, ?)"
                    + " ON CONFLICT DO NOTHING", instanceId, room.value(), topicKey, candidate);
            return selectOne(c, "SELECT meeting FROM visio_meetings WHERE instance_id = ? AND room_id = ? AND topic = ?",
                    instanceId, room.value(), topicKey);
        });
    }

    private byte[] salt() {
        byte[] known = salt;
        if (known != null) {
            return known;
        }
        byte[] fresh = new byte[32];
        random.nextBytes(fresh);
        String stored = db.withConnection(c -> {
            insertIfAbsent(c, "INSERT INTO visio_salt (instance_id, salt) VALUES (?, ?) ON CONFLICT DO NOTHING",
                    instanceId, Base64.getEncoder().encodeToString(fresh));
            return selectOne(c, "SELECT salt FROM visio_salt WHERE instance_id = ?", instanceId);
        });
        salt = Base64.getDecoder().decode(stored);
        return salt;
    }

    /**
     * The name of a new meeting: {@code prefix-xxxxxxxxxxxx}. Pure: the same inputs give the same name.
     *
     * @param topicKey the topic as {@link #slug} gives it, empty for the room's own meeting
     */
    static String derive(byte[] salt, RoomId room, String roomName, String topicKey) {
        String prefix = roomName == null ? "" : slug(roomName, PREFIX_MAX);
        if (!topicKey.isEmpty()) {
            String t = topicKey.length() > PREFIX_MAX ? trimDashes(topicKey.substring(0, PREFIX_MAX)) : topicKey;
            prefix = prefix.isEmpty() ? t : prefix + "-" + t;
        }
        if (prefix.isEmpty()) {
            prefix = "visio";
        }
        return prefix + "-" + hash(salt, room.value() + "\n" + topicKey);
    }

    /** Lower-case ASCII letters and digits joined by single dashes, at most {@code max} characters. */
    static String slug(String text, int max) {
        String plain = Normalizer.normalize(text, Normalizer.Form.NFKD).replaceAll("\\p{M}+", "")
                .toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
        plain = trimDashes(plain);
        return plain.length() > max ? trimDashes(plain.substring(0, max)) : plain;
    }

    private static String trimDashes(String s) {
        return s.replaceAll("^-+|-+$", "");
    }

    /** 12 base-32 characters (60 bits) of HMAC-SHA256({@code salt}, {@code text}). */
    private static String hash(byte[] salt, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(salt, "HmacSHA256"));
            byte[] h = mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
            StringBuilder out = new StringBuilder(12);
            long bits = 0;
            for (int i = 0; i < 8; i++) {
                bits = (bits << 8) | (h[i] & 0xff);
            }
            for (int i = 0; i < 12; i++) {
                out.append(BASE32.charAt((int) ((bits >>> (59 - 5 * i)) & 31)));
            }
            return out.toString();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    private static void insertIfAbsent(Connection c, String sql, String... values) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                st.setString(i + 1, values[i]);
            }
            st.executeUpdate();
        }
    }

    private static String selectOne(Connection c, String sql, String... values) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                st.setString(i + 1, values[i]);
            }
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("row just written is missing: " + sql);
                }
                return rs.getString(1);
            }
        }
    }
}
