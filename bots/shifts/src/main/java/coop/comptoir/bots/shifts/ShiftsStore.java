package coop.comptoir.bots.shifts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import coop.comptoir.api.id.EventId;
import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.id.UserId;
import coop.comptoir.api.store.Database;
import coop.comptoir.api.store.Database.Migration;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * What the shifts plugin keeps, per instance, in the shared database: the last good schedule (so a
 * source outage or a restart changes nothing), the reminders with their state, who opted in to
 * personal reminders and their direct chats; its small flags are read and set by {@link ShiftsFlags}.
 *
 * <p>Reminder rows move {@code pending → sending → sent} (or {@code dropped}, {@code cancelled},
 * {@code failed}, {@code full}); every move is a compare-and-set on the state, so with several
 * Comptoir processes on one PostgreSQL database one of them only wins each step.
 */
final class ShiftsStore {
    static final String PENDING = "pending", SENDING = "sending", SENT = "sent", EDITING = "editing",
            DROPPED = "dropped", CANCELLED = "cancelled", FAILED = "failed", FULL = "full";

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String V1 = """
            CREATE TABLE shifts_shift (
              instance TEXT NOT NULL,
              shift_id TEXT NOT NULL,
              start_ms BIGINT NOT NULL,
              end_ms BIGINT NOT NULL,
              title TEXT NOT NULL,
              team TEXT,
              seats_max INTEGER NOT NULL,
              seats_free INTEGER NOT NULL,
              members TEXT NOT NULL,
              PRIMARY KEY (instance, shift_id)
            );
            CREATE TABLE shifts_reminder (
              instance TEXT NOT NULL,
              rkey TEXT NOT NULL,
              kind TEXT NOT NULL,
              shift_id TEXT NOT NULL,
              target TEXT NOT NULL,
              title TEXT NOT NULL,
              due_ms BIGINT NOT NULL,
              start_ms BIGINT NOT NULL,
              end_ms BIGINT NOT NULL,
              state TEXT NOT NULL,
              claimed_ms BIGINT,
              attempts INTEGER NOT NULL DEFAULT 0,
              event_id TEXT,
              want TEXT,
              shown TEXT,
              edits INTEGER NOT NULL DEFAULT 0,
              PRIMARY KEY (instance, rkey)
            );
            CREATE INDEX shifts_reminder_due ON shifts_reminder (instance, state, due_ms);
            CREATE TABLE shifts_optin (
              instance TEXT NOT NULL,
              user_id TEXT NOT NULL,
              enabled INTEGER NOT NULL,
              PRIMARY KEY (instance, user_id)
            );
            CREATE TABLE shifts_direct_room (
              instance TEXT NOT NULL,
              user_id TEXT NOT NULL,
              room_id TEXT NOT NULL,
              PRIMARY KEY (instance, user_id)
            );
            CREATE TABLE shifts_flag (
              instance TEXT NOT NULL,
              name TEXT NOT NULL,
              value TEXT NOT NULL,
              PRIMARY KEY (instance, name)
            )""";

    /** Counts the sends of each row, part of its transaction ID (a row sent again after a move gets a new one). */
    private static final String V2 = "ALTER TABLE shifts_reminder ADD COLUMN sends INTEGER NOT NULL DEFAULT 0";

    /**
     * One reminder: a message due at {@code due} about the shift starting at {@code start}.
     * {@code sends} counts the times it went out (it goes again when its shift moves).
     */
    record Row(String key, String kind, String shiftId, String target, String title, Instant due, Instant start,
               Instant end, String state, int attempts, EventId event, String want, String shown, int edits, int sends) {}

    private final Database db;
    private final String instance;

    ShiftsStore(Database db, String instance) {
        this.db = db;
        this.instance = instance;
        db.migrate("shifts", List.of(Migration.both(1, "schedule, reminders, opt-ins, direct rooms, flags", V1),
                Migration.both(2, "send counter of reminders", V2)));
    }

    // ---- schedule

    /** Replaces the shifts starting in {@code [from, to)} by {@code shifts}; forgets shifts ended a week ago. */
    void replaceSchedule(List<Shift> shifts, Instant from, Instant to) {
        db.inHandleTransaction(h -> {
            h.execute("DELETE FROM shifts_shift WHERE instance = ? AND ((start_ms >= ? AND start_ms < ?) OR end_ms < ?)",
                    instance, from.toEpochMilli(), to.toEpochMilli(), from.minusSeconds(7 * 86400).toEpochMilli());
            PreparedBatch ins = h.prepareBatch("INSERT INTO shifts_shift (instance, shift_id, start_ms, end_ms, "
                    + "title, team, seats_max, seats_free, members) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                    + "ON CONFLICT (instance, shift_id) DO UPDATE SET start_ms = excluded.start_ms, end_ms = excluded.end_ms, "
                    + "title = excluded.title, team = excluded.team, seats_max = excluded.seats_max, "
                    + "seats_free = excluded.seats_free, members = excluded.members");
            for (Shift s : shifts) {
                ins.add(instance, s.id(), s.start().toInstant().toEpochMilli(), s.end().toInstant().toEpochMilli(), s.title(),
                        s.team().orElse(null), s.seatsMax(), s.seatsFree(), members(s.members()));
            }
            if (ins.size() > 0) {
                ins.execute();
            }
            return null;
        });
    }

    Optional<Shift> shift(String id, ZoneId zone) {
        return shifts("shift_id = ?", zone, id).stream().findFirst();
    }

    /** The known shifts starting in {@code [from, to)}, by start. */
    List<Shift> shifts(Instant from, Instant to, ZoneId zone) {
        return shifts("start_ms >= ? AND start_ms < ?", zone, from.toEpochMilli(), to.toEpochMilli());
    }

    /** The shifts matching {@code where}, whose parameters follow the instance. */
    private List<Shift> shifts(String where, ZoneId zone, Object... params) {
        return db.withHandle(h -> h.select("SELECT shift_id, start_ms, end_ms, title, team, seats_max, seats_free, members "
                        + "FROM shifts_shift WHERE instance = ? AND " + where + " ORDER BY start_ms, shift_id", withInstance(params))
                .map((rs, ctx) -> new Shift(rs.getString(1), rs.getString(4), Optional.ofNullable(rs.getString(5)),
                        Instant.ofEpochMilli(rs.getLong(2)).atZone(zone), Instant.ofEpochMilli(rs.getLong(3)).atZone(zone),
                        rs.getInt(6), rs.getInt(7), members(rs.getString(8))))
                .list());
    }

    private Object[] withInstance(Object... params) {
        Object[] all = new Object[params.length + 1];
        all[0] = instance;
        System.arraycopy(params, 0, all, 1, params.length);
        return all;
    }

    private static String members(List<Shift.Member> members) {
        ArrayNode a = JSON.createArrayNode();
        for (Shift.Member m : members) {
            ArrayNode one = a.addArray().add(m.displayName());
            if (m.matrixId().isPresent()) {
                one.add(m.matrixId().get().value());
            }
        }
        return a.toString();
    }

    private static List<Shift.Member> members(String json) {
        try {
            List<Shift.Member> out = new ArrayList<>();
            for (JsonNode m : JSON.readTree(json)) {
                out.add(new Shift.Member(m.get(0).asText(), m.size() > 1 ? Optional.of(UserId.of(m.get(1).asText())) : Optional.empty()));
            }
            return out;
        } catch (JsonProcessingException e) {
            throw new Database.StoreException("unreadable members " + json, e);
        }
    }

    // ---- reminders

    private static final String ROW_COLUMNS = "rkey, kind, shift_id, target, title, due_ms, start_ms, end_ms, state, "
            + "attempts, event_id, want, shown, edits, sends";

    private static Row row(ResultSet rs, StatementContext ctx) throws SQLException {
        String ev = rs.getString(11);
        return new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                Instant.ofEpochMilli(rs.getLong(6)), Instant.ofEpochMilli(rs.getLong(7)), Instant.ofEpochMilli(rs.getLong(8)),
                rs.getString(9), rs.getInt(10), ev == null ? null : EventId.of(ev), rs.getString(12), rs.getString(13), rs.getInt(14),
                rs.getInt(15));
    }

    /** The reminders matching {@code where}, whose parameters follow the instance. */
    private List<Row> rows(String where, Object... params) {
        return db.withHandle(h -> h.select("SELECT " + ROW_COLUMNS + " FROM shifts_reminder WHERE instance = ? AND " + where,
                withInstance(params)).map(ShiftsStore::row).list());
    }

    /** Runs one insert, update or delete; how many rows it changed. */
    private int write(String sql, Object... params) {
        return db.withHandle(h -> h.execute(sql, params));
    }

    /** The reminders of shifts starting at or after {@code from}, by key. */
    Map<String, Row> remindersFrom(Instant from) {
        Map<String, Row> out = new LinkedHashMap<>();
        for (Row r : rows("start_ms >= ?", from.toEpochMilli())) {
            out.put(r.key(), r);
        }
        return out;
    }

    Optional<Row> reminder(String key) {
        return rows("rkey = ?", key).stream().findFirst();
    }

    /** Pending reminders due at or before {@code now}, oldest first. */
    List<Row> duePending(Instant now, int limit) {
        return rows("state = ? AND due_ms <= ? ORDER BY due_ms, rkey LIMIT " + limit, PENDING, now.toEpochMilli());
    }

    /** Sent messages of shifts not started at {@code now} whose text should change ({@code want} differs from {@code shown}). */
    List<Row> staleMessages(Instant now, int limit) {
        return rows("state = ? AND start_ms > ? AND event_id IS NOT NULL AND want IS NOT NULL AND (shown IS NULL OR want <> shown) "
                + "ORDER BY due_ms, rkey LIMIT " + limit, SENT, now.toEpochMilli());
    }

    /** Forgets the reminders of shifts that started before {@code before}; how many. */
    int forgetRemindersBefore(Instant before) {
        return write("DELETE FROM shifts_reminder WHERE instance = ? AND start_ms < ? AND state NOT IN (?, ?)",
                instance, before.toEpochMilli(), SENDING, EDITING);
    }

    /** Adds a pending reminder unless its key exists; true if added. */
    boolean insert(Row r) {
        return write("INSERT INTO shifts_reminder (instance, rkey, kind, shift_id, target, title, due_ms, start_ms, end_ms, "
                        + "state, want) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (instance, rkey) DO NOTHING",
                instance, r.key(), r.kind(), r.shiftId(), r.target(), r.title(), r.due().toEpochMilli(), r.start().toEpochMilli(),
                r.end().toEpochMilli(), r.state(), r.want()) == 1;
    }

    /**
     * Updates what a poll learnt (times, title, target, wanted text) and moves {@code expectedState}
     * to {@code newState}; false if the row was not in {@code expectedState} any more.
     */
    boolean update(String key, String expectedState, String newState, Row values) {
        return write("UPDATE shifts_reminder SET state = ?, due_ms = ?, start_ms = ?, end_ms = ?, title = ?, target = ?, "
                        + "want = ?, attempts = CASE WHEN ? = state THEN attempts ELSE 0 END "
                        + "WHERE instance = ? AND rkey = ? AND state = ?",
                newState, values.due().toEpochMilli(), values.start().toEpochMilli(), values.end().toEpochMilli(), values.title(),
                values.target(), values.want(), newState, instance, key, expectedState) == 1;
    }

    /** Sets the text a sent message should show, whatever its state. */
    void want(String key, String want) {
        write("UPDATE shifts_reminder SET want = ? WHERE instance = ? AND rkey = ?", want, instance, key);
    }

    /** Moves a row from one state to another, and takes it when the new state is sending or editing. */
    boolean move(String key, String from, String to, Instant now) {
        if (to.equals(SENDING) || to.equals(EDITING)) {
            return write("UPDATE shifts_reminder SET state = ?, claimed_ms = ?, attempts = attempts + 1 "
                    + "WHERE instance = ? AND rkey = ? AND state = ?", to, now.toEpochMilli(), instance, key, from) == 1;
        }
        return write("UPDATE shifts_reminder SET state = ? WHERE instance = ? AND rkey = ? AND state = ?",
                to, instance, key, from) == 1;
    }

    /**
     * Claims a row ({@code from → to}, {@code to} being sending or editing) and reads it again: the
     * row as claimed, or empty if another process took it, or changed it since it was read so that
     * it is not due any more (a pending row is claimed only when {@code due_ms <= now}). What the
     * caller sends is the row returned, never the one it read before: a poll of another process may
     * have changed its time, room or title in between.
     */
    Optional<Row> claim(String key, String from, String to, Instant now) {
        String sql = "UPDATE shifts_reminder SET state = ?, claimed_ms = ?, attempts = attempts + 1 "
                + "WHERE instance = ? AND rkey = ? AND state = ?";
        boolean won = to.equals(SENDING)
                ? write(sql + " AND due_ms <= ?", to, now.toEpochMilli(), instance, key, from, now.toEpochMilli()) == 1
                : write(sql, to, now.toEpochMilli(), instance, key, from) == 1;
        // Once claimed, only the claimant moves the row (other processes change no more than its want).
        return won ? reminder(key).filter(r -> r.state().equals(to)) : Optional.empty();
    }

    /**
     * Drops a pending row if it still has the due time and start it was read with; false if it
     * changed (another process re-planned it) or left pending.
     */
    boolean dropIfUnchanged(Row read) {
        return write("UPDATE shifts_reminder SET state = ? WHERE instance = ? AND rkey = ? AND state = ? AND due_ms = ? "
                + "AND start_ms = ?", DROPPED, instance, read.key(), PENDING, read.due().toEpochMilli(), read.start().toEpochMilli()) == 1;
    }

    /** A claimed message went out (or was edited): remember its event and what it shows, and count it. */
    boolean sent(String key, String from, EventId event, String shown) {
        return write("UPDATE shifts_reminder SET state = ?, event_id = ?, shown = ?, attempts = 0, "
                        + "edits = edits + CASE WHEN ? = 'editing' THEN 1 ELSE 0 END, "
                        + "sends = sends + CASE WHEN state = 'sending' THEN 1 ELSE 0 END "
                        + "WHERE instance = ? AND rkey = ? AND state = ?",
                SENT, event.value(), shown, from, instance, key, from) == 1;
    }

    /**
     * An edit that failed too often: the message keeps its event and counts as showing {@code shown},
     * so that it is not tried again on every tick; a later change of {@code want} is edited again.
     */
    boolean abandonEdit(String key, String shown) {
        return write("UPDATE shifts_reminder SET state = ?, shown = ?, attempts = 0 WHERE instance = ? AND rkey = ? AND state = ?",
                SENT, shown, instance, key, EDITING) == 1;
    }

    /** What {@link #releaseStale} did: how many rows go again, and the keys of those given up. */
    record Released(int again, List<String> givenUp) {}

    /**
     * Claims taken before {@code before} by a process that did not finish (it crashed, or the error
     * could not be recorded): they go back, to be sent again with the same transaction ID (which the
     * homeserver deduplicates), unless they were claimed {@code maxAttempts} times already. Then a
     * reminder fails, and an edit counts as shown (a later change is edited again).
     */
    Released releaseStale(Instant before, int maxAttempts) {
        return db.inHandleTransaction(h -> {
            List<String> givenUp = h.select("UPDATE shifts_reminder SET state = CASE WHEN state = ? THEN ? ELSE ? END, "
                            + "shown = CASE WHEN state = ? THEN want ELSE shown END, "
                            + "attempts = CASE WHEN state = ? THEN 0 ELSE attempts END "
                            + "WHERE instance = ? AND state IN (?, ?) AND claimed_ms < ? AND attempts >= ? RETURNING rkey",
                    SENDING, FAILED, SENT, EDITING, EDITING, instance, SENDING, EDITING, before.toEpochMilli(), maxAttempts)
                    .mapTo(String.class).list();
            int again = h.execute("UPDATE shifts_reminder SET state = CASE WHEN state = ? THEN ? ELSE ? END "
                            + "WHERE instance = ? AND state IN (?, ?) AND claimed_ms < ?",
                    SENDING, PENDING, SENT, instance, SENDING, EDITING, before.toEpochMilli());
            return new Released(again, List.copyOf(givenUp));
        });
    }

    // ---- opt-ins and direct chats

    void optIn(UserId user, boolean on) {
        write("INSERT INTO shifts_optin (instance, user_id, enabled) VALUES (?, ?, ?) "
                + "ON CONFLICT (instance, user_id) DO UPDATE SET enabled = excluded.enabled", instance, user.value(), on ? 1 : 0);
    }

    Set<UserId> optedIn() {
        return new HashSet<>(db.withHandle(h -> h.select("SELECT user_id FROM shifts_optin WHERE instance = ? AND enabled = 1", instance)
                .map((rs, ctx) -> UserId.of(rs.getString(1))).list()));
    }

    boolean isOptedIn(UserId user) {
        return db.withHandle(h -> h.select("SELECT 1 FROM shifts_optin WHERE instance = ? AND user_id = ? AND enabled = 1",
                instance, user.value()).mapTo(Integer.class).findFirst().isPresent());
    }

    Optional<RoomId> directRoom(UserId user) {
        return db.withHandle(h -> h.select("SELECT room_id FROM shifts_direct_room WHERE instance = ? AND user_id = ?",
                instance, user.value()).map((rs, ctx) -> RoomId.of(rs.getString(1))).findFirst());
    }

    /** Keeps the first room recorded for a user; returns the one kept. */
    RoomId saveDirectRoom(UserId user, RoomId room) {
        write("INSERT INTO shifts_direct_room (instance, user_id, room_id) VALUES (?, ?, ?) ON CONFLICT (instance, user_id) DO NOTHING",
                instance, user.value(), room.value());
        return directRoom(user).orElse(room);
    }
}
