package coop.comptoir.bots.welcome;

import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.id.UserId;
import coop.comptoir.api.store.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * What the plugin must not forget across restarts: who was greeted in which room, and who got the
 * onboarding guide. Rows are per instance, so two welcome instances keep their own memories.
 */
final class Memory {
    static final List<Database.Migration> MIGRATIONS = Database.migrations(
            Database.Migration.both(1, "greeted members and guides sent", """
                    CREATE TABLE welcome_greeted (
                        instance TEXT NOT NULL,
                        room_id TEXT NOT NULL,
                        user_id TEXT NOT NULL,
                        greeted_at BIGINT NOT NULL,
                        PRIMARY KEY (instance, room_id, user_id));
                    CREATE TABLE welcome_guide (
                        instance TEXT NOT NULL,
                        user_id TEXT NOT NULL,
                        room_id TEXT NOT NULL,
                        sent_at BIGINT NOT NULL,
                        PRIMARY KEY (instance, user_id));
                    """));

    private final Database db;
    private final String instance;

    Memory(Database db, String instance) {
        this.db = db;
        this.instance = instance;
    }

    void migrate() {
        db.migrate("welcome", MIGRATIONS);
    }

    boolean wasGreeted(RoomId room, UserId user) {
        return db.withConnection(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT 1 FROM welcome_greeted WHERE instance = ? AND room_id = ? AND user_id = ?")) {
                s.setString(1, instance);
                s.setString(2, room.value());
                s.setString(3, user.value());
                try (ResultSet r = s.executeQuery()) {
                    return r.next();
                }
            }
        });
    }

    void markGreeted(RoomId room, Collection<UserId> users, Instant when) {
        db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO welcome_greeted (instance, room_id, user_id, greeted_at) VALUES (?, ?, ?, ?)"
                            + " ON CONFLICT DO NOTHING")) {
                for (UserId u : users) {
                    s.setString(1, instance);
                    s.setString(2, room.value());
                    s.setString(3, u.value());
                    s.setLong(4, when.toEpochMilli());
                    s.addBatch();
                }
                s.executeBatch();
            }
            return null;
        });
    }

    boolean guideSent(UserId user) {
        return db.withConnection(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT 1 FROM welcome_guide WHERE instance = ? AND user_id = ?")) {
                s.setString(1, instance);
                s.setString(2, user.value());
                try (ResultSet r = s.executeQuery()) {
                    return r.next();
                }
            }
        });
    }

    void markGuideSent(UserId user, RoomId directRoom, Instant when) {
        db.withConnection(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO welcome_guide (instance, user_id, room_id, sent_at) VALUES (?, ?, ?, ?)"
                            + " ON CONFLICT DO NOTHING")) {
                s.setString(1, instance);
                s.setString(2, user.value());
                s.setString(3, directRoom.value());
                s.setLong(4, when.toEpochMilli());
                return s.executeUpdate();
            }
        });
    }
}
