package coop.comptoir.bridge.engine;

import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.store.Database;
import coop.comptoir.bridge.api.RemoteChannelId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * {@code bridge_outbox}: what is to cross the bridge, stored before it is acknowledged. One queue
 * per direction and room, read in {@code (sort_key, id)} order; the dedup key (a Matrix event ID, a
 * remote message ID and kind) is unique per direction, so a replayed event is queued once.
 */
final class OutboxTable {
    enum State { PENDING, DONE, FAILED, CANCELLED }

    record Row(long id, Direction direction, RoomId room, RemoteChannelId channel, String dedupKey, String kind,
               String payload, int attempts, long nextAttempt, String lastError) {}

    /** The last error seen in a room, for {@code !bridge status}. */
    record LastError(Direction direction, String error, long at, State state) {}

    private static final String COLUMNS = "id, direction, room_id, channel_id, dedup_key, kind, payload, attempts, next_attempt, last_error";

    private final Database db;
    private final String instance;

    OutboxTable(Database db, String instance) {
        this.db = db;
        this.instance = instance;
    }

    private static Row map(ResultSet rs, StatementContext ctx) throws SQLException {
        return new Row(rs.getLong(1), Direction.valueOf(rs.getString(2)), RoomId.of(rs.getString(3)),
                new RemoteChannelId(rs.getString(4)), rs.getString(5), rs.getString(6), rs.getString(7), rs.getInt(8),
                rs.getLong(9), rs.getString(10));
    }

    /** The highest position in a room's queue (delivered items included), 0 when empty. */
    long maxSortKey(Direction direction, RoomId room) {
        return db.withHandle(h -> maxSortKey(h, direction, room));
    }

    private long maxSortKey(Handle h, Direction direction, RoomId room) {
        return h.select("SELECT COALESCE(MAX(sort_key), 0) FROM bridge_outbox WHERE instance = ? AND direction = ? AND room_id = ?",
                instance, direction.name(), room.value()).mapTo(Long.class).one();
    }

    /**
     * Queues an item unless one with the same dedup key is already there (in any state).
     *
     * @param sortKey    where it goes in its queue
     * @param inOrder    true to put it after everything already queued in the room (live events);
     *                   false to put it at {@code sortKey} as given (catch-up of older messages)
     * @return whether it was queued
     */
    boolean enqueue(Direction direction, RoomId room, RemoteChannelId channel, String dedupKey, String kind,
                    String payload, long sortKey, boolean inOrder, long now) {
        return db.inHandleTransaction(h -> {
            long key = sortKey;
            if (inOrder) {
                key = Math.max(sortKey, maxSortKey(h, direction, room) + 1);
            }
            return h.execute("INSERT INTO bridge_outbox (instance, direction, room_id, channel_id, dedup_key, sort_key, kind, payload, "
                            + "state, attempts, next_attempt, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?) "
                            + "ON CONFLICT DO NOTHING",
                    instance, direction.name(), room.value(), channel.value(), dedupKey, key, kind, payload,
                    State.PENDING.name(), now, now, now) == 1;
        });
    }


    /** The next item of a queue: the pending one first in order. */
    Optional<Row> head(Direction direction, RoomId room) {
        return db.withHandle(h -> h.select("SELECT " + COLUMNS + " FROM bridge_outbox WHERE instance = ? AND direction = ? "
                        + "AND room_id = ? AND state = ? ORDER BY sort_key, id LIMIT 1",
                instance, direction.name(), room.value(), State.PENDING.name()).map(OutboxTable::map).findFirst());
    }

    /** Rooms with something pending in that direction (to restart their queues). */
    List<RoomId> roomsWithPending(Direction direction) {
        return db.withHandle(h -> h.select("SELECT DISTINCT room_id FROM bridge_outbox WHERE instance = ? AND direction = ? "
                        + "AND state = ?", instance, direction.name(), State.PENDING.name())
                .map((rs, ctx) -> RoomId.of(rs.getString(1))).list());
    }

    int pending(Direction direction, RoomId room) {
        return db.withHandle(h -> h.select("SELECT COUNT(*) FROM bridge_outbox WHERE instance = ? AND direction = ? "
                        + "AND room_id = ? AND state = ?", instance, direction.name(), room.value(), State.PENDING.name())
                .mapTo(Integer.class).one());
    }

    void done(long id, long now) {
        db.withHandle(h -> h.execute("UPDATE bridge_outbox SET state = ?, updated_at = ? WHERE id = ?", State.DONE.name(), now, id));
    }

    void retryLater(long id, int attempts, long nextAttempt, String error, long now) {
        db.withHandle(h -> h.execute("UPDATE bridge_outbox SET attempts = ?, next_attempt = ?, last_error = ?, updated_at = ? "
                + "WHERE id = ?", attempts, nextAttempt, error, now, id));
    }

    void failed(long id, int attempts, String error, long now) {
        db.withHandle(h -> h.execute("UPDATE bridge_outbox SET state = ?, attempts = ?, last_error = ?, updated_at = ? WHERE id = ?",
                State.FAILED.name(), attempts, error, now, id));
    }

    /** Drops what is still pending for a room (after unlink). */
    int cancel(RoomId room) {
        return db.withHandle(h -> h.execute("UPDATE bridge_outbox SET state = ?, updated_at = updated_at WHERE instance = ? "
                + "AND room_id = ? AND state = ?", State.CANCELLED.name(), instance, room.value(), State.PENDING.name()));
    }

    Optional<LastError> lastError(RoomId room) {
        return db.withHandle(h -> h.select("SELECT direction, last_error, updated_at, state FROM bridge_outbox WHERE instance = ? "
                        + "AND room_id = ? AND last_error IS NOT NULL ORDER BY updated_at DESC, id DESC LIMIT 1", instance, room.value())
                .map((rs, ctx) -> new LastError(Direction.valueOf(rs.getString(1)), rs.getString(2), rs.getLong(3),
                        State.valueOf(rs.getString(4))))
                .findFirst());
    }

    /** Forgets delivered items older than {@code before}: past the window in which a replay can come. */
    int purgeDone(long before) {
        return db.withHandle(h -> h.execute("DELETE FROM bridge_outbox WHERE instance = ? AND state = ? AND updated_at < ?",
                instance, State.DONE.name(), before));
    }
}
