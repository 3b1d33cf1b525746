package coop.comptoir.bridge.engine;

import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.api.event.MatrixEvent;
import coop.comptoir.api.http.RouteRequest;
import coop.comptoir.api.http.RouteResponse;
import coop.comptoir.api.id.EventId;
import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.id.UserId;
import coop.comptoir.api.plugin.Plugin;
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
import coop.comptoir.testing.FakeClock;
import coop.comptoir.testing.FakePluginContext;
import coop.comptoir.testing.FakeScheduler;
import coop.comptoir.testing.RecordingMatrixClient;
import coop.comptoir.testing.TestCommandRouter;
import coop.comptoir.testing.TestDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The bridge engine made by {@link EngineFactory} in a {@link FakePluginContext} from the plugin
 * test kit: a real database, the kit's homeserver in memory (a {@link RecordingMatrixClient} that
 * checks membership as Synapse does, with a 1000-byte upload limit), the runtime's command router
 * and a clock running in real time that the test can move on; the remote network is the test's
 * connector. Events are handed to it as the runtime would ({@link #matrixMessage}, {@link #remote});
 * {@link #restart} closes it and builds a new one on the same database and homeserver, as after a
 * crash or an upgrade, with the scheduler's jobs lost as on SQLite.
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
    static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    final RecordingMatrixClient matrix = new RecordingMatrixClient(BOT).strictMembership();
    final NetworkConnector connector;
    final BridgeSettings settings;
    final int importBatch;
    FakePluginContext ctx;
    TestCommandRouter router;
    Plugin plugin;
    Engine engine;
    /** The engine's time: the system's, moved on by {@link #advance}. */
    final FakeClock clock;
    /** Runs the engine's jobs when asked; a restart loses them, as the in-memory scheduler (SQLite) does. */
    final FakeScheduler scheduler;
    private final AtomicInteger eventIds = new AtomicInteger();
    private final List<Plugin> extraPlugins = new ArrayList<>();

    Rig(Supplier<Database> databases, NetworkConnector connector, BridgeSettings settings, int importBatch) {
        this.connector = connector;
        this.settings = settings;
        this.importBatch = importBatch;
        matrix.media().uploadLimit(1000);
        matrix.addMember(ROOM, BOT).setPowerLevel(ROOM, ADMIN, 100).setPowerLevel(ROOM, ROOM_ADMIN, 100)
                .memberProfile(ROOM, ALICE, "Alice", null);
        roomVersion(ROOM, "10"); // Synapse's default
        ctx = FakePluginContext.builder("discord", "discord", Path.of(System.getProperty("java.io.tmpdir")))
                .serverName(SERVER).matrix(matrix).admins(ADMIN).database(databases).realTime().jobsLostOnRestart().build();
        clock = ctx.fakeClock();
        scheduler = ctx.fakeScheduler();
        build();
    }

    /** A started engine on a SQLite file in {@code dir}, its room linked to {@link #CHANNEL}. */
    static Rig linkedOnSqlite(Path dir, NetworkConnector connector, BridgeSettings settings) throws Exception {
        Rig rig = new Rig(() -> TestDatabase.open("jdbc:sqlite:" + dir.resolve("t.db"), 2), connector, settings, 3);
        rig.link();
        rig.start();
        return rig;
    }

    static BridgeSettings settings(List<BridgeSettings.StaticLink> links) {
        return new BridgeSettings("_discord_", "{name} (Discord)", links, Duration.ofMillis(40), "fr");
    }

    private void build() {
        router = ctx.commandRouter();
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
        Plugin second = EngineFactory.create(ctx.another(instanceId, instanceId, JSON.objectNode()), other, settings, importBatch);
        extraPlugins.add(second);
        return second;
    }

    /** Closes the engine and starts a new one on the same database (a restart). */
    void restart() throws Exception {
        plugin.close();
        ctx = ctx.restart();
        build();
        start();
    }

    /** Links {@link #ROOM} to {@link #CHANNEL} (as a command would). */
    void link() {
        engine.link(ROOM, CHANNEL, ADMIN);
    }

    /** Calls the engine's HTTP route for a GET of {@code path}, as the runtime would (404 when none serves it). */
    RouteResponse get(String path) {
        return ctx.call(new RouteRequest("GET", path, Map.of(), new byte[0]));
    }

    // --- Matrix side ----------------------------------------------------------------------------

    MatrixEvent event(String type, UserId sender, ObjectNode content) {
        return event(ROOM, type, sender, content);
    }

    MatrixEvent event(RoomId room, String type, UserId sender, ObjectNode content) {
        ObjectNode json = JSON.objectNode().put("type", type).put("room_id", room.value())
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
        ObjectNode content = JSON.objectNode();
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
        matrix.putState(room, "m.room.create", "", JSON.objectNode().put("room_version", version));
    }

    static ObjectNode text(String body) {
        return JSON.objectNode().put("msgtype", "m.text").put("body", body);
    }

    EventId deliver(MatrixEvent e) throws Exception {
        ctx.deliver(e);
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
        ctx.close();
    }

    /** Moves the engine's time on (its jobs run with {@code scheduler.runDue()}). */
    void advance(Duration by) {
        clock.advance(by);
    }
}
