package coop.comptoir.bridge.imports;

import coop.comptoir.api.store.Database;
import coop.comptoir.api.store.Database.Migration;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What each import has sent: one row per run (export channel into a room) with its state, and one
 * row per imported message with the Matrix event standing for it (for replies, threads and resume).
 * Blocks on the database.
 */
final class ImportLog {
    static final String RUNNING = "RUNNING";
    static final String DONE = "DONE";

    private final Database db;

    ImportLog(Database db) {
        this.db = db;
        db.migrate("bridge-imports", List.of(Migration.both(1, "import runs and imported messages", """
                CREATE TABLE import_runs (run_key VARCHAR(400) PRIMARY KEY, state VARCHAR(16) NOT NULL,
                  sent BIGINT NOT NULL, updated_ms BIGINT NOT NULL, format VARCHAR(32) NOT NULL,
                  file_path VARCHAR(4000) NOT NULL, channel_id VARCHAR(400) NOT NULL, room_id VARCHAR(255) NOT NULL);
                CREATE TABLE import_messages (run_key VARCHAR(400) NOT NULL, message_id VARCHAR(400) NOT NULL,
                  event_id VARCHAR(255) NOT NULL, PRIMARY KEY (run_key, message_id))""")));
    }

    Optional<String> state(String run) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT state FROM import_runs WHERE run_key = ?")) {
                ps.setString(1, run);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
                }
            }
        });
    }

    /** DONE when an import into {@code room} finished, else RUNNING when one is under way, else empty. */
    Optional<String> stateInto(String room) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT state FROM import_runs WHERE room_id = ?")) {
                ps.setString(1, room);
                String found = null;
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next() && !DONE.equals(found)) {
                        found = rs.getString(1);
                    }
                }
                return Optional.ofNullable(found);
            }
        });
    }

    /** Where an import comes from, so that a restart can read the file again and resume. */
    record Origin(String format, String path, String channelId, String room) {}

    void setState(String run, String state, Origin origin, long now) {
        db.inTransaction(c -> {
            try (PreparedStatement del = c.prepareStatement("DELETE FROM import_runs WHERE run_key = ?");
                 PreparedStatement ins = c.prepareStatement(
                         "INSERT INTO import_runs (run_key, state, sent, updated_ms, format, file_path, channel_id, room_id)"
                                 + " VALUES (?, ?, (SELECT COUNT(*) FROM import_messages WHERE run_key = ?), ?, ?, ?, ?, ?)")) {
                del.setString(1, run);
                del.executeUpdate();
                ins.setString(1, run);
                ins.setString(2, state);
                ins.setString(3, run);
                ins.setLong(4, now);
                ins.setString(5, origin.format());
                ins.setString(6, origin.path());
                ins.setString(7, origin.channelId());
                ins.setString(8, origin.room());
                ins.executeUpdate();
                return null;
            }
        });
    }

    /** The imports a stop interrupted (still running), oldest first. */
    List<Origin> unfinished() {
        return db.withConnection(c -> {
            List<Origin> out = new java.util.ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT format, file_path, channel_id, room_id FROM import_runs"
                    + " WHERE state = ? ORDER BY updated_ms")) {
                ps.setString(1, RUNNING);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Origin(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)));
                    }
                }
            }
            return out;
        });
    }

    /** The events of the messages already imported by {@code run}: message ID → event ID. */
    Map<String, String> imported(String run) {
        return db.withConnection(c -> {
            Map<String, String> out = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT message_id, event_id FROM import_messages WHERE run_key = ?")) {
                ps.setString(1, run);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getString(1), rs.getString(2));
                    }
                }
            }
            return out;
        });
    }

    void imported(String run, String message, String event) {
        db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO import_messages (run_key, message_id, event_id) VALUES (?, ?, ?)")) {
                ps.setString(1, run);
                ps.setString(2, message);
                ps.setString(3, event);
                return ps.executeUpdate();
            }
        });
    }
}
