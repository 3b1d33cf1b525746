package coop.comptoir.bridge.engine;

import coop.comptoir.api.id.EventId;
import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.id.UserId;
import coop.comptoir.api.store.Database;
import coop.comptoir.bridge.api.RemoteChannelId;
import coop.comptoir.bridge.api.RemoteMessageId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * {@code bridge_message}: which Matrix event is which remote message. One side may take several
 * parts on the other (a long text or several files): {@code part} numbers them, 0 first. Each
 * event and each remote message has at most one row per part, so links are unique both ways.
 */
final class MessageLinkTable {
    /**
     * @param sender the Matrix user who sent the event (a ghost for messages from the remote side)
     * @param sentAt when the message was written on its own side, epoch ms ({@code createdAt} is when it crossed)
     */
    record Link(RoomId room, EventId event, RemoteChannelId channel, RemoteMessageId remote, int part,
                Direction direction, UserId sender, long createdAt, long sentAt) {}

    private static final String COLUMNS = "room_id, event_id, channel_id, remote_id, part, direction, sender, created_at, sent_at";

    private final Database db;
    private final String instance;

    MessageLinkTable(Database db, String instance) {
        this.db = db;
        this.instance = instance;
    }

    private static Link map(ResultSet rs, StatementContext ctx) throws SQLException {
        long sent = rs.getLong(9);
        return new Link(RoomId.of(rs.getString(1)), EventId.of(rs.getString(2)), new RemoteChannelId(rs.getString(3)),
                new RemoteMessageId(rs.getString(4)), rs.getInt(5), Direction.valueOf(rs.getString(6)),
                UserId.of(rs.getString(7)), rs.getLong(8), rs.wasNull() ? rs.getLong(8) : sent);
    }

    void insert(Link l) {
        db.withHandle(h -> h.execute("INSERT INTO bridge_message (instance, " + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                        + "ON CONFLICT DO NOTHING",
                instance, l.room().value(), l.event().value(), l.channel().value(), l.remote().value(), l.part(),
                l.direction().name(), l.sender().value(), l.createdAt(), l.sentAt()));
    }

    /** The remote messages an event became (or came from), first part first. */
    List<Link> byEvent(EventId event) {
        return list("SELECT " + COLUMNS + " FROM bridge_message WHERE instance = ? AND event_id = ? ORDER BY part",
                instance, event.value());
    }

    /** The Matrix events a remote message became (or came from), first part first. */
    List<Link> byRemote(RemoteMessageId remote) {
        return list("SELECT " + COLUMNS + " FROM bridge_message WHERE instance = ? AND remote_id = ? ORDER BY part",
                instance, remote.value());
    }

    /**
     * The links of an event made in {@code room}, first part first. Relations (edits, redactions,
     * replies, threads, reactions) are followed only inside the room they were written in: an event
     * ID from another room, even another portal's, is no target.
     */
    List<Link> byEvent(RoomId room, EventId event) {
        return list("SELECT " + COLUMNS + " FROM bridge_message WHERE instance = ? AND room_id = ? AND event_id = ? "
                + "ORDER BY part", instance, room.value(), event.value());
    }

    /** The links of a remote message made in {@code room}, first part first (see {@link #byEvent(RoomId, EventId)}). */
    List<Link> byRemote(RoomId room, RemoteMessageId remote) {
        return list("SELECT " + COLUMNS + " FROM bridge_message WHERE instance = ? AND room_id = ? AND remote_id = ? "
                + "ORDER BY part", instance, room.value(), remote.value());
    }

    /** The first Matrix event of a remote message in {@code room}, for replies, threads, edits and reactions. */
    Optional<EventId> eventOf(RoomId room, RemoteMessageId remote) {
        return byRemote(room, remote).stream().findFirst().map(Link::event);
    }

    /** The first remote message of a Matrix event of {@code room}. */
    Optional<RemoteMessageId> remoteOf(RoomId room, EventId event) {
        return byEvent(room, event).stream().findFirst().map(Link::remote);
    }

    boolean isLinked(EventId event) {
        return !byEvent(event).isEmpty();
    }

    boolean isLinked(RemoteMessageId remote) {
        return !byRemote(remote).isEmpty();
    }

    void deleteByEvent(EventId event) {
        db.withHandle(h -> h.execute("DELETE FROM bridge_message WHERE instance = ? AND event_id = ?", instance, event.value()));
    }

    void deleteByRemote(RemoteMessageId remote) {
        db.withHandle(h -> h.execute("DELETE FROM bridge_message WHERE instance = ? AND remote_id = ?", instance, remote.value()));
    }

    /** The latest link made in a room in one direction: the last message that crossed that way. */
    Optional<Link> last(RoomId room, Direction direction) {
        return db.withHandle(h -> h.select("SELECT " + COLUMNS + " FROM bridge_message WHERE instance = ? AND room_id = ? "
                        + "AND direction = ? ORDER BY created_at DESC LIMIT 1", instance, room.value(), direction.name())
                .map(MessageLinkTable::map).findFirst());
    }

    /** One indexed query (by event or by remote message, then part): the lookups every relation goes through. */
    private List<Link> list(String sql, Object... params) {
        return db.withHandle(h -> h.select(sql, params).map(MessageLinkTable::map).list());
    }
}
