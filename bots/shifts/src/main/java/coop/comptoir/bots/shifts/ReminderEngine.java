package coop.comptoir.bots.shifts;

import coop.comptoir.api.id.EventId;
import coop.comptoir.api.id.RoomAlias;
import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.id.UserId;
import coop.comptoir.api.matrix.MatrixClient;
import coop.comptoir.api.matrix.MatrixException;
import coop.comptoir.api.matrix.OutgoingMessage;
import coop.comptoir.bots.shifts.ShiftsStore.Row;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;

/**
 * The reminders, each sent exactly once.
 *
 * <p>{@link #plan} (after each successful poll of the source) turns the schedule into rows of
 * {@link ShiftsStore}, one per message: {@code team|<shift>|<offset>} in the team's room,
 * {@code dm|<shift>|<offset>|<user>} to members who opted in, {@code help|<shift>} in the volunteers
 * room while seats are free. A moved shift moves its pending rows; a cancelled one (or a member who
 * left it or opted out) cancels them.
 *
 * <p>{@link #tick} (from a short cron job) sends what is due by the plugin's clock: it claims a row
 * with a compare-and-set ({@code pending → sending} while still due, one winner even across
 * processes), reads it again (another process may have re-planned it since), sends with
 * a transaction ID derived from the row (a retry after a crash between sending and recording is
 * answered by the homeserver with the event it already has), then records the event. Late but
 * before the shift: sent with a note of the delay (only the latest of several late reminders of
 * the same shift and target). After the start: dropped, with a log line. A call for help is posted
 * once, then edited ({@code m.replace}) when the free seats change, a last time when full or
 * cancelled.
 */
final class ReminderEngine {
    static final String TEAM = "team", DIRECT = "dm", HELP = "help";
    static final String WANT_FULL = "full", WANT_CANCELLED = "cancelled";
    /** A reminder later than this counts as late and says so. */
    static final Duration LATE_AFTER = Duration.ofMinutes(1);
    /** A claim older than this was left by a process that died: taken again. */
    static final Duration LEASE = Duration.ofMinutes(2);
    static final int MAX_ATTEMPTS = 5;
    /** Reminders of shifts started longer ago than this are forgotten. */
    static final Duration KEEP = Duration.ofDays(30);
    private static final int BATCH = 200;

    /**
     * @param instance      the plugin instance, part of every transaction ID
     * @param zone          the coop's zone
     * @param team          offsets of the team reminders
     * @param personal      offsets of the personal reminders
     * @param helpRoom      the volunteers room (ID or alias), or null: no calls for help
     * @param helpBefore    how long before a shift free seats call for help
     * @param optInCommand  named in personal reminders, to opt out
     * @param teamRoom      the room (ID or alias) of a shift's reminders, or null when it has none; only
     *                      rooms of the config, never one read from the source
     */
    record Settings(String instance, ZoneId zone, List<Duration> team, List<Duration> personal, String helpRoom,
                    Duration helpBefore, String optInCommand, Function<Shift, String> teamRoom) {}

    private final ShiftsStore store;
    private final MatrixClient matrix;
    private final Clock clock;
    private final Texts texts;
    private final Settings settings;
    private final Logger log;
    private final Map<String, RoomId> resolved = new ConcurrentHashMap<>();
    private final Object lock = new Object();

    ReminderEngine(ShiftsStore store, MatrixClient matrix, Clock clock, Texts texts, Settings settings, Logger log) {
        this.store = store;
        this.matrix = matrix;
        this.clock = clock;
        this.texts = texts;
        this.settings = settings;
        this.log = log;
    }

    /**
     * When a reminder {@code offset} before {@code start} is due: whole days are taken on the local
     * calendar, the rest on the time line. So "48h before" a Sunday 9:00 shift is Friday 9:00 even
     * across a daylight-saving change (47 or 49 real hours), and "2h before" is 7:00.
     */
    static Instant due(ZonedDateTime start, Duration offset) {
        long days = offset.toDays();
        return start.minusDays(days).minus(offset.minusDays(days)).toInstant();
    }

    // ---- planning

    /**
     * Records the schedule read from the source for {@code [from, to)} and updates the reminders
     * of those shifts. Blocks on the database only.
     */
    void plan(List<Shift> shifts, Instant from, Instant to) {
        synchronized (lock) {
            store.replaceSchedule(shifts, from, to);
            planReminders(shifts, from, to);
        }
    }

    /** Updates the reminders of {@code shifts}, the schedule for {@code [from, to)}. */
    private void planReminders(List<Shift> shifts, Instant from, Instant to) {
        synchronized (lock) {
            store.forgetRemindersBefore(from.minus(KEEP));
            Set<UserId> optedIn = store.optedIn();
            Map<String, Row> existing = store.remindersFrom(from);
            Map<String, Row> desired = new LinkedHashMap<>();
            for (Shift s : shifts) {
                if (!s.start().toInstant().isAfter(from)) {
                    continue;
                }
                // No room (a team not under teams, no default_room): no team reminder; the plugin tells the admins.
                String room = settings.teamRoom().apply(s);
                if (room != null) {
                    for (Duration d : settings.team()) {
                        put(desired, row(TEAM + "|" + s.id() + "|" + d.toSeconds(), TEAM, s, room, due(s.start(), d), null));
                    }
                }
                Set<UserId> seen = new HashSet<>();
                for (Shift.Member m : s.members()) {
                    if (m.matrixId().isPresent() && optedIn.contains(m.matrixId().get()) && seen.add(m.matrixId().get())) {
                        UserId u = m.matrixId().get();
                        for (Duration d : settings.personal()) {
                            put(desired, row(DIRECT + "|" + s.id() + "|" + d.toSeconds() + "|" + u.value(), DIRECT, s, u.value(),
                                    due(s.start(), d), null));
                        }
                    }
                }
                if (settings.helpRoom() != null) {
                    String key = HELP + "|" + s.id();
                    if (s.seatsFree() > 0 || existing.containsKey(key)) {
                        put(desired, row(key, HELP, s, settings.helpRoom(), due(s.start(), settings.helpBefore()), want(s)));
                    }
                }
            }
            for (Row d : desired.values()) {
                apply(d, existing.get(d.key()));
            }
            for (Row r : existing.values()) {
                if (!desired.containsKey(r.key()) && r.start().isBefore(to)) {
                    gone(r);
                }
            }
        }
    }

    private static void put(Map<String, Row> desired, Row r) {
        desired.put(r.key(), r);
    }

    private static Row row(String key, String kind, Shift s, String target, Instant due, String want) {
        return new Row(key, kind, s.id(), target, s.title(), due, s.start().toInstant(), s.end().toInstant(),
                ShiftsStore.PENDING, 0, null, want, null, 0, 0);
    }

    /** What the call for help of a shift should say, in short: {@code full} or the free seats and times. */
    static String want(Shift s) {
        if (s.seatsFree() == 0) {
            return WANT_FULL;
        }
        return s.seatsFree() + "|" + s.start().toInstant() + "|" + s.end().toInstant() + "|" + s.title();
    }

    private void apply(Row d, Row r) {
        if (r == null) {
            store.insert(d);
            return;
        }
        boolean moved = !r.start().equals(d.start()) || !r.due().equals(d.due());
        boolean changed = moved || !r.title().equals(d.title()) || !r.target().equals(d.target())
                || !java.util.Objects.equals(r.want(), d.want());
        switch (r.state()) {
            case ShiftsStore.PENDING -> {
                if (changed) {
                    store.update(r.key(), r.state(), ShiftsStore.PENDING, d);
                }
            }
            case ShiftsStore.FULL -> {
                if (!WANT_FULL.equals(d.want())) {
                    store.update(r.key(), r.state(), ShiftsStore.PENDING, d);
                } else if (changed) {
                    store.update(r.key(), r.state(), ShiftsStore.FULL, d);
                }
            }
            case ShiftsStore.SENT -> {
                if (r.kind().equals(HELP)) {
                    if (changed) {
                        store.update(r.key(), r.state(), ShiftsStore.SENT, d);
                    }
                } else if (!r.start().equals(d.start())) {
                    log.info("Shift {} moved to {}: reminder {} will be sent again", d.shiftId(), d.start(), r.key());
                    store.update(r.key(), r.state(), ShiftsStore.PENDING, d);
                }
            }
            case ShiftsStore.SENDING, ShiftsStore.EDITING -> {
                if (r.kind().equals(HELP) && !java.util.Objects.equals(r.want(), d.want())) {
                    store.want(r.key(), d.want());
                }
            }
            case ShiftsStore.CANCELLED -> store.update(r.key(), r.state(), ShiftsStore.PENDING, d);
            case ShiftsStore.DROPPED -> {
                if (!r.start().equals(d.start())) {
                    store.update(r.key(), r.state(), ShiftsStore.PENDING, d);
                }
            }
            default -> { }
        }
    }

    /** A reminder whose shift (or member, or opt-in) is gone from the schedule. */
    private void gone(Row r) {
        switch (r.state()) {
            case ShiftsStore.PENDING, ShiftsStore.FULL -> {
                if (store.move(r.key(), r.state(), ShiftsStore.CANCELLED, null)) {
                    log.info("Reminder {} cancelled: no longer in the schedule", r.key());
                }
            }
            case ShiftsStore.SENT, ShiftsStore.SENDING, ShiftsStore.EDITING -> {
                if (r.kind().equals(HELP) && !WANT_CANCELLED.equals(r.want())) {
                    store.want(r.key(), WANT_CANCELLED);
                }
            }
            default -> { }
        }
    }

    // ---- sending

    /** Sends what is due and edits what changed. Blocks on the database and the homeserver; never throws for one reminder. */
    void tick() {
        synchronized (lock) {
            Instant now = clock.instant();
            ShiftsStore.Released released = store.releaseStale(now.minus(LEASE), MAX_ATTEMPTS);
            if (released.again() > 0) {
                log.warn("{} reminder(s) claimed by a process that stopped: sending them again", released.again());
            }
            for (String key : released.givenUp()) {
                log.error("Reminder {} was claimed {} times by processes that never finished it: giving up", key, MAX_ATTEMPTS);
            }
            List<Row> due = store.duePending(now, BATCH);
            // Of several late reminders of one shift to one target, only the latest is worth sending.
            Map<String, List<Row>> groups = new LinkedHashMap<>();
            for (Row r : due) {
                String group = r.kind().equals(HELP) ? r.key() : r.kind() + "|" + r.shiftId() + "|" + r.target();
                groups.computeIfAbsent(group, g -> new ArrayList<>()).add(r);
            }
            for (List<Row> group : groups.values()) {
                Row latest = group.get(group.size() - 1);
                // Another process may have re-planned the row since it was read: what goes out is the row as claimed.
                Optional<Row> claimed = store.claim(latest.key(), ShiftsStore.PENDING, ShiftsStore.SENDING, now);
                if (claimed.isEmpty()) {
                    continue;
                }
                for (Row before : group.subList(0, group.size() - 1)) {
                    if (store.dropIfUnchanged(before)) {
                        log.info("Reminder {} dropped: a later reminder of the same shift is due too ({})", before.key(), latest.key());
                    }
                }
                deliver(claimed.get(), now);
            }
            for (Row r : store.staleMessages(now, BATCH)) {
                Optional<Row> claimed = store.claim(r.key(), ShiftsStore.SENT, ShiftsStore.EDITING, now);
                if (claimed.isPresent()) {
                    edit(claimed.get());
                }
            }
        }
    }

    /** Sends a claimed reminder; a failure puts it back for the next tick (or gives up), never throws. */
    private void deliver(Row r, Instant now) {
        try {
            send(r, now);
        } catch (RuntimeException e) {
            failed(r, e, null);
        }
    }

    private void send(Row r, Instant now) {
        if (!now.isBefore(r.start())) {
            store.move(r.key(), ShiftsStore.SENDING, ShiftsStore.DROPPED, null);
            log.info("Reminder {} dropped: it was due at {} but the shift started at {} (now {})", r.key(), r.due(), r.start(), now);
            return;
        }
        Optional<Shift> found = store.shift(r.shiftId(), settings.zone());
        if (found.isEmpty()) {
            store.move(r.key(), ShiftsStore.SENDING, ShiftsStore.CANCELLED, null);
            log.info("Reminder {} cancelled: shift {} is no longer in the schedule", r.key(), r.shiftId());
            return;
        }
        Shift s = found.get();
        Duration lateBy = Duration.between(r.due(), now);
        Duration late = lateBy.compareTo(LATE_AFTER) > 0 ? lateBy : null;
        String shown = null;
        RoomId room;
        OutgoingMessage message;
        switch (r.kind()) {
            case TEAM -> {
                room = resolve(r.target());
                message = texts.teamReminder(s, late);
            }
            case DIRECT -> {
                UserId user = UserId.of(r.target());
                boolean stillThere = s.members().stream().anyMatch(m -> m.matrixId().filter(user::equals).isPresent());
                if (!stillThere || !store.isOptedIn(user)) {
                    store.move(r.key(), ShiftsStore.SENDING, ShiftsStore.CANCELLED, null);
                    log.info("Reminder {} cancelled: {} opted out or left the shift", r.key(), user);
                    return;
                }
                room = directRoom(user);
                message = texts.personalReminder(s, settings.optInCommand(), late);
            }
            default -> {
                shown = want(s);
                if (WANT_FULL.equals(shown)) {
                    store.move(r.key(), ShiftsStore.SENDING, ShiftsStore.FULL, null);
                    log.info("No call for help for shift {}: it is full", s.id());
                    return;
                }
                room = resolve(r.target());
                message = texts.understaffed(s);
            }
        }
        EventId event = matrix.send(room, message, txnId(r.key(), sendVersion(r)));
        store.sent(r.key(), ShiftsStore.SENDING, event, retried(r) ? null : shown);
        if (late != null) {
            log.info("Sent reminder {} to {} late by {} (due {})", r.key(), room, coop.comptoir.api.config.ConfigDurations.format(late), r.due());
        } else {
            log.info("Sent reminder {} to {}", r.key(), room);
        }
    }

    /** Edits a claimed call for help to what it should say now; a failure is retried (or given up), never throws. */
    private void edit(Row r) {
        String want = r.want();
        try {
            OutgoingMessage message;
            if (WANT_CANCELLED.equals(want)) {
                ZonedDateTime start = r.start().atZone(settings.zone());
                ZonedDateTime end = r.end().atZone(settings.zone());
                Shift gone = new Shift(r.shiftId(), r.title(), Optional.empty(), start, end, 0, 0, List.of());
                message = texts.understaffedCancelled(r.title(), texts.when(gone));
            } else {
                Optional<Shift> s = store.shift(r.shiftId(), settings.zone());
                if (s.isEmpty()) {
                    store.move(r.key(), ShiftsStore.EDITING, ShiftsStore.SENT, null);
                    return;
                }
                want = want(s.get());
                message = WANT_FULL.equals(want) ? texts.understaffedFull(s.get()) : texts.understaffed(s.get());
            }
            RoomId room = resolve(r.target());
            matrix.edit(room, r.event(), message, txnId(r.key(), "edit-" + r.edits()));
            store.sent(r.key(), ShiftsStore.EDITING, r.event(), retried(r) ? null : want);
            log.info("Edited the call for help {} ({})", r.key(), WANT_FULL.equals(want) ? "full"
                    : WANT_CANCELLED.equals(want) ? "cancelled" : "seats changed");
        } catch (RuntimeException e) {
            failed(r, e, want);
        }
    }

    /**
     * Whether an earlier attempt of this claim may have reached the homeserver (an error after the
     * send, or a process that stopped). The retry reuses its transaction ID, so the homeserver may
     * answer with the event of that attempt, whose text is older: what the message shows is then
     * unknown, recorded as such (null), and the next tick edits it to the current text.
     */
    private static boolean retried(Row claimed) {
        return claimed.attempts() > 1;
    }

    /**
     * A claimed send or edit failed: back for the next tick, or given up after {@link #MAX_ATTEMPTS}
     * (a reminder fails; an edit counts {@code wanted} as shown, so that only a later change is
     * tried again). Never throws: if even that cannot be recorded, the claim ends with its lease.
     *
     * @param r      the row as claimed (its attempts count this one)
     * @param wanted for an edit, what it tried to show
     */
    private void failed(Row r, RuntimeException e, String wanted) {
        boolean editing = r.state().equals(ShiftsStore.EDITING);
        String reason = reason(e);
        try {
            if (r.attempts() >= MAX_ATTEMPTS) {
                if (editing) {
                    store.abandonEdit(r.key(), wanted);
                    log.error("Edit of the call for help {} in {} failed {} times, giving up until it changes again: {}",
                            r.key(), r.target(), MAX_ATTEMPTS, reason);
                } else {
                    store.move(r.key(), ShiftsStore.SENDING, ShiftsStore.FAILED, null);
                    log.error("Reminder {} to {} failed {} times, giving up: {}", r.key(), r.target(), MAX_ATTEMPTS, reason);
                }
            } else {
                store.move(r.key(), r.state(), editing ? ShiftsStore.SENT : ShiftsStore.PENDING, null);
                log.warn("Reminder {} to {} not {}, will retry: {}", r.key(), r.target(), editing ? "edited" : "sent", reason);
            }
        } catch (RuntimeException again) {
            log.error("Reminder {} to {} failed ({}) and the failure could not be recorded ({}): retried when its claim expires",
                    r.key(), r.target(), reason, reason(again));
        }
        if (!(e instanceof MatrixException || e instanceof IllegalArgumentException)) {
            log.warn("Unexpected error for reminder {}", r.key(), e);
        }
    }

    /** A homeserver error says what happened; anything else is named by its class too. */
    private static String reason(RuntimeException e) {
        return e instanceof MatrixException ? e.getMessage()
                : e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    // ---- rooms

    /** A room ID, or the room an alias points to (looked up once). */
    RoomId resolve(String address) {
        return resolved.computeIfAbsent(address, a -> a.startsWith("#") ? matrix.resolveAlias(RoomAlias.of(a)) : RoomId.of(a));
    }

    /**
     * The direct chat where {@code user}'s personal reminders go; created (with a first hello) the
     * first time.
     */
    RoomId directRoom(UserId user) {
        Optional<RoomId> known = store.directRoom(user);
        if (known.isPresent()) {
            return known.get();
        }
        // Encrypted only when the bot reads encrypted rooms (encryption.enabled): it reads the answers either way.
        RoomId created = matrix.createDirectChat(user);
        RoomId kept = store.saveDirectRoom(user, created);
        if (kept.equals(created)) {
            matrix.send(created, OutgoingMessage.notice(texts.directChatHello()), txnId("hello|" + user.value(), created.value()));
            log.info("Opened a direct chat with {} for personal reminders", user);
        }
        return kept;
    }

    /**
     * The version of a row's send in its transaction ID: the same for the retries of one send, new
     * for each send (a shift moved from A to B and back to A is reminded three times; with the same
     * ID the homeserver would answer the third with the first event and send nothing). The first
     * send keeps the former form (the start time alone), so that a retry pending across an upgrade
     * is still recognised.
     */
    static String sendVersion(Row r) {
        String start = Long.toString(r.start().toEpochMilli());
        return r.sends() == 0 ? start : start + "|" + r.sends();
    }

    /** Stable per instance, row and version: the homeserver answers a repeat with the first event. */
    String txnId(String key, String version) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256")
                    .digest((settings.instance() + "\n" + key + "\n" + version).getBytes(StandardCharsets.UTF_8));
            return "shifts-" + HexFormat.of().formatHex(h, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** For the commands: re-plans the reminders from the stored schedule (left as it is), e.g. after an opt-in. */
    void replan(Instant from, Instant to) {
        synchronized (lock) {
            planReminders(store.shifts(from, to, settings.zone()), from, to);
        }
    }
}
