package coop.comptoir.bridge.engine;

import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.id.UserId;
import coop.comptoir.api.store.Database;
import coop.comptoir.bridge.api.RemoteChannelId;
import java.time.Instant;
import java.util.List;

/** {@code bridge_portal}: which Matrix room is linked to which remote channel, by whom. */
final class PortalTable {
    /**
     * How a portal was made: from the config file, by {@code !bridge link}, or for a sub-channel
     * (a discussion) of another portal's channel.
     */
    enum Origin { CONFIG, COMMAND, SUB_CHANNEL }

    record Portal(RoomId room, RemoteChannelId channel, Origin origin, UserId linkedBy, Instant linkedAt) {}

    private final Database db;
    private final String instance;

    PortalTable(Database db, String instance) {
        this.db = db;
        this.instance = instance;
    }

    List<Portal> all() {
        return db.withHandle(h -> h.select("SELECT room_id, channel_id, origin, linked_by, linked_at FROM bridge_portal "
                        + "WHERE instance = ?", instance)
                .map((rs, ctx) -> new Portal(RoomId.of(rs.getString(1)), new RemoteChannelId(rs.getString(2)),
                        Origin.valueOf(rs.getString(3)), rs.getString(4) == null ? null : UserId.of(rs.getString(4)),
                        Instant.ofEpochMilli(rs.getLong(5))))
                .list());
    }

    /** Inserts the portal; false if the room or the channel is already linked. */
    boolean insert(Portal p) {
        return db.withHandle(h -> h.execute("INSERT INTO bridge_portal (instance, room_id, channel_id, origin, linked_by, "
                        + "linked_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                instance, p.room().value(), p.channel().value(), p.origin().name(),
                p.linkedBy() == null ? null : p.linkedBy().value(), p.linkedAt().toEpochMilli())) == 1;
    }

    boolean delete(RoomId room) {
        return db.withHandle(h -> h.execute("DELETE FROM bridge_portal WHERE instance = ? AND room_id = ?",
                instance, room.value())) == 1;
    }
}
