package coop.comptoir.bridge.engine;

import coop.comptoir.api.id.EventId;
import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.store.Database;
import coop.comptoir.bridge.api.RemoteChannelId;
import coop.comptoir.bridge.api.RemoteMessageId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * {@code bridge_cursor}: per portal, how far a walk through the remote history went. {@code catch_up}
 * is the last remote message stored for delivery while the bridge was in step with the network;
 * {@code import} is the history import's progress (position, count, state, the progress notice).
 */
final class CursorTable {
    static final String CATCH_UP = "catch_up";
    static final String IMPORT = "import";

    /** A cursor; {@code position} is empty before the first message. */
    record Cursor(RoomId room, String name, RemoteChannelId channel, Optional<RemoteMessageId> position, long count,
                  String state, Optional<EventId> notice) {}

    private final Database db;
    private final String instance;

    CursorTable(Database db, String instance) {
        this.db = db;
        this.instance = instance;
    }

    private static final String COLUMNS = "room_id, name, channel_id, position, done_count, state, notice_event";

    private static Cursor map(ResultSet rs, StatementContext ctx) throws SQLException {
        String pos = rs.getString(4);
        String notice = rs.getString(7);
        return new Cursor(RoomId.of(rs.getString(1)), rs.getString(2), new RemoteChannelId(rs.getString(3)),
                pos == null ? Optional.empty() : Optional.of(new RemoteMessageId(pos)), rs.getLong(5), rs.getString(6),
                notice == null ? Optional.empty() : Optional.of(EventId.of(notice)));
    }

    /** The cursor of a portal; one left by an earlier link of the room to another channel does not count. */
    Optional<Cursor> get(RoomId room, String name, RemoteChannelId channel) {
        return db.withHandle(h -> h.select("SELECT " + COLUMNS + " FROM bridge_cursor WHERE instance = ? AND room_id = ? AND name = ?",
                instance, room.value(), name).map(CursorTable::map).findFirst()).filter(c -> c.channel().equals(channel));
    }

    List<Cursor> all(String name) {
        return db.withHandle(h -> h.select("SELECT " + COLUMNS + " FROM bridge_cursor WHERE instance = ? AND name = ?", instance, name)
                .map(CursorTable::map).list());
    }

    void put(Cursor c, long now) {
        db.inHandleTransaction(h -> {
            h.execute("DELETE FROM bridge_cursor WHERE instance = ? AND room_id = ? AND name = ?", instance, c.room().value(), c.name());
            return h.execute("INSERT INTO bridge_cursor (instance, " + COLUMNS + ", updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    instance, c.room().value(), c.name(), c.channel().value(), c.position().map(RemoteMessageId::value).orElse(null),
                    c.count(), c.state(), c.notice().map(EventId::value).orElse(null), now);
        });
    }

    void delete(RoomId room, String name) {
        db.withHandle(h -> h.execute("DELETE FROM bridge_cursor WHERE instance = ? AND room_id = ? AND name = ?",
                instance, room.value(), name));
    }
}
