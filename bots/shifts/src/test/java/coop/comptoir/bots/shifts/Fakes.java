package coop.comptoir.bots.shifts;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import coop.comptoir.api.command.Command;
import coop.comptoir.api.command.CommandInvocation;
import coop.comptoir.api.command.CommandRouter;
import coop.comptoir.api.event.EventSubscriptions;
import coop.comptoir.api.event.MatrixEvent;
import coop.comptoir.api.http.HttpRoutes;
import coop.comptoir.api.id.EventId;
import coop.comptoir.api.id.MxcUri;
import coop.comptoir.api.id.RoomAlias;
import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.id.UserId;
import coop.comptoir.api.matrix.MatrixClient;
import coop.comptoir.api.matrix.MatrixException;
import coop.comptoir.api.matrix.OutgoingMessage;
import coop.comptoir.api.plugin.PluginConfig;
import coop.comptoir.api.plugin.PluginContext;
import coop.comptoir.api.schedule.Scheduler;
import coop.comptoir.api.store.Database;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Stand-ins for the runtime's parts, enough to drive the plugin in unit tests. */
final class Fakes {
    private Fakes() {}

    static final ObjectMapper YAML = YAMLMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    /** A clock the test moves by hand. */
    static final class TestClock extends Clock {
        private volatile Instant now;

        TestClock(Instant start) {
            this.now = start;
        }

        void set(Instant t) {
            now = t;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    /**
     * The homeserver as the plugin sees it: keeps what was sent, per room, and answers a repeated
     * transaction ID with the first event (as Synapse does). {@link #failNext} makes calls fail.
     */
    static final class Matrix implements MatrixClient {
        /** One message or edit that reached a room. */
        record Sent(RoomId room, EventId event, String txnId, OutgoingMessage message, EventId replaces) {
            String body() {
                return message.body();
            }
        }

        final List<Sent> sent = new ArrayList<>();
        final Map<String, EventId> txns = new HashMap<>();
        final Map<String, RoomId> aliases = new HashMap<>();
        final List<com.fasterxml.jackson.databind.node.ObjectNode> createdRooms = new ArrayList<>();
        final List<String> joined = new ArrayList<>();
        private final AtomicInteger ids = new AtomicInteger();
        /** Fails this many calls with a 502 before the work is done. */
        volatile int failNext;
        /** Does the work, then fails this many calls with a network error (the answer is lost). */
        volatile int loseAnswers;
        /** Calls to these rooms throw this (as a bug would): not a homeserver error. */
        final Map<RoomId, RuntimeException> broken = new HashMap<>();

        synchronized List<Sent> in(RoomId room) {
            return sent.stream().filter(s -> s.room.equals(room)).toList();
        }

        synchronized List<Sent> messages(RoomId room) {
            return in(room).stream().filter(s -> s.replaces == null).toList();
        }

        synchronized List<Sent> edits(RoomId room) {
            return in(room).stream().filter(s -> s.replaces != null).toList();
        }

        private synchronized EventId record(RoomId room, OutgoingMessage m, String txnId, EventId replaces) {
            if (broken.containsKey(room)) {
                throw broken.get(room);
            }
            if (failNext > 0) {
                failNext--;
                throw new MatrixException(502, "M_UNKNOWN", "bad gateway");
            }
            String key = room.value() + "|" + txnId;
            EventId ev = txns.get(key);
            if (ev == null) {
                ev = EventId.of("$e" + ids.incrementAndGet());
                txns.put(key, ev);
                sent.add(new Sent(room, ev, txnId, m, replaces));
            }
            if (loseAnswers > 0) {
                loseAnswers--;
                throw new MatrixException("connection reset", new java.io.IOException("reset"));
            }
            return ev;
        }

        @Override
        public EventId send(RoomId room, OutgoingMessage message, String txnId) {
            return record(room, message, txnId, null);
        }

        @Override
        public EventId edit(RoomId room, EventId original, OutgoingMessage newContent, String txnId) {
            return record(room, newContent, txnId, original);
        }

        @Override
        public synchronized RoomId createRoom(ObjectNode request) {
            createdRooms.add(request);
            return RoomId.of("!dm" + ids.incrementAndGet() + ":coop.example");
        }

        @Override
        public RoomId resolveAlias(RoomAlias alias) {
            RoomId r = aliases.get(alias.value());
            if (r == null) {
                throw new MatrixException(404, "M_NOT_FOUND", "no alias " + alias);
            }
            return r;
        }

        @Override
        public synchronized RoomId join(String roomIdOrAlias) {
            joined.add(roomIdOrAlias);
            return roomIdOrAlias.startsWith("#") ? resolveAlias(RoomAlias.of(roomIdOrAlias)) : RoomId.of(roomIdOrAlias);
        }

        @Override public UserId userId() { return UserId.of("@comptoir:coop.example"); }
        @Override public MatrixClient as(UserId user) { throw new UnsupportedOperationException(); }
        @Override public MatrixClient withTimestamp(long ts) { throw new UnsupportedOperationException(); }
        @Override public void ensureRegistered() {}
        @Override public void invite(RoomId room, UserId user) { throw new UnsupportedOperationException(); }
        @Override public void leave(RoomId room) { throw new UnsupportedOperationException(); }
        @Override public void kick(RoomId room, UserId user, String reason) { throw new UnsupportedOperationException(); }
        @Override public EventId sendEvent(RoomId room, String type, ObjectNode content, String txnId) { throw new UnsupportedOperationException(); }
        @Override public EventId sendState(RoomId room, String type, String stateKey, ObjectNode content) { throw new UnsupportedOperationException(); }
        @Override public Optional<ObjectNode> getState(RoomId room, String type, String stateKey) { return Optional.empty(); }
        @Override public List<UserId> joinedMembers(RoomId room) { return List.of(); }
        @Override public List<RoomId> joinedRooms() { return List.of(); }
        @Override public JsonNode getEvent(RoomId room, EventId event) { throw new UnsupportedOperationException(); }
        @Override public EventId redact(RoomId room, EventId event, String reason, String txnId) { throw new UnsupportedOperationException(); }
        @Override public EventId react(RoomId room, EventId target, String key, String txnId) { throw new UnsupportedOperationException(); }
        @Override public void setDisplayName(String displayName) {}
        @Override public void setAvatarUrl(MxcUri avatar) {}
        @Override public long powerLevel(RoomId room, UserId user) { return 0; }
        @Override public MxcUri upload(byte[] data, String contentType, String fileName) { throw new UnsupportedOperationException(); }
        @Override public byte[] download(MxcUri uri, long maxBytes) { throw new UnsupportedOperationException(); }
        @Override public long ping(String appserviceId, String transactionId) { return 0; }
        @Override public JsonNode request(String method, String path, JsonNode body) { throw new UnsupportedOperationException(); }
    }

    /** A plugin section from YAML, bound by the runtime's binder. */
    static final class Section {
        private Section() {}

        static PluginConfig of(String yaml) {
            try {
                return coop.comptoir.bots.shifts.source.Sections.of("plugins[0]", YAML.readTree(yaml));
            } catch (Exception e) {
                throw new IllegalArgumentException(e);
            }
        }
    }

    /**
     * The section bound and checked as the runtime does, then compiled.
     *
     * @throws coop.comptoir.api.plugin.ConfigException listing every problem
     */
    static ShiftsPluginFactory.Settings settings(PluginConfig section) {
        ShiftsConfig c = coop.comptoir.testing.PluginConfigs.bind(new ShiftsPluginFactory(), section);
        coop.comptoir.api.config.Problems p = coop.comptoir.api.config.Problems.root(section.path());
        ShiftsPluginFactory.Settings s = ShiftsPluginFactory.settings(c, section, p, null, null);
        p.throwIfAny();
        return s;
    }

    /** An instance created as the runtime creates it. */
    static coop.comptoir.api.plugin.Plugin create(PluginConfig section, coop.comptoir.api.plugin.PluginContext ctx) {
        ShiftsPluginFactory factory = new ShiftsPluginFactory();
        return factory.create(coop.comptoir.testing.PluginConfigs.bind(factory, section), ctx);
    }

    /** Keeps cron jobs; {@link #fire} runs one as Quartz would. */
    static final class Jobs implements Scheduler {
        private final Map<String, JobHandler> handlers = new HashMap<>();
        final Map<String, String> crons = new LinkedHashMap<>();
        final Map<String, String> handlerOf = new HashMap<>();

        @Override
        public void handler(String name, JobHandler handler) {
            handlers.put(name, handler);
        }

        final Map<String, Instant> onces = new LinkedHashMap<>();

        @Override
        public void once(String key, String handlerName, Instant when, Map<String, String> data) {
            onces.put(key, when);
            handlerOf.put(key, handlerName);
        }

        @Override
        public void cron(String key, String handlerName, String cron, ZoneId zone, Map<String, String> data) {
            crons.put(key, cron);
            handlerOf.put(key, handlerName);
        }

        @Override
        public boolean cancel(String key) {
            handlerOf.remove(key);
            return crons.remove(key) != null | onces.remove(key) != null;
        }

        @Override
        public Optional<Instant> nextFire(String key) {
            return Optional.empty();
        }

        /** Runs a job; a one-off job is then gone. */
        void fire(String key) throws Exception {
            String handler = handlerOf.get(key);
            if (onces.remove(key) != null) {
                handlerOf.remove(key);
            }
            handlers.get(handler).run(key, Instant.now(), Map.of());
        }
    }

    /** Registered commands, run by name. */
    static final class Commands implements CommandRouter {
        final Map<String, Command> byName = new HashMap<>();

        @Override
        public void register(Command command) {
            byName.put(command.name(), command);
            command.aliases().forEach(a -> byName.put(a, command));
        }

        @Override
        public boolean registerShared(String group, Command command) {
            boolean fresh = !byName.containsKey(command.name());
            register(command);
            return fresh;
        }

        Invocation run(String name, String args, UserId sender, Locale locale) throws Exception {
            ObjectNode json = YAML.createObjectNode();
            json.put("type", "m.room.message").put("room_id", "!town:coop.example").put("sender", sender.value())
                    .put("event_id", "$cmd" + System.nanoTime()).put("origin_server_ts", 1L);
            json.putObject("content").put("msgtype", "m.text").put("body", "!" + name + " " + args);
            Invocation inv = new Invocation(MatrixEvent.of(json), name, args, locale);
            byName.get(name).handler().run(inv);
            return inv;
        }
    }

    /** A command as the router would pass it; keeps the replies. */
    static final class Invocation implements CommandInvocation {
        private final MatrixEvent event;
        private final String name;
        private final String args;
        private final Locale locale;
        final List<String> replies = new ArrayList<>();
        final List<String> htmlReplies = new ArrayList<>();

        Invocation(MatrixEvent event, String name, String args, Locale locale) {
            this.event = event;
            this.name = name;
            this.args = args;
            this.locale = locale;
        }

        @Override public MatrixEvent event() { return event; }
        @Override public String name() { return name; }
        @Override public String argumentText() { return args.strip(); }
        @Override public List<String> arguments() { return args.isBlank() ? List.of() : List.of(args.strip().split("\\s+")); }
        @Override public Locale locale() { return locale; }
        @Override public void reply(String text) { replies.add(text); }

        @Override
        public void replyHtml(String plain, String html) {
            replies.add(plain);
            htmlReplies.add(html);
        }
    }

    /** Everything a plugin instance gets. */
    record Context(String instanceId, PluginConfig config, Matrix matrix, Database database, Jobs scheduler, Commands commands,
                   Clock clock, coop.comptoir.api.text.TextSettings texts) implements PluginContext {
        Context(String instanceId, PluginConfig config, Matrix matrix, Database database, Jobs scheduler, Commands commands,
                Clock clock) {
            this(instanceId, config, matrix, database, scheduler, commands, clock, coop.comptoir.api.text.TextSettings.DEFAULT);
        }

        @Override public UserId botUserId() { return matrix.userId(); }
        @Override public String serverName() { return "coop.example"; }
        @Override public EventSubscriptions events() { throw new UnsupportedOperationException(); }
        @Override public OkHttpClient http() { return new OkHttpClient(); }
        @Override public HttpRoutes routes() { throw new UnsupportedOperationException(); }
        @Override public Logger log() { return LoggerFactory.getLogger("shifts-test." + instanceId); }
        @Override public <T> T shared(String key, Class<T> type, java.util.function.Supplier<? extends T> create) {
            throw new UnsupportedOperationException();
        }
    }
}
