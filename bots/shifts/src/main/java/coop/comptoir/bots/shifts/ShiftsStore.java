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
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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
        db.inTransaction(c -> {
            try (PreparedStatement del = c.prepareStatement(
                    "DELETE FROM shifts_shift WHERE instance = ? AND ((start_ms >= ? AND start_ms < ?) OR end_ms < ?)");
                 PreparedStatement ins = c.prepareStatement("INSERT INTO shifts_shift (instance, shift_id, start_ms, end_ms, "
                         + "title, team, seats_max, seats_free, members) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                         + "ON CONFLICT (instance, shift_id) DO UPDATE SET start_ms = excluded.start_ms, end_ms = excluded.end_ms, "
                         + "title = excluded.title, team = excluded.team, seats_max = excluded.seats_max, "
                         + "seats_free = excluded.seats_free, members = excluded.members")) {
                del.setString(1, instance);
                del.setLong(2, from.toEpochMilli());
                del.setLong(3, to.toEpochMilli());
                del.setLong(4, from.minusSeconds(7 * 86400).toEpochMilli());
                del.executeUpdate();
                for (Shift s : shifts) {
                    ins.setString(1, instance);
                    ins.setString(2, s.id());
                    ins.setLong(3, s.start().toInstant().toEpochMilli());
                    ins.setLong(4, s.end().toInstant().toEpochMilli());
                    ins.setString(5, s.title());
                    ins.setString(6, s.team().orElse(null));
                    ins.setInt(7, s.seatsMax());
                    ins.setInt(8, s.seatsFree());
                    ins.setString(9, members(s.members()));
                    ins.addBatch();
                }
                ins.executeBatch();
            }
            return null;
        });
    }

    Optional<Shift> shift(String id, ZoneId zone) {
        List<Shift> found = query("shift_id = ?", zone, ps -> ps.setString(2, id));
        return found.stream().findFirst();
    }

    /** The known shifts starting in {@code [from, to)}, by start. */
    List<Shift> shifts(Instant from, Instant to, ZoneId zone) {
        return query("start_ms >= ? AND start_ms < ?", zone, ps -> {
            ps.setLong(2, from.toEpochMilli());
            ps.setLong(3, to.toEpochMilli());
        });
    }

    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private List<Shift> query(String where, ZoneId zone, Binder binder) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT shift_id, start_ms, end_ms, title, team, seats_max, "
                    + "seats_free, members FROM shifts_shift WHERE instance = ? AND " + where + " ORDER BY start_ms, shift_id")) {
                ps.setString(1, instance);
                binder.bind(ps);
                List<Shift> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Shift(rs.getString(1), rs.getString(4), Optional.ofNullable(rs.getString(5)),
                                Instant.ofEpochMilli(rs.getLong(2)).atZone(zone), Instant.ofEpochMilli(rs.getLong(3)).atZone(zone),
                                rs.getInt(6), rs.getInt(7), members(rs.getString(8))));
                    }
                }
                return out;
            }
        });
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

    private static Row row(ResultSet rs) throws SQLException {
        String ev = rs.getString(11);
        return new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                Instant.ofEpochMilli(rs.getLong(6)), Instant.ofEpochMilli(rs.getLong(7)), Instant.ofEpochMilli(rs.getLong(8)),
                rs.getString(9), rs.getInt(10), ev == null ? null : EventId.of(ev), rs.getString(12), rs.getString(13), rs.getInt(14),
                rs.getInt(15));
    }

    private List<Row> rows(String where, Binder binder) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + ROW_COLUMNS + " FROM shifts_reminder WHERE instance = ? AND "
                    + where)) {
                ps.setString(1, instance);
                binder.bind(ps);
                List<Row> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(row(rs));
                    }
                }
                return out;
            }
        });
    }

    /** The reminders of shifts starting at or after {@code from}, by key. */
    Map<String, Row> remindersFrom(Instant from) {
        Map<String, Row> out = new LinkedHashMap<>();
        for (Row r : rows("start_ms >= ?", ps -> ps.setLong(2, from.toEpochMilli()))) {
            out.put(r.key(), r);
        }
        return out;
    }

    Optional<Row> reminder(String key) {
        return rows("rkey = ?", ps -> ps.setString(2, key)).stream().findFirst();
    }

    /** Pending reminders due at or before {@code now}, oldest first. */
    List<Row> duePending(Instant now, int limit) {
        return rows("state = ? AND due_ms <= ? ORDER BY due_ms, rkey LIMIT " + limit, ps -> {
            ps.setString(2, PENDING);
            ps.setLong(3, now.toEpochMilli());
        });
    }

    /** Sent messages of shifts not started at {@code now} whose text should change ({@code want} differs from {@code shown}). */
    List<Row> staleMessages(Instant now, int limit) {
        return rows("state = ? AND start_ms > ? AND event_id IS NOT NULL AND want IS NOT NULL AND (shown IS NULL OR want <> shown) "
                + "ORDER BY due_ms, rkey LIMIT " + limit, ps -> {
                    ps.setString(2, SENT);
                    ps.setLong(3, now.toEpochMilli());
                });
    }

    /** Forgets the reminders of shifts that started before {@code before}; how many. */
    int forgetRemindersBefore(Instant before) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM shifts_reminder WHERE instance = ? AND start_ms < ? "
                    + "AND state NOT IN (?, ?)")) {
                ps.setString(1, instance);
                ps.setLong(2, before.toEpochMilli());
                ps.setString(3, SENDING);
                ps.setString(4, EDITING);
                return ps.executeUpdate();
            }
        });
    }

    /** Adds a pending reminder unless its key exists; true if added. */
    boolean insert(Row r) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO shifts_reminder (instance, rkey, kind, shift_id, target, "
                    + "title, due_ms, start_ms, end_ms, state, want) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                    + "ON CONFLICT (instance, rkey) DO NOTHING")) {
                ps.setString(1, instance);
                ps.setString(2, r.key());
                ps.setString(3, r.kind());
                ps.setString(4, r.shiftId());
                ps.setString(5, r.target());
                ps.setString(6, r.title());
                ps.setLong(7, r.due().toEpochMilli());
                ps.setLong(8, r.start().toEpochMilli());
                ps.setLong(9, r.end().toEpochMilli());
                ps.setString(10, r.state());
                if (r.want() == null) {
                    ps.setNull(11, Types.VARCHAR);
                } else {
                    ps.setString(11, r.want());
                }
                return ps.executeUpdate() == 1;
            }
        });
    }

    /**
     * Updates what a poll learnt (times, title, target, wanted text) and moves {@code expectedState}
     * to {@code newState}; false if the row was not in {@code expectedState} any more.
     */
    boolean update(String key, String expectedState, String newState, Row values) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE shifts_reminder SET state = ?, due_ms = ?, start_ms = ?, "
                    + "end_ms = ?, title = ?, target = ?, want = ?, attempts = CASE WHEN ? = state THEN attempts ELSE 0 END "
                    + "WHERE instance = ? AND rkey = ? AND state = ?")) {
                ps.setString(1, newState);
                ps.setLong(2, values.due().toEpochMilli());
                ps.setLong(3, values.start().toEpochMilli());
                ps.setLong(4, values.end().toEpochMilli());
                ps.setString(5, values.title());
                ps.setString(6, values.target());
                if (values.want() == null) {
                    ps.setNull(7, Types.VARCHAR);
                } else {
                    ps.setString(7, values.want());
                }
                ps.setString(8, newState);
                ps.setString(9, instance);
                ps.setString(10, key);
                ps.setString(11, expectedState);
                return ps.executeUpdate() == 1;
            }
        });
    }

    /** Sets the text a sent message should show, whatever its state. */
    void want(String key, String want) {
        db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE shifts_reminder SET want = ? WHERE instance = ? AND rkey = ?")) {
                ps.setString(1, want);
                ps.setString(2, instance);
                ps.setString(3, key);
                return ps.executeUpdate();
            }
        });
    }

    /** Moves a row from one state to another, and takes it when the new state is sending or editing. */
    boolean move(String key, String from, String to, Instant now) {
        return db.withConnection(c -> {
            boolean claim = to.equals(SENDING) || to.equals(EDITING);
            try (PreparedStatement ps = c.prepareStatement("UPDATE shifts_reminder SET state = ?"
                    + (claim ? ", claimed_ms = ?, attempts = attempts + 1" : "") + " WHERE instance = ? AND rkey = ? AND state = ?")) {
                int i = 1;
                ps.setString(i++, to);
                if (claim) {
                    ps.setLong(i++, now.toEpochMilli());
                }
                ps.setString(i++, instance);
                ps.setString(i++, key);
                ps.setString(i, from);
                return ps.executeUpdate() == 1;
            }
        });
    }

    /**
     * Claims a row ({@code from → to}, {@code to} being sending or editing) and reads it again: the
     * row as claimed, or empty if another process took it, or changed it since it was read so that
     * it is not due any more (a pending row is claimed only when {@code due_ms <= now}). What the
     * caller sends is the row returned, never the one it read before: a poll of another process may
     * have changed its time, room or title in between.
     */
    Optional<Row> claim(String key, String from, String to, Instant now) {
        boolean won = db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE shifts_reminder SET state = ?, claimed_ms = ?, "
                    + "attempts = attempts + 1 WHERE instance = ? AND rkey = ? AND state = ?"
                    + (to.equals(SENDING) ? " AND due_ms <= ?" : ""))) {
                ps.setString(1, to);
                ps.setLong(2, now.toEpochMilli());
                ps.setString(3, instance);
                ps.setString(4, key);
                ps.setString(5, from);
                if (to.equals(SENDING)) {
                    ps.setLong(6, now.toEpochMilli());
                }
                return ps.executeUpdate() == 1;
            }
        });
        // Once claimed, only the claimant moves the row (other processes change no more than its want).
        return won ? reminder(key).filter(r -> r.state().equals(to)) : Optional.empty();
    }

    /**
     * Drops a pending row if it still has the due time and start it was read with; false if it
     * changed (another process re-planned it) or left pending.
     */
    boolean dropIfUnchanged(Row read) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE shifts_reminder SET state = ? WHERE instance = ? AND rkey = ? "
                    + "AND state = ? AND due_ms = ? AND start_ms = ?")) {
                ps.setString(1, DROPPED);
                ps.setString(2, instance);
                ps.setString(3, read.key());
                ps.setString(4, PENDING);
                ps.setLong(5, read.due().toEpochMilli());
                ps.setLong(6, read.start().toEpochMilli());
                return ps.executeUpdate() == 1;
            }
        });
    }

    /** A claimed message went out (or was edited): remember its event and what it shows, and count it. */
    boolean sent(String key, String from, EventId event, String shown) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE shifts_reminder SET state = ?, event_id = ?, shown = ?, "
                    + "attempts = 0, edits = edits + CASE WHEN ? = 'editing' THEN 1 ELSE 0 END, "
                    + "sends = sends + CASE WHEN state = 'sending' THEN 1 ELSE 0 END "
                    + "WHERE instance = ? AND rkey = ? AND state = ?")) {
                ps.setString(1, SENT);
                ps.setString(2, event.value());
                if (shown == null) {
                    ps.setNull(3, Types.VARCHAR);
                } else {
                    ps.setString(3, shown);
                }
                ps.setString(4, from);
                ps.setString(5, instance);
                ps.setString(6, key);
                ps.setString(7, from);
                return ps.executeUpdate() == 1;
            }
        });
    }

    /**
     * An edit that failed too often: the message keeps its event and counts as showing {@code shown},
     * so that it is not tried again on every tick; a later change of {@code want} is edited again.
     */
    boolean abandonEdit(String key, String shown) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE shifts_reminder SET state = ?, shown = ?, attempts = 0 "
                    + "WHERE instance = ? AND rkey = ? AND state = ?")) {
                ps.setString(1, SENT);
                ps.setString(2, shown);
                ps.setString(3, instance);
                ps.setString(4, key);
                ps.setString(5, EDITING);
                return ps.executeUpdate() == 1;
            }
        });
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
        return db.inTransaction(c -> {
            List<String> givenUp = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("UPDATE shifts_reminder SET state = CASE WHEN state = ? THEN ? ELSE ? END, "
                    + "shown = CASE WHEN state = ? THEN want ELSE shown END, attempts = CASE WHEN state = ? THEN 0 ELSE attempts END "
                    + "WHERE instance = ? AND state IN (?, ?) AND claimed_ms < ? AND attempts >= ? RETURNING rkey")) {
                ps.setString(1, SENDING);
                ps.setString(2, FAILED);
                ps.setString(3, SENT);
                ps.setString(4, EDITING);
                ps.setString(5, EDITING);
                ps.setString(6, instance);
                ps.setString(7, SENDING);
                ps.setString(8, EDITING);
                ps.setLong(9, before.toEpochMilli());
                ps.setInt(10, maxAttempts);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        givenUp.add(rs.getString(1));
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE shifts_reminder SET state = CASE WHEN state = ? THEN ? ELSE ? END "
                    + "WHERE instance = ? AND state IN (?, ?) AND claimed_ms < ?")) {
                ps.setString(1, SENDING);
                ps.setString(2, PENDING);
                ps.setString(3, SENT);
                ps.setString(4, instance);
                ps.setString(5, SENDING);
                ps.setString(6, EDITING);
                ps.setLong(7, before.toEpochMilli());
                return new Released(ps.executeUpdate(), List.copyOf(givenUp));
            }
        });
    }

    // ---- opt-ins and direct chats

    void optIn(UserId user, boolean on) {
        db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO shifts_optin (instance, user_id, enabled) VALUES (?, ?, ?) "
                    + "ON CONFLICT (instance, user_id) DO UPDATE SET enabled = excluded.enabled")) {
                ps.setString(1, instance);
                ps.setString(2, user.value());
                ps.setInt(3, on ? 1 : 0);
                return ps.executeUpdate();
            }
        });
    }

    Set<UserId> optedIn() {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT user_id FROM shifts_optin WHERE instance = ? AND enabled = 1")) {
                ps.setString(1, instance);
                Set<UserId> out = new HashSet<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(UserId.of(rs.getString(1)));
                    }
                }
                return out;
            }
        });
    }

    boolean isOptedIn(UserId user) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM shifts_optin WHERE instance = ? AND user_id = ? AND enabled = 1")) {
                ps.setString(1, instance);
                ps.setString(2, user.value());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    Optional<RoomId> directRoom(UserId user) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT room_id FROM shifts_direct_room WHERE instance = ? AND user_id = ?")) {
                ps.setString(1, instance);
                ps.setString(2, user.value());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(RoomId.of(rs.getString(1))) : Optional.<RoomId>empty();
                }
            }
        });
    }

    /** Keeps the first room recorded for a user; returns the one kept. */
    RoomId saveDirectRoom(UserId user, RoomId room) {
        db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO shifts_direct_room (instance, user_id, room_id) "
                    + "VALUES (?, ?, ?) ON CONFLICT (instance, user_id) DO NOTHING")) {
                ps.setString(1, instance);
                ps.setString(2, user.value());
                ps.setString(3, room.value());
                return ps.executeUpdate();
            }
        });
        return directRoom(user).orElse(room);
    }
}
