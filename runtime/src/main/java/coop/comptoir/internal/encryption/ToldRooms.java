package coop.comptoir.internal.encryption;

import coop.comptoir.api.id.EventId;
import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.store.Database;
import coop.comptoir.api.store.Database.Migration;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Types;
import java.time.Instant;
import java.util.List;

/**
 * The encrypted rooms whose members were told, kept in the database so that "once" survives
 * restarts: a room is in the table once the notice is posted, or once posting it was refused for
 * good.
 */
final class ToldRooms {
    static final String COMPONENT = "encrypted-rooms";
    static final List<Migration> MIGRATIONS = List.of(Migration.both(1, "encrypted rooms told that commands cannot be read",
            """
            CREATE TABLE core_encrypted_room (
              room_id TEXT PRIMARY KEY,
              notice_event_id TEXT,
              told_at BIGINT NOT NULL
            )
            """));

    private final Database db;

    /** Creates the table if needed (may block on the database; throws {@code StoreException}). */
    ToldRooms(Database db) {
        this.db = db;
        db.migrate(COMPONENT, MIGRATIONS);
    }

    boolean contains(RoomId room) {
        return db.withConnection(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM core_encrypted_room WHERE room_id = ?")) {
                s.setString(1, room.value());
                try (ResultSet r = s.executeQuery()) {
                    return r.next();
                }
            }
        });
    }

    /**
     * Remembers that the room was told; {@code notice} is null when the notice could not be posted.
     *
     * @return false if the room was already remembered
     */
    boolean add(RoomId room, EventId notice, Instant when) {
        return db.withConnection(c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO core_encrypted_room (room_id, notice_event_id, told_at)"
                    + " VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
                s.setString(1, room.value());
                if (notice == null) {
                    s.setNull(2, Types.VARCHAR);
                } else {
                    s.setString(2, notice.value());
                }
                s.setLong(3, when.toEpochMilli());
                return s.executeUpdate() == 1;
            }
        });
    }
}
