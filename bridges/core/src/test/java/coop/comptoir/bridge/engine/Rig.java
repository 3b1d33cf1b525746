package coop.comptoir.bridge.engine;

import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.api.command.CommandRouter;
import coop.comptoir.api.event.EventSubscriptions;
import coop.comptoir.api.event.MatrixEvent;
import coop.comptoir.api.http.HttpRoutes;
import coop.comptoir.api.id.EventId;
import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.id.UserId;
import coop.comptoir.api.matrix.MatrixClient;
import coop.comptoir.api.plugin.Plugin;
import coop.comptoir.api.plugin.PluginConfig;
import coop.comptoir.api.plugin.PluginContext;
import coop.comptoir.api.schedule.Scheduler;
import coop.comptoir.api.store.Database;
import coop.comptoir.bridge.api.BridgeSettings;
import coop.comptoir.bridge.api.MatrixContent;
import coop.comptoir.bridge.api.NetworkConnector;
import coop.comptoir.bridge.api.RemoteAttachment;
import coop.comptoir.bridge.api.RemoteChannelId;
import coop.comptoir.bridge.api.RemoteEvent;
import coop.comptoir.bridge.api.RemoteMessageId;
import coop.comptoir.bridge.api.RemoteUser;
import coop.comptoir.bridge.api.RemoteUserId;
import coop.comptoir.testing.TestCommandRouter;
import coop.comptoir.testing.TestDatabase;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bridge engine on a real database, with a homeserver and a remote network in memory. Events
 * are handed to it as the runtime would ({@link #matrixMessage}, {@link #remote}); {@link #restart}
 * closes it and builds a new one on the same database, as after a crash or an upgrade.
 */
final class Rig implements AutoCloseable {
    static final String SERVER = "coop.example";
    static final UserId BOT = UserId.of("@comptoir:" + SERVER);
    static final UserId ALICE = UserId.of("@alice:" + SERVER);
    /** One of Comptoir's configured administrators ({@code commands.admins}), also admin of the room. */
    static final UserId ADMIN = UserId.of("@admin:" + SERVER);
    /** An admin of the room (power level 100) who is not among Comptoir's configured administrators. */
    static final UserId ROOM_ADMIN = UserId.of("@owner:" + SERVER);
    static final RoomId ROOM = RoomId.of("!cafe:" + SERVER);
    static final RemoteChannelId CHANNEL = new RemoteChannelId("555");
    static final RemoteUser BOB = new RemoteUser(new RemoteUserId("42"), "Bob", Optional.empty());

    final FakeMatrix matrix = new FakeMatrix(BOT);
    final NetworkConnector connector;
    final Supplier<Database> databases;
    final BridgeSettings settings;
    final int importBatch;
    Database db;
    Events events;
    TestCommandRouter router;
    Plugin plugin;
    Engine engine;
    /** The engine's time: the system's, moved on by {@link #advance}. */
    final ShiftedClock clock = new ShiftedClock();
    /** The jobs of the running engine; a restart starts with none, as the in-memory scheduler (SQLite) does. */
    coop.comptoir.testing.FakeScheduler scheduler;
    private final AtomicInteger eventIds = new AtomicInteger();
    /** The GET routes the engine serves, by mounted prefix. */
    final java.util.Map<String, HttpRoutes.RouteHandler> getRoutes = new java.util.concurrent.ConcurrentHashMap<>();
    final HttpRoutes routes = new HttpRoutes() {
        @Override
        public void post(String path, coop.comptoir.api.http.RouteOptions options, RouteHandler handler) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void getUnder(String path, RouteHandler handler) {
            getRoutes.put(mountedPath(path) + "/", handler);
        }

        @Override
        public String mountedPath(String path) {
            return "/_comptoir/plugins/discord" + path;
        }
    };
    private final List<Database> opened = new ArrayList<>();

    Rig(Supplier<Database> databases, NetworkConnector connector, BridgeSettings settings, int importBatch) {
        this.databases = databases;
        this.connector = connector;
        this.settings = settings;
        this.importBatch = importBatch;
        matrix.state.members.computeIfAbsent(ROOM, r -> java.util.concurrent.ConcurrentHashMap.newKeySet()).add(BOT);
        matrix.state.power.put(ROOM + " " + ADMIN, 100L);
        matrix.state.power.put(ROOM + " " + ROOM_ADMIN, 100L);
        matrix.state.roomDisplayNames.put(ROOM + " " + ALICE.value(), "Alice");
        roomVersion(ROOM, "10"); // Synapse's default
        build();
    }

    /** A started engine on a SQLite file in {@code dir}, its room linked to {@link #CHANNEL}. */
    static Rig linkedOnSqlite(java.nio.file.Path dir, NetworkConnector connector, BridgeSettings settings) throws Exception {
        Rig rig = new Rig(() -> TestDatabase.open("jdbc:sqlite:" + dir.resolve("t.db"), 2), connector, settings, 3);
        rig.link();
        rig.start();
        return rig;
    }

    static BridgeSettings settings(List<BridgeSettings.StaticLink> links) {
        return new BridgeSettings("_discord_", "{name} (Discord)", links, Duration.ofMillis(40), "fr");
    }

    /** What the instances of this rig's "runtime" share ({@code PluginContext.shared}). */
    private final java.util.Map<String, Object> shared = new java.util.concurrent.ConcurrentHashMap<>();

    private void build() {
        db = databases.get();
        opened.add(db);
        events = new Events();
        router = new TestCommandRouter("!", Set.of(ADMIN), "fr", matrix, "Comptoir");
        scheduler = new coop.comptoir.testing.FakeScheduler(clock);
        Context ctx = new Context("discord", db, events, router.forInstance("discord"), matrix, routes, shared, clock, scheduler);
        plugin = EngineFactory.create(ctx, connector, settings, importBatch);
        engine = (Engine) plugin;
    }

    void start() throws Exception {
        plugin.start();
    }

    /**
     * A second bridge instance in the same "runtime" (database, router, events, shared objects),
     * as a config with a Discord and a Rocket.Chat bridge runs them; not started.
     */
    Plugin secondBridge(String instanceId, NetworkConnector other) {
        Plugin second = EngineFactory.create(new Context(instanceId, db, events, router.forInstance(instanceId), matrix, routes,
                shared, clock, new coop.comptoir.testing.FakeScheduler(clock)), other, settings, importBatch);
        extraPlugins.add(second);
        return second;
    }

    private final List<Plugin> extraPlugins = new ArrayList<>();

    /** Closes the engine and starts a new one on the same database (a restart). */
    void restart() throws Exception {
        plugin.close();
        if (db instanceof AutoCloseable c) {
            c.close();
            opened.remove(db);
        }
        build();
        start();
    }

    /** Links {@link #ROOM} to {@link #CHANNEL} (as a command would). */
    void link() {
        engine.link(ROOM, CHANNEL, ADMIN);
    }

    // --- Matrix side ----------------------------------------------------------------------------

    MatrixEvent event(String type, UserId sender, ObjectNode content) {
        return event(ROOM, type, sender, content);
    }

    MatrixEvent event(RoomId room, String type, UserId sender, ObjectNode content) {
        ObjectNode json = FakeMatrix.M.createObjectNode().put("type", type).put("room_id", room.value())
                .put("sender", sender.value()).put("event_id", "$in" + eventIds.incrementAndGet())
                .put("origin_server_ts", 1_700_000_000_000L);
        json.set("content", content);
        return MatrixEvent.of(json);
    }

    /** A text message from a Matrix user, handled as the runtime would (commands, then subscriptions). */
    EventId matrixMessage(UserId sender, String body) throws Exception {
        return matrixMessage(ROOM, sender, body);
    }

    EventId matrixMessage(RoomId room, UserId sender, String body) throws Exception {
        return deliver(event(room, "m.room.message", sender, text(body)));
    }

    /**
     * A redaction as a server may send it: {@code topLevel} and {@code inContent} are the two places
     * of {@code redacts} (null: absent); which one counts depends on the room version.
     */
    EventId redaction(RoomId room, UserId sender, EventId topLevel, EventId inContent) throws Exception {
        ObjectNode content = FakeMatrix.M.createObjectNode();
        if (inContent != null) {
            content.put("redacts", inContent.value());
        }
        ObjectNode json = event(room, "m.room.redaction", sender, content).json().deepCopy();
        if (topLevel != null) {
            json.put("redacts", topLevel.value());
        }
        return deliver(MatrixEvent.of(json));
    }

    /** Sets the room's version ({@code m.room.create}). */
    void roomVersion(RoomId room, String version) {
        matrix.putState(room, "m.room.create", "", FakeMatrix.M.createObjectNode().put("room_version", version));
    }

    static ObjectNode text(String body) {
        return FakeMatrix.M.createObjectNode().put("msgtype", "m.text").put("body", body);
    }

    EventId deliver(MatrixEvent e) throws Exception {
        if (e.message().isPresent()) {
            router.onMessage(e);
        }
        events.deliver(e);
        return e.eventId();
    }

    // --- remote side ----------------------------------------------------------------------------

    static RemoteEvent.Message remoteMessage(String id, RemoteUser sender, String body) {
        return new RemoteEvent.Message(CHANNEL, new RemoteMessageId(id), sender, Instant.ofEpochSecond(1_600_000_000L + Long.parseLong(id)),
                MatrixContent.text(body), Optional.empty(), Optional.empty(), List.<RemoteAttachment>of());
    }

    void remote(RemoteEvent e) {
        engine.receive(e);
    }

    // --- waiting --------------------------------------------------------------------------------

    static void await(String what, BooleanSupplier condition) {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                fail("Timed out waiting for: " + what);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted");
            }
        }
    }

    /** Lets queued work settle, to check that nothing more happens. */
    static void settle() {
        try {
            Thread.sleep(250);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws Exception {
        for (Plugin p : extraPlugins) {
            p.close();
        }
        plugin.close();
        for (Database d : opened) {
            if (d instanceof AutoCloseable c) {
                c.close();
            }
        }
    }

    /** Moves the engine's time on (its jobs run with {@code scheduler.runDue()}). */
    void advance(Duration by) {
        clock.offset = clock.offset.plus(by);
    }

    /** The system's time plus an offset the test moves on. */
    static final class ShiftedClock extends Clock {
        volatile Duration offset = Duration.ZERO;

        @Override
        public Instant instant() {
            return Instant.now().plus(offset);
        }

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    /** Delivers events to the handlers whose type and filter match, as the runtime's dispatcher does. */
    static final class Events implements EventSubscriptions {
        private record Sub(String type, EventFilter filter, EventHandler handler) {}

        private final List<Sub> subs = new ArrayList<>();

        @Override
        public synchronized void on(String type, EventFilter filter, EventHandler handler) {
            subs.add(new Sub(type, filter, handler));
        }

        @Override
        public void onAny(EventHandler handler) {
            on(null, EventFilter.ALL, handler);
        }

        @Override
        public void onAnyIncludingOwn(EventHandler handler) {
            onAny(handler);
        }

        void deliver(MatrixEvent e) throws Exception {
            if (e.sender() != null && e.sender().equals(BOT)) {
                return; // the runtime does not hand the bot's own events to plugins
            }
            for (Sub s : List.copyOf(subs)) {
                if ((s.type == null || s.type.equals(e.type())) && s.filter.accepts(e)) {
                    s.handler.handle(e);
                }
            }
        }
    }

    private record Context(String instanceId, Database database, EventSubscriptions events, CommandRouter commands, MatrixClient matrix,
                           HttpRoutes routes, java.util.Map<String, Object> sharedObjects, Clock clock, Scheduler scheduler)
            implements PluginContext {
        @Override
        public <T> T shared(String key, Class<T> type, Supplier<? extends T> create) {
            return type.cast(sharedObjects.computeIfAbsent(key, k -> create.get()));
        }

        @Override
        public PluginConfig config() {
            throw new UnsupportedOperationException();
        }

        @Override
        public UserId botUserId() {
            return BOT;
        }

        @Override
        public String serverName() {
            return SERVER;
        }


        @Override
        public OkHttpClient http() {
            throw new UnsupportedOperationException();
        }

        @Override
        public HttpRoutes routes() {
            return routes;
        }


        @Override
        public Logger log() {
            return LoggerFactory.getLogger("coop.comptoir.plugin.discord");
        }
    }
}
