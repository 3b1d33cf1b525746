package coop.comptoir.bridge.imports;

import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.id.UserId;
import coop.comptoir.api.store.Database;
import java.time.Instant;
import java.util.List;

/**
 * Reads what {@link MoveStats} needs from the bridge engine's tables (same database, same module):
 * the portals ({@code bridge_portal}) and the messages that crossed since a time
 * ({@code bridge_message}, first part of each message only, {@code TO_REMOTE} being written on
 * Matrix), and the linked accounts ({@code bridge_account}). Read-only; blocks on the database. When no bridge ever ran, the tables do not exist:
 * nothing is bridged, the lists are empty.
 */
final class MoveActivity {
    private final Database db;

    MoveActivity(Database db) {
        this.db = db;
    }

    /** Every portal of every bridge instance, by instance then link time. */
    List<MoveStats.Portal> portals() {
        if (!bridged()) {
            return List.of();
        }
        return db.withHandle(h -> h.select("SELECT instance, room_id, channel_id FROM bridge_portal ORDER BY instance, linked_at, room_id")
                .map((rs, ctx) -> new MoveStats.Portal(rs.getString(1), RoomId.of(rs.getString(2)), rs.getString(3))).list());
    }

    /** The messages written since {@code since} (when written, or when carried for rows older than that column). */
    List<MoveStats.Message> messagesSince(Instant since) {
        if (!bridged()) {
            return List.of();
        }
        return db.withHandle(h -> h.select("SELECT instance, room_id, direction, sender, COALESCE(sent_at, created_at) FROM bridge_message "
                        + "WHERE part = 0 AND COALESCE(sent_at, created_at) >= ?", since.toEpochMilli())
                .map((rs, ctx) -> new MoveStats.Message(rs.getString(1), RoomId.of(rs.getString(2)),
                        "TO_REMOTE".equals(rs.getString(3)), UserId.of(rs.getString(4)), Instant.ofEpochMilli(rs.getLong(5))))
                .list());
    }

    /** The ghosts whose remote account is linked to a Matrix account ({@code !link}), as {@link MoveStats#linkKey}. */
    java.util.Set<String> linked() {
        if (!exists("bridge_account")) {
            return java.util.Set.of();
        }
        return java.util.Set.copyOf(db.withHandle(h -> h.select("SELECT instance, ghost_id FROM bridge_account")
                .map((rs, ctx) -> MoveStats.linkKey(rs.getString(1), UserId.of(rs.getString(2)))).list()));
    }

    private boolean bridged() {
        return exists("bridge_message");
    }

    private boolean exists(String table) {
        return db.withConnection(c -> {
            // in the connection's own schema only: a shared PostgreSQL may hold other schemas' tables
            try (var rs = c.getMetaData().getTables(null, c.getSchema(), table, null)) {
                return rs.next();
            }
        });
    }
}
