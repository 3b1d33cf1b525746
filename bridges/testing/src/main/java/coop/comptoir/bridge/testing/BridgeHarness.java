package coop.comptoir.bridge.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.api.event.MatrixEvent;
import coop.comptoir.api.id.EventId;
import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.id.UserId;
import coop.comptoir.api.plugin.Plugin;
import coop.comptoir.bridge.api.BridgeFactory;
import coop.comptoir.testing.FakePluginContext;
import coop.comptoir.testing.RecordingMatrixClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One bridge, made by its connector's real {@link BridgeFactory} from a config section, running on
 * the real engine with a real SQLite store, against a homeserver in memory (a
 * {@link RecordingMatrixClient}). The portal {@link #ROOM} is linked to the channel under test by
 * the section's {@code links:}, as an administrator would write it.
 *
 * <p>The test plays the Matrix side with {@link #matrixSays}, {@link #matrixReplies},
 * {@link #matrixEdits} and {@link #matrixRedacts}, and reads what the bridge did on Matrix with
 * {@link #bridgedMessages()} and {@link #redacted()}. Like a homeserver, the harness hands the
 * bridge's own events back to it (through the appservice's event stream) before each Matrix event
 * and while {@link #await waiting}, so the engine's echo guard is exercised too.
 *
 * <p>The bridge runs in a {@link FakePluginContext} (real time for the engine's threads; the
 * scheduler's jobs run only when a test asks). {@link #stop()} and {@link #start()} restart the
 * bridge on the same store and the same homeserver ({@link FakePluginContext#restart()}), as after
 * a crash or an upgrade. Matrix events played while it is stopped are held,
 * as a homeserver holds an appservice's transactions, and handed over once it started again.
 * Not thread-safe: drive it from the test's thread.
 */
public final class BridgeHarness implements AutoCloseable {
    /** The homeserver's name. */
    public static final String SERVER = "coop.example";
    /** The bot's user. */
    public static final UserId BOT = UserId.of("@comptoir:" + SERVER);
    /** A Matrix user writing in the portal. */
    public static final UserId ALICE = UserId.of("@alice:" + SERVER);
    /** The portal room. */
    public static final RoomId ROOM = RoomId.of("!portal:" + SERVER);
    /** How long {@link #await} waits. */
    public static final Duration WAIT = Duration.ofSeconds(20);

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final BridgeFactory<?> factory;
    private final RecordingMatrixClient matrix;
    private final AtomicInteger eventIds = new AtomicInteger();
    private final Logger log;
    private int echoed;
    /** Matrix events sent while the bridge was stopped, handed over when it starts. */
    private final List<MatrixEvent> held = new ArrayList<>();
    /** The context of the current run, or of the last one once stopped. */
    private FakePluginContext context;
    private boolean startedOnce;
    /** The bridge while it runs; null when stopped. */
    private Plugin running;

    /** A message the bridge posted in the portal on behalf of a remote user. */
    public record Bridged(EventId id, UserId sender, String body, Optional<EventId> replaces, Optional<EventId> inReplyTo,
                          ObjectNode content) {}

    private BridgeHarness(BridgeFactory<?> factory, ObjectNode connectorSettings, String channel, Path dir) {
        this.factory = Objects.requireNonNull(factory, "factory");
        ObjectNode section = connectorSettings.deepCopy();
        section.putArray("links").addObject().put("room", ROOM.value()).put("channel", channel);
        section.put("max_retry_delay", "1s");
        this.log = LoggerFactory.getLogger("bridge-harness." + factory.type());
        this.context = FakePluginContext.builder(factory.type(), factory.type(), Objects.requireNonNull(dir, "dir"))
                .serverName(SERVER).settings(section).realTime().build();
        this.matrix = context.recordingMatrix();
        matrix.addMember(ROOM, ALICE).addMember(ROOM, BOT);
        ObjectNode create = NODES.objectNode().put("room_version", "10");
        matrix.sendState(ROOM, "m.room.create", "", create);
    }

    /**
     * Starts a bridge of {@code factory}'s type whose section holds {@code connectorSettings} (the
     * connector's own keys: a token, the fake server's addresses) and a link from {@link #ROOM} to
     * {@code channel}; stores in {@code dir}. Returns once the bridge's {@link Plugin#start()}
     * returned (the connector connected).
     *
     * @throws Exception what the factory, the connector or the engine threw
     */
    public static BridgeHarness start(BridgeFactory<?> factory, ObjectNode connectorSettings, String channel, Path dir)
            throws Exception {
        BridgeHarness h = new BridgeHarness(factory, connectorSettings, channel, dir);
        h.start();
        return h;
    }

    /** Starts the bridge again after {@link #stop()}, on the same store and homeserver. */
    public void start() throws Exception {
        if (running != null) {
            throw new IllegalStateException("already running");
        }
        if (startedOnce) {
            context = context.restart();
        }
        startedOnce = true;
        Plugin plugin;
        try {
            plugin = context.create(factory);
            plugin.start();
        } catch (Exception | Error e) {
            closeQuietly();
            throw e;
        }
        running = plugin;
        List<MatrixEvent> waiting = List.copyOf(held);
        held.clear();
        for (MatrixEvent e : waiting) {
            context.deliver(e);
        }
    }

    /** Stops the bridge (connector closed, store closed); what it had stored stays. */
    public void stop() {
        if (running == null) {
            return;
        }
        running = null;
        closeQuietly();
    }

    /** Closes the bridge (connector, engine) and its store. */
    private void closeQuietly() {
        try {
            context.close();
        } catch (IllegalStateException e) {
            log.warn("closing the bridge failed", e);
        }
    }

    @Override
    public void close() {
        stop();
    }

    // ---- the Matrix side, played by the test ----

    /** A text message from {@code sender} in the portal; returns its event ID. */
    public EventId matrixSays(UserId sender, String body) throws Exception {
        return deliver(sender, "m.room.message", text(body));
    }

    /** A reply to {@code repliedTo} (a rich reply, {@code m.in_reply_to}). */
    public EventId matrixReplies(UserId sender, EventId repliedTo, String body) throws Exception {
        ObjectNode content = text(body);
        content.putObject("m.relates_to").putObject("m.in_reply_to").put("event_id", repliedTo.value());
        return deliver(sender, "m.room.message", content);
    }

    /** An edit ({@code m.replace}) of {@code original} to {@code newBody}. */
    public EventId matrixEdits(UserId sender, EventId original, String newBody) throws Exception {
        ObjectNode content = text("* " + newBody);
        content.set("m.new_content", text(newBody));
        content.putObject("m.relates_to").put("rel_type", "m.replace").put("event_id", original.value());
        return deliver(sender, "m.room.message", content);
    }

    /** A redaction of {@code target} (with {@code redacts} at the top level and in the content). */
    public EventId matrixRedacts(UserId sender, EventId target) throws Exception {
        ObjectNode json = event(sender, "m.room.redaction", NODES.objectNode().put("redacts", target.value()));
        json.put("redacts", target.value());
        return deliver(MatrixEvent.of(json));
    }

    // ---- what the bridge did on Matrix ----

    /** The homeserver in memory: everything the bridge sent, rooms, members. */
    public RecordingMatrixClient matrix() {
        return matrix;
    }

    /** The messages the bridge posted in the portal as remote users' ghosts (edits included), in order. */
    public List<Bridged> bridgedMessages() {
        List<Bridged> out = new ArrayList<>();
        for (RecordingMatrixClient.Sent s : matrix.messagesIn(ROOM)) {
            if (s.sender().equals(BOT) || s.eventId() == null) {
                continue;
            }
            JsonNode rel = s.content().path("m.relates_to");
            Optional<EventId> replaces = "m.replace".equals(rel.path("rel_type").asText())
                    ? Optional.of(EventId.of(rel.path("event_id").asText())) : Optional.empty();
            Optional<EventId> inReplyTo = rel.path("m.in_reply_to").hasNonNull("event_id")
                    ? Optional.of(EventId.of(rel.path("m.in_reply_to").path("event_id").asText())) : Optional.empty();
            String body = replaces.isPresent() ? s.content().path("m.new_content").path("body").asText(s.body()) : s.body();
            out.add(new Bridged(s.eventId(), s.sender(), body, replaces, inReplyTo, s.content()));
        }
        return out;
    }

    /** The new messages (not edits) the bridge posted as ghosts, in order. */
    public List<Bridged> bridgedPosts() {
        return bridgedMessages().stream().filter(b -> b.replaces().isEmpty()).toList();
    }

    /** The events the bridge redacted in the portal, in order. */
    public List<EventId> redacted() {
        return matrix.sent().stream().filter(s -> s.room().equals(ROOM) && s.type().equals("m.room.redaction"))
                .map(s -> EventId.of(s.content().path("redacts").asText())).toList();
    }

    /**
     * Waits until {@code condition} holds, handing the bridge's own events back to it meanwhile;
     * fails the test with {@code what} after {@link #WAIT}.
     */
    public void await(String what, BooleanSupplier condition) {
        long end = System.nanoTime() + WAIT.toNanos();
        while (true) {
            echoBridgeEvents();
            if (condition.getAsBoolean()) {
                return;
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("Timed out after " + WAIT.toSeconds() + " s waiting for: " + what);
            }
            sleep(10);
        }
    }

    /** Lets queued work run for {@code time}, handing echoes back, to check that nothing more happens. */
    public void settle(Duration time) {
        long end = System.nanoTime() + time.toNanos();
        while (System.nanoTime() < end) {
            echoBridgeEvents();
            sleep(20);
        }
        echoBridgeEvents();
    }

    // ---- plumbing ----

    private ObjectNode event(UserId sender, String type, ObjectNode content) {
        ObjectNode json = NODES.objectNode().put("type", type).put("room_id", ROOM.value()).put("sender", sender.value())
                .put("event_id", "$harness" + eventIds.incrementAndGet() + ":" + SERVER)
                .put("origin_server_ts", System.currentTimeMillis());
        json.set("content", content);
        return json;
    }

    private EventId deliver(UserId sender, String type, ObjectNode content) throws Exception {
        return deliver(MatrixEvent.of(event(sender, type, content)));
    }

    private EventId deliver(MatrixEvent e) throws Exception {
        echoBridgeEvents();
        if (running == null) {
            held.add(e); // the homeserver keeps the transaction until the appservice answers again
            return e.eventId();
        }
        context.deliver(e);
        return e.eventId();
    }

    /** What the homeserver sends the appservice: the events the bridge made, once each, in order. */
    private void echoBridgeEvents() {
        List<RecordingMatrixClient.Sent> sent = matrix.sent();
        boolean up = running != null;
        while (echoed < sent.size()) {
            RecordingMatrixClient.Sent s = sent.get(echoed++);
            if (!up || s.eventId() == null) {
                continue;
            }
            ObjectNode json = NODES.objectNode().put("type", s.type()).put("room_id", s.room().value())
                    .put("sender", s.sender().value()).put("event_id", s.eventId().value())
                    .put("origin_server_ts", System.currentTimeMillis());
            if (s.stateKey() != null) {
                json.put("state_key", s.stateKey());
            }
            if (s.type().equals("m.room.redaction") && s.content().has("redacts")) {
                json.put("redacts", s.content().get("redacts").asText());
            }
            json.set("content", s.content().deepCopy());
            try {
                context.deliver(MatrixEvent.of(json));
            } catch (Exception ex) {
                throw new AssertionError("the bridge threw on its own echo " + s.eventId(), ex);
            }
        }
    }

    private static ObjectNode text(String body) {
        return NODES.objectNode().put("msgtype", "m.text").put("body", body);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
