package coop.comptoir.bots.welcome;

import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.id.UserId;
import coop.comptoir.api.store.Database;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import org.jdbi.v3.core.statement.PreparedBatch;

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
        return db.withHandle(h -> h.select("SELECT 1 FROM welcome_greeted WHERE instance = ? AND room_id = ? AND user_id = ?",
                instance, room.value(), user.value()).mapTo(Integer.class).findFirst().isPresent());
    }

    void markGreeted(RoomId room, Collection<UserId> users, Instant when) {
        if (users.isEmpty()) {
            return;
        }
        db.inHandleTransaction(h -> {
            PreparedBatch batch = h.prepareBatch("INSERT INTO welcome_greeted (instance, room_id, user_id, greeted_at) "
                    + "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING");
            for (UserId u : users) {
                batch.add(instance, room.value(), u.value(), when.toEpochMilli());
            }
            return batch.execute();
        });
    }

    boolean guideSent(UserId user) {
        return db.withHandle(h -> h.select("SELECT 1 FROM welcome_guide WHERE instance = ? AND user_id = ?", instance, user.value())
                .mapTo(Integer.class).findFirst().isPresent());
    }

    void markGuideSent(UserId user, RoomId directRoom, Instant when) {
        db.withHandle(h -> h.execute("INSERT INTO welcome_guide (instance, user_id, room_id, sent_at) VALUES (?, ?, ?, ?) "
                + "ON CONFLICT DO NOTHING", instance, user.value(), directRoom.value(), when.toEpochMilli()));
    }
}
