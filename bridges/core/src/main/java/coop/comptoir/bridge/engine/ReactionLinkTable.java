package coop.comptoir.bridge.engine;

import coop.comptoir.api.id.EventId;
import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.store.Database;
import coop.comptoir.bridge.api.CarriedReaction;
import coop.comptoir.bridge.api.RemoteChannelId;
import coop.comptoir.bridge.api.RemoteMessageId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * {@code bridge_reaction}: which {@code m.reaction} event is which remote reaction, so that
 * removing it on one side removes it on the other. {@code reactor} is the remote user ID for
 * reactions from the remote side, the Matrix user ID for those from Matrix.
 */
final class ReactionLinkTable {
    record ReactionLink(RoomId room, EventId event, EventId target, RemoteChannelId channel, RemoteMessageId remoteMessage,
                        String reactor, String key, Direction direction) {}

    private static final String COLUMNS = "room_id, event_id, target_event_id, channel_id, remote_message_id, reactor, reaction_key, direction";

    private final Database db;
    private final String instance;

    ReactionLinkTable(Database db, String instance) {
        this.db = db;
        this.instance = instance;
    }

    private static ReactionLink map(ResultSet rs, StatementContext ctx) throws SQLException {
        return new ReactionLink(RoomId.of(rs.getString(1)), EventId.of(rs.getString(2)), EventId.of(rs.getString(3)),
                new RemoteChannelId(rs.getString(4)), new RemoteMessageId(rs.getString(5)), rs.getString(6), rs.getString(7),
                Direction.valueOf(rs.getString(8)));
    }

    void insert(ReactionLink r) {
        db.withHandle(h -> h.execute("INSERT INTO bridge_reaction (instance, " + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                        + "ON CONFLICT DO NOTHING",
                instance, r.room().value(), r.event().value(), r.target().value(), r.channel().value(), r.remoteMessage().value(),
                r.reactor(), r.key(), r.direction().name()));
    }

    Optional<ReactionLink> byEvent(EventId event) {
        return db.withHandle(h -> h.select("SELECT " + COLUMNS + " FROM bridge_reaction WHERE instance = ? AND event_id = ?",
                instance, event.value()).map(ReactionLinkTable::map).findFirst());
    }

    Optional<ReactionLink> byRemote(RemoteMessageId message, String reactor, String key) {
        return db.withHandle(h -> h.select("SELECT " + COLUMNS + " FROM bridge_reaction WHERE instance = ? AND remote_message_id = ? "
                + "AND reactor = ? AND reaction_key = ?", instance, message.value(), reactor, key)
                .map(ReactionLinkTable::map).findFirst());
    }

    /** The reactions carried on a remote message of a channel, both ways. */
    List<CarriedReaction> onMessage(RemoteChannelId channel, RemoteMessageId message) {
        return db.withHandle(h -> h.select("SELECT reactor, reaction_key, direction FROM bridge_reaction WHERE instance = ? "
                + "AND remote_message_id = ? AND channel_id = ?", instance, message.value(), channel.value())
                .map((rs, ctx) -> new CarriedReaction(rs.getString(1), rs.getString(2),
                        Direction.valueOf(rs.getString(3)) == Direction.TO_REMOTE)).list());
    }

    void delete(EventId event) {
        db.withHandle(h -> h.execute("DELETE FROM bridge_reaction WHERE instance = ? AND event_id = ?", instance, event.value()));
    }
}
