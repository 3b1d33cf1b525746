package coop.comptoir.bridge.engine;

import coop.comptoir.api.store.Database;
import java.sql.PreparedStatement;

/**
 * Rows shaped like a Discord bridge's, written in bulk for the store benchmarks: portals, ghosts
 * and message links with real-length IDs (43-character event IDs as room versions 4+ make them,
 * 18-digit snowflakes). Link {@code i} lives in portal {@code i % portals}.
 */
final class StoreRows {
    static final String INSTANCE = "discord";
    static final int PORTALS = 1_000;
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    private StoreRows() {}

    static String room(long p) {
        return "!" + base64(p * 7919 + 13, 18) + ":coop.example";
    }

    static String channel(long p) {
        return String.valueOf(900_000_000_000_000_000L + p);
    }

    static String event(long i) {
        return "$" + base64(i * 2_654_435_761L + 17, 43);
    }

    static String remote(long i) {
        return String.valueOf(1_100_000_000_000_000_000L + i * 4096);
    }

    static String ghost(long g) {
        return String.valueOf(300_000_000_000_000_000L + g * 31);
    }

    private static String base64(long seed, int length) {
        StringBuilder sb = new StringBuilder(length);
        long x = seed ^ 0x9E3779B97F4A7C15L;
        for (int i = 0; i < length; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            sb.append(ALPHABET.charAt((int) (x & 63)));
        }
        return sb.toString();
    }

    static void portals(Database db) {
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO bridge_portal (instance, room_id, channel_id, origin,"
                    + " linked_by, linked_at) VALUES (?, ?, ?, 'COMMAND', '@admin:coop.example', ?)")) {
                for (int p = 0; p < PORTALS; p++) {
                    ps.setString(1, INSTANCE);
                    ps.setString(2, room(p));
                    ps.setString(3, channel(p));
                    ps.setLong(4, 1_796_000_000_000L + p);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    static void ghosts(Database db, int count) {
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO bridge_ghost (instance, remote_id, display_name,"
                    + " avatar_source, avatar_mxc, synced_at) VALUES (?, ?, ?, ?, ?, ?)")) {
                for (int g = 0; g < count; g++) {
                    ps.setString(1, INSTANCE);
                    ps.setString(2, ghost(g));
                    ps.setString(3, "Bénévole " + g);
                    ps.setString(4, "https://cdn.discordapp.com/avatars/" + ghost(g) + "/a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6.png");
                    ps.setString(5, "mxc://coop.example/" + base64(g, 24));
                    ps.setLong(6, 1_796_000_000_000L + g);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    /** Links {@code from} (inclusive) to {@code to} (exclusive), 10,000 per database transaction. */
    static void links(Database db, long from, long to) {
        for (long first = from; first < to; first += 10_000) {
            long start = first;
            long end = Math.min(to, first + 10_000);
            db.inTransaction(c -> {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO bridge_message (instance, room_id, event_id,"
                        + " channel_id, remote_id, part, direction, sender, created_at, sent_at) VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?, ?)")) {
                    for (long i = start; i < end; i++) {
                        long p = i % PORTALS;
                        boolean fromRemote = i % 3 != 0;
                        ps.setString(1, INSTANCE);
                        ps.setString(2, room(p));
                        ps.setString(3, event(i));
                        ps.setString(4, channel(p));
                        ps.setString(5, remote(i));
                        ps.setString(6, fromRemote ? "TO_MATRIX" : "TO_REMOTE");
                        ps.setString(7, fromRemote ? "@_discord_" + ghost(i % 10_000) + ":coop.example" : "@alice" + (i % 500) + ":coop.example");
                        ps.setLong(8, 1_796_000_000_000L + i * 50);
                        ps.setLong(9, 1_796_000_000_000L + i * 50);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                return null;
            });
        }
    }
}
