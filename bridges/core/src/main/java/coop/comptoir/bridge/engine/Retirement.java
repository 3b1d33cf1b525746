package coop.comptoir.bridge.engine;

import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.id.UserId;
import coop.comptoir.api.matrix.OutgoingMessage;
import coop.comptoir.api.store.Database;
import coop.comptoir.api.store.Database.Migration;
import coop.comptoir.bridge.api.BridgeException;
import coop.comptoir.bridge.api.NoticeCapable;
import coop.comptoir.bridge.api.RemoteChannel;
import coop.comptoir.bridge.api.RemoteChannelId;
import coop.comptoir.bridge.api.RemoteEvent;
import coop.comptoir.bridge.engine.PortalTable.Portal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * {@code !bridge retire}: a portal on its way out. A final notice is posted on the old side (in
 * the bot's name, {@link NoticeCapable}); for the grace period the portal is one-way — Matrix
 * still reaches the old side, but messages written there are held back and their authors told,
 * at most once per person per day, that the conversation moved (with the room's link); then a
 * scheduled job unlinks the portal and tells the Matrix room. The state is in
 * {@code bridge_retirement} (the job is scheduled again at each start, so it survives restarts
 * whatever the scheduler keeps), the replies in {@code bridge_retirement_told}.
 *
 * <p>Why once per person per day rather than once per channel per hour: the reply is for the
 * author, who may not have read the notice; everyone who writes is told once, and nobody is told
 * twice the same day, however busy the channel.
 */
final class Retirement {
    /** The scheduler handler that ends a retirement. */
    static final String JOB = "bridge-retire-end";
    /** How long an author is not told again. */
    static final Duration TELL_EVERY = Duration.ofDays(1);

    /** A portal being retired; {@code noticeId} is null until the final notice is posted. */
    record State(RoomId room, RemoteChannelId channel, UserId by, Instant startedAt, Instant endsAt, String noticeId) {}

    private final Engine e;
    private final Database db;
    private final Executor exec;
    private final Map<RoomId, State> retiring = new ConcurrentHashMap<>();

    Retirement(Engine engine, Executor exec) {
        this.e = engine;
        this.db = engine.ctx.database();
        this.exec = exec;
        // a component of its own: its versions never collide with the engine's other tables
        db.migrate("bridge_retirement", List.of(Migration.both(1, "portals being retired, authors told", """
                CREATE TABLE bridge_retirement (
                  instance TEXT NOT NULL,
                  room_id TEXT NOT NULL,
                  channel_id TEXT NOT NULL,
                  started_by TEXT,
                  started_at BIGINT NOT NULL,
                  ends_at BIGINT NOT NULL,
                  notice_id TEXT,
                  PRIMARY KEY (instance, room_id)
                );
                CREATE TABLE bridge_retirement_told (
                  instance TEXT NOT NULL,
                  room_id TEXT NOT NULL,
                  remote_user TEXT NOT NULL,
                  told_at BIGINT NOT NULL,
                  PRIMARY KEY (instance, room_id, remote_user)
                )""")));
        db.withHandle(h -> h.select("SELECT room_id, channel_id, started_by, started_at, ends_at, notice_id FROM bridge_retirement "
                        + "WHERE instance = ?", e.instance)
                .map((rs, c) -> new State(RoomId.of(rs.getString(1)), new RemoteChannelId(rs.getString(2)),
                        rs.getString(3) == null ? null : UserId.of(rs.getString(3)), Instant.ofEpochMilli(rs.getLong(4)),
                        Instant.ofEpochMilli(rs.getLong(5)), rs.getString(6)))
                .list()).forEach(s -> retiring.put(s.room(), s));
        e.ctx.scheduler().handler(JOB, (key, due, data) -> end(RoomId.of(data.get("room"))));
    }

    private String jobKey(RoomId room) {
        return JOB + ":" + room.value();
    }

    /** Schedules the end of every retirement again (jobs in memory are gone after a restart); past ones end now. */
    void resume() {
        for (State s : retiring.values()) {
            if (e.portals.byRoom(s.room()).isEmpty()) {
                forget(s.room()); // unlinked meanwhile
                continue;
            }
            e.ctx.scheduler().once(jobKey(s.room()), JOB, s.endsAt(), Map.of("room", s.room().value()));
        }
    }

    Optional<State> of(RoomId room) {
        return Optional.ofNullable(retiring.get(room));
    }

    /**
     * Whether a message of the old side stays there: the portal is being retired and the message was
     * written after it began. A live one gets the "moved" reply when its author was not told within
     * the day: who is told is settled here, on the caller's thread and so in the channel's order (the
     * reply answers the author's first message), and the reply is posted off it.
     */
    boolean holdsBack(RoomId room, RemoteEvent.Message m, boolean catchUp) {
        State s = retiring.get(room);
        if (s == null || m.timestamp().isBefore(s.startedAt())) {
            return false;
        }
        if (!catchUp && e.connector instanceof NoticeCapable notices && claimTold(s, m)) {
            try {
                exec.execute(() -> tellMoved(notices, s, m));
            } catch (RejectedExecutionException ignored) {
                // stopping
            }
        }
        return true;
    }

    /** Records that the author of {@code m} is told now; false when they were told within the day. */
    private boolean claimTold(State s, RemoteEvent.Message m) {
        long now = e.clock.millis();
        String user = m.sender().id().value();
        return db.withHandle(h -> h.execute("INSERT INTO bridge_retirement_told (instance, room_id, remote_user, told_at) "
                        + "VALUES (?, ?, ?, ?) ON CONFLICT (instance, room_id, remote_user) DO UPDATE SET told_at = excluded.told_at "
                        + "WHERE bridge_retirement_told.told_at <= ?",
                e.instance, s.room().value(), user, now, now - TELL_EVERY.toMillis())) > 0;
    }

    private void tellMoved(NoticeCapable notices, State s, RemoteEvent.Message m) {
        try {
            notices.replyNotice(s.channel(), m.id(), e.texts.retireMoved(link(s.room())));
            e.log.info("Told a {} author in {} that the conversation moved", e.texts.network(), s.channel());
        } catch (BridgeException | RuntimeException ex) {
            e.log.warn("The 'moved' reply was not posted in {}: {}", s.channel(), ex.getMessage());
        }
    }

    /**
     * {@code !bridge retire}: starts the retirement (or posts the notice again when it failed),
     * and says what was done. Blocks on the network and the database.
     */
    String start(Portal p, UserId by) {
        State s = retiring.get(p.room());
        if (s != null && s.noticeId() != null) {
            return e.texts.retireAlready(e.texts.time(s.endsAt().toEpochMilli()));
        }
        if (s == null) {
            Instant now = e.clock.instant();
            s = new State(p.room(), p.channel(), by, now, now.plus(e.settings.retireGrace()), null);
            State made = s;
            db.withHandle(h -> h.execute("INSERT INTO bridge_retirement (instance, room_id, channel_id, started_by, started_at, "
                            + "ends_at, notice_id) VALUES (?, ?, ?, ?, ?, ?, NULL) ON CONFLICT DO NOTHING", e.instance,
                    made.room().value(), made.channel().value(), by == null ? null : by.value(), made.startedAt().toEpochMilli(),
                    made.endsAt().toEpochMilli()));
            retiring.put(p.room(), s);
            e.ctx.scheduler().once(jobKey(p.room()), JOB, s.endsAt(), Map.of("room", p.room().value()));
            e.log.info("{} started retiring {} ↔ {}; the bridge closes at {}", by, p.room(), p.channel(), s.endsAt());
        }
        String end = e.texts.time(s.endsAt().toEpochMilli());
        if (!(e.connector instanceof NoticeCapable notices)) {
            return e.texts.retireStartedNoNotice(end);
        }
        try {
            String id = notices.postNotice(p.channel(), e.texts.retireNotice(link(p.room()), end)).value();
            db.withHandle(h -> h.execute("UPDATE bridge_retirement SET notice_id = ? WHERE instance = ? AND room_id = ?",
                    id, e.instance, p.room().value()));
            retiring.computeIfPresent(p.room(), (r, old) -> new State(old.room(), old.channel(), old.by(), old.startedAt(),
                    old.endsAt(), id));
            return e.texts.retireStarted(end);
        } catch (BridgeException | RuntimeException ex) {
            e.log.warn("The retirement notice was not posted in {}: {}", p.channel(), ex.getMessage());
            return e.texts.retireNoticeFailed(String.valueOf(ex.getMessage()), end);
        }
    }

    /** {@code !bridge retire cancel}: back to a two-way portal; false when it was not being retired. */
    boolean cancel(RoomId room) {
        if (retiring.get(room) == null) {
            return false;
        }
        forget(room);
        e.log.info("Retirement of {} cancelled: two-way again", room);
        return true;
    }

    /** Drops the retirement of {@code room} (cancelled, ended or unlinked), its job and who was told. */
    void forget(RoomId room) {
        if (retiring.remove(room) == null) {
            return;
        }
        e.ctx.scheduler().cancel(jobKey(room));
        db.withHandle(h -> h.execute("DELETE FROM bridge_retirement WHERE instance = ? AND room_id = ?", e.instance, room.value()));
        db.withHandle(h -> h.execute("DELETE FROM bridge_retirement_told WHERE instance = ? AND room_id = ?", e.instance,
                room.value()));
    }

    /** The job: the grace period is over, the portal is unlinked and the room told. */
    void end(RoomId room) {
        State s = retiring.get(room);
        if (s == null) {
            return; // cancelled
        }
        if (s.endsAt().isAfter(e.clock.instant().plusSeconds(1))) {
            // a job from an earlier retirement of the room: the current one has its own
            e.ctx.scheduler().once(jobKey(room), JOB, s.endsAt(), Map.of("room", room.value()));
            return;
        }
        String name = s.channel().value();
        try {
            name = e.connector.channel(s.channel()).map(RemoteChannel::name).orElse(name);
        } catch (BridgeException | RuntimeException ex) {
            // the ID is shown
        }
        e.unlink(room); // forgets the retirement too
        e.log.info("Retirement of {} ↔ {} over: unlinked", room, s.channel());
        try {
            e.bot.send(room, OutgoingMessage.notice(e.texts.retireClosed(name)), Txn.of(e.instance, "retire-closed", room,
                    s.startedAt().toEpochMilli()));
        } catch (RuntimeException ex) {
            e.log.warn("Could not tell {} that the bridge is closed: {}", room, ex.getMessage());
        }
    }

    /** The matrix.to link of a room: its canonical alias when it has one, else its ID with the server to join through. */
    String link(RoomId room) {
        Optional<String> alias;
        try {
            alias = e.bot.getState(room, "m.room.canonical_alias", "").map(c -> c.path("alias").asText(""))
                    .filter(a -> !a.isBlank());
        } catch (RuntimeException ex) {
            alias = Optional.empty();
        }
        return alias.map(a -> "https://matrix.to/#/" + a).orElse("https://matrix.to/#/" + room.value() + "?via=" + e.ctx.serverName());
    }
}
