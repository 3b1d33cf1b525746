package coop.comptoir.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import coop.comptoir.api.command.CommandRouter;
import coop.comptoir.api.event.EventSubscriptions;
import coop.comptoir.api.event.EventTypes;
import coop.comptoir.api.event.MatrixEvent;
import coop.comptoir.api.http.HttpRoutes;
import coop.comptoir.api.http.RouteOptions;
import coop.comptoir.api.http.RouteRequest;
import coop.comptoir.api.http.RouteResponse;
import coop.comptoir.api.id.UserId;
import coop.comptoir.api.matrix.MatrixClient;
import coop.comptoir.api.plugin.PluginConfig;
import coop.comptoir.api.plugin.PluginContext;
import coop.comptoir.api.schedule.Scheduler;
import coop.comptoir.api.store.Database;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import coop.comptoir.api.text.TextSettings;
import java.util.Objects;
import java.util.Set;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link PluginContext} for a plugin's tests, with no homeserver and no listener: a real SQLite
 * store (the runtime's, with its migrations; PostgreSQL with {@link Builder#databaseUrl}), a
 * {@link RecordingMatrixClient}, the runtime's command router, a {@link FakeClock}, a {@link FakeScheduler} run by hand, and routes called directly.
 * The test plays events with {@link #deliver} and webhook calls with {@link #call}; both run on the
 * test's thread and let a handler's exception reach the test. Close it at the end: that closes the
 * plugins made with {@link #create}, then the store.
 *
 * <p>{@link #restart()} gives the same instance after Comptoir restarted (same store, homeserver,
 * clock and scheduled jobs); {@link #another} a second plugin instance beside this one in the same
 * runtime (same router, store, homeserver), to check that two instances coexist or collide.
 *
 * <p>A test may bring its own homeserver ({@link Builder#matrix}, set up before the plugin starts,
 * or shared by several contexts) and its own store ({@link Builder#database}: any {@link Database},
 * on either dialect, opened again at each restart).
 */
public final class FakePluginContext implements PluginContext, AutoCloseable {
    private final Builder builder;
    private final Runtime runtime;
    private final String instanceId;
    private final PluginConfig config;
    private final Logger log;

    private record Route(RouteOptions options, HttpRoutes.RouteHandler handler) {}

    private record Subscription(String type, EventSubscriptions.EventFilter filter,
            EventSubscriptions.EventHandler handler, boolean own) {}

    /** What the instances of one run of Comptoir share: homeserver, store, router, clock, jobs. */
    private static final class Runtime {
        final String serverName;
        final UserId bot;
        final RecordingMatrixClient matrix;
        final TextSettings texts;
        final TestCommandRouter router;
        final Database database;
        final FakeClock clock;
        /** The plugin's clock: {@link #clock}. */
        final java.time.Clock time;
        final FakeScheduler scheduler;
        final java.util.concurrent.atomic.AtomicInteger said = new java.util.concurrent.atomic.AtomicInteger();
        final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
        final OkHttpClient http = new OkHttpClient();
        final List<Subscription> subscriptions = new java.util.concurrent.CopyOnWriteArrayList<>();
        final Map<String, Route> routes = new LinkedHashMap<>();
        final Map<String, Object> shared = new java.util.concurrent.ConcurrentHashMap<>();
        final List<coop.comptoir.api.plugin.Plugin> plugins = new java.util.concurrent.CopyOnWriteArrayList<>();

        /** A first start, or a restart keeping {@code matrix}, {@code clock} and {@code scheduler}. */
        Runtime(Builder b, RecordingMatrixClient matrix, FakeClock clock, FakeScheduler scheduler) {
            this.serverName = b.serverName;
            RecordingMatrixClient given = matrix != null ? matrix : b.matrix;
            this.bot = given != null ? given.userId() : UserId.of(b.botLocalpart, b.serverName);
            this.matrix = given != null ? given : new RecordingMatrixClient(bot);
            this.texts = new TextSettings(b.language, b.address, b.overrides, "texts");
            this.router = new TestCommandRouter("!", b.admins, texts, this.matrix, "Comptoir");
            this.database = b.database != null ? Objects.requireNonNull(b.database.get(), "the database supplier gave null")
                    : b.databaseUrl == null ? TestDatabase.sqlite(b.dir) : TestDatabase.open(b.databaseUrl, 0);
            this.clock = clock != null ? clock : b.realTime ? FakeClock.ticking(ZoneOffset.UTC) : new FakeClock(b.start, ZoneOffset.UTC);
            this.time = this.clock;
            this.scheduler = scheduler != null ? scheduler : new FakeScheduler(this.clock);
        }
    }

    private FakePluginContext(Builder b, Runtime runtime, String instanceId, PluginConfig config) {
        this.builder = b;
        this.runtime = runtime;
        this.instanceId = instanceId;
        this.config = config;
        this.log = LoggerFactory.getLogger("plugin." + instanceId);
    }

    /**
     * Creates an instance as the runtime would: its section bound to {@code factory}'s config
     * type and checked ({@link PluginConfigs#bind}), then {@link PluginFactory#create} with this
     * context. The plugin is not started; {@link #close()} closes it.
     *
     * @throws coop.comptoir.api.plugin.ConfigException listing every problem of the section
     */
    public <C> coop.comptoir.api.plugin.Plugin create(coop.comptoir.api.plugin.PluginFactory<C> factory) throws Exception {
        coop.comptoir.api.plugin.Plugin plugin = factory.create(PluginConfigs.bind(factory, config), this);
        runtime.plugins.add(plugin);
        return plugin;
    }

    /**
     * The same instance after Comptoir restarted: a new context on the same store (opened again),
     * homeserver (what was sent, rooms, members), clock and scheduled jobs (Quartz keeps them in
     * the store), with no event handler, command, route, shared object or job handler until the
     * plugin is created again on it. Closes this context's store but not its plugins, as when the
     * process was killed (close them first for a clean stop); this context is not to be used any
     * more. May be called after {@link #close()}.
     *
     * @throws Database.StoreException when the store cannot be opened again
     */
    public FakePluginContext restart() {
        if (runtime.closed.compareAndSet(false, true)) {
            closeStore();
        }
        runtime.scheduler.forgetHandlers();
        if (builder.jobsLostOnRestart) {
            runtime.scheduler.forgetJobs();
        }
        Runtime next = new Runtime(builder, runtime.matrix, runtime.clock, runtime.scheduler);
        return new FakePluginContext(builder, next, instanceId, config);
    }

    /**
     * A second plugin instance in the same run of Comptoir: the instance {@code instanceId} of a
     * plugin of type {@code type}, with its own section ({@code settings}, at {@code plugins[1]}),
     * sharing this context's homeserver, store, command router, clock, scheduler, event stream
     * (an event {@link #deliver delivered} through either reaches both) and shared objects.
     * Closing either closes the shared store.
     */
    public FakePluginContext another(String type, String instanceId, JsonNode settings) {
        return new FakePluginContext(builder, runtime, Objects.requireNonNull(instanceId),
                PluginConfigs.of(Objects.requireNonNull(type), "plugins[1]", settings, runtime.serverName));
    }

    /** A context for the instance {@code instanceId} of a plugin of type {@code type}, storing in {@code dir}. */
    public static Builder builder(String type, String instanceId, Path dir) {
        return new Builder(type, instanceId, dir);
    }

    /** Settings of a {@link FakePluginContext}; every one has a default. */
    public static final class Builder {
        private final String type;
        private final String instanceId;
        private final Path dir;
        private String serverName = "coop.example";
        private String botLocalpart = "comptoir";
        private JsonNode settings = JsonNodeFactory.instance.objectNode();
        private PluginConfig section;
        private Set<UserId> admins = Set.of();
        private String language = "fr";
        private String address = TextSettings.DEFAULT_ADDRESS;
        private Map<String, Map<String, String>> overrides = Map.of();
        private Instant start = Instant.parse("2026-01-05T08:00:00Z");
        private boolean realTime;
        private boolean jobsLostOnRestart;
        private String databaseUrl;
        private java.util.function.Supplier<? extends Database> database;
        private RecordingMatrixClient matrix;

        private Builder(String type, String instanceId, Path dir) {
            this.type = Objects.requireNonNull(type);
            this.instanceId = Objects.requireNonNull(instanceId);
            this.dir = Objects.requireNonNull(dir);
        }

        /** The homeserver's name (default {@code coop.example}). */
        public Builder serverName(String serverName) {
            this.serverName = serverName;
            return this;
        }

        /** The bot's localpart (default {@code comptoir}). */
        public Builder botLocalpart(String localpart) {
            this.botLocalpart = localpart;
            return this;
        }

        /** The plugin's section, as parsed YAML or built JSON (default: empty), at {@code plugins[0]}. */
        public Builder settings(JsonNode settings) {
            this.settings = settings;
            return this;
        }

        /**
         * The plugin's section written in YAML, as under {@code plugins:} in a config file but
         * without {@code type} and {@code id}.
         *
         * @throws IllegalArgumentException when {@code yaml} is not valid YAML
         */
        public Builder settings(String yaml) {
            return settings(PluginConfigs.yaml(yaml));
        }

        /**
         * A section read from a whole config file ({@link PluginConfigs#firstPlugin}), used as it is:
         * its path, and its folder for relative paths. Wins over {@link #settings}.
         */
        public Builder section(PluginConfig section) {
            this.section = Objects.requireNonNull(section);
            return this;
        }

        /** Who may run administrator commands (default: no one). */
        public Builder admins(UserId... admins) {
            this.admins = Set.of(admins);
            return this;
        }

        /**
         * The top-level {@code language:} (default {@code fr}): what {@link #texts()} gives the
         * plugin, and the router's own language.
         */
        public Builder language(String language) {
            this.language = language;
            return this;
        }

        /** The top-level {@code address:}, {@code vous} (default) or {@code tu}. */
        public Builder address(String address) {
            this.address = address;
            return this;
        }

        /** The top-level {@code texts:}: language → ({@code bundle.key} → text). */
        public Builder texts(Map<String, Map<String, String>> overrides) {
            this.overrides = overrides;
            return this;
        }

        /** The top-level {@code language:}, {@code address:} and {@code texts:} at once. */
        public Builder texts(TextSettings topLevel) {
            this.language = topLevel.language();
            this.address = topLevel.address();
            this.overrides = topLevel.overrides();
            return this;
        }

        /** Where the clock starts (default 2026-01-05T08:00:00Z, a Monday). */
        public Builder startingAt(Instant start) {
            this.start = start;
            return this;
        }

        /**
         * The {@link #fakeClock() clock} runs with the system's time (UTC), starting now: for a
         * plugin whose own threads wait in real time (a bridge). The test can still move it ahead
         * ({@link FakeClock#advance}); the {@link #fakeScheduler() scheduler} still runs jobs only
         * when asked.
         */
        public Builder realTime() {
            this.realTime = true;
            return this;
        }

        /**
         * Scheduled jobs do not survive a {@link FakePluginContext#restart()}, as with Comptoir on
         * SQLite, whose scheduler keeps them in memory (PostgreSQL keeps them in the store, the
         * default here): to check that a plugin schedules again what it needs at each start.
         */
        public Builder jobsLostOnRestart() {
            this.jobsLostOnRestart = true;
            return this;
        }

        /**
         * The homeserver: a client the test made (and set up, {@link RecordingMatrixClient#strictMembership()}
         * for instance) or shares with other contexts. Its user is the bot; its server must be the
         * {@link #serverName}.
         */
        public Builder matrix(RecordingMatrixClient matrix) {
            this.matrix = Objects.requireNonNull(matrix);
            return this;
        }

        /**
         * The store, opened by {@code open} at {@link #build()} and again at each
         * {@link FakePluginContext#restart()} (each call: a new pool on the same data), and closed
         * (when it is {@link AutoCloseable}) with the context. Wins over {@link #databaseUrl}.
         */
        public Builder database(java.util.function.Supplier<? extends Database> open) {
            this.database = Objects.requireNonNull(open);
            return this;
        }

        /**
         * Stores in the database at {@code jdbcUrl} instead of a SQLite file in the builder's folder:
         * a {@link TestDatabase.PostgresSchema#url()}, to run the same test on PostgreSQL.
         */
        public Builder databaseUrl(String jdbcUrl) {
            this.databaseUrl = Objects.requireNonNull(jdbcUrl);
            return this;
        }

        /** Opens the store. @throws Database.StoreException when the database cannot be opened */
        public FakePluginContext build() {
            if (matrix != null && !matrix.userId().serverName().equals(serverName)) {
                throw new IllegalArgumentException("the client's user " + matrix.userId() + " is not on " + serverName);
            }
            PluginConfig c = section != null ? section : PluginConfigs.of(type, "plugins[0]", settings, serverName);
            return new FakePluginContext(this, new Runtime(this, null, null, null), instanceId, c);
        }
    }

    // ---- what the test drives and reads ----

    /** The client as the test sees it: what was sent, and rooms and members to set up. */
    public RecordingMatrixClient recordingMatrix() {
        return runtime.matrix;
    }

    /** The clock, to move time. */
    public FakeClock fakeClock() {
        return runtime.clock;
    }

    /** The scheduler, to run due jobs. */
    public FakeScheduler fakeScheduler() {
        return runtime.scheduler;
    }

    /** The runtime's command router, shared by the instances of this run ({@link #another}). */
    public TestCommandRouter commandRouter() {
        return runtime.router;
    }

    /**
     * The routes registered in this run, as {@code "POST <mounted path>"} or {@code "GET <mounted
     * prefix>/…"} for a {@link HttpRoutes#getUnder} route, in order.
     */
    public List<String> registeredRoutes() {
        synchronized (runtime.routes) {
            return runtime.routes.keySet().stream().map(k -> k.startsWith("GET* ") ? "GET " + k.substring(5) + "/…" : k).toList();
        }
    }

    /**
     * Plays one event as the runtime would: for a message, to the command router first, then to the
     * handlers whose type and filter match (the bot's own events only to {@code onAnyIncludingOwn}).
     *
     * @throws Exception what a handler threw (the remaining handlers are not called)
     */
    public void deliver(MatrixEvent event) throws Exception {
        boolean own = runtime.bot.equals(event.sender());
        if (!own && EventTypes.ROOM_MESSAGE.equals(event.type())) {
            runtime.router.onMessage(event);
        }
        for (Subscription s : runtime.subscriptions) {
            if ((own && !s.own()) || (s.type() != null && !s.type().equals(event.type())) || !s.filter().accepts(event)) {
                continue;
            }
            s.handler().handle(event);
        }
    }

    /**
     * Says {@code body} ({@code m.text}) in {@code room} as {@code sender} and {@link #deliver delivers}
     * it: the event a member's message makes, with a fresh event ID and the fake clock's time.
     *
     * @return the event delivered, to check that an answer replies to it
     * @throws Exception what a handler or command threw
     */
    public MatrixEvent say(coop.comptoir.api.id.RoomId room, UserId sender, String body) throws Exception {
        com.fasterxml.jackson.databind.node.ObjectNode e = JsonNodeFactory.instance.objectNode()
                .put("type", EventTypes.ROOM_MESSAGE).put("room_id", room.value()).put("sender", sender.value())
                .put("event_id", "$said" + runtime.said.incrementAndGet() + ":" + serverName())
                .put("origin_server_ts", runtime.time.millis());
        e.putObject("content").put("msgtype", "m.text").put("body", body);
        MatrixEvent event = MatrixEvent.of(e);
        deliver(event);
        return event;
    }

    /**
     * Calls the route registered for {@code request}'s method and path (the mounted path, as
     * {@link HttpRoutes#mountedPath} gives it), with the route's checks as the runtime makes them:
     * 404 when there is no route, 401 when its header checks refuse (the handler is not called),
     * 413 when the body passes its limit, 500 when the handler throws. Header names in
     * {@code request} are lower-case, as the runtime gives them.
     */
    public RouteResponse call(RouteRequest request) {
        String path = request.path();
        Route route;
        synchronized (runtime.routes) {
            route = runtime.routes.get(request.method() + " " + path);
            if (route == null && "GET".equals(request.method())) {
                route = runtime.routes.entrySet().stream()
                        .filter(e -> e.getKey().startsWith("GET* ") && path.startsWith(e.getKey().substring(5) + "/"))
                        .map(Map.Entry::getValue).findFirst().orElse(null);
            }
        }
        if (route == null) {
            return RouteResponse.error(404, "Not found");
        }
        var refusal = route.options().refusal(request.headers());
        if (refusal.isPresent()) {
            return RouteResponse.error(401, refusal.get());
        }
        if (request.body().length > route.options().maxBodyBytes()) {
            return RouteResponse.error(413, "Body too large");
        }
        try {
            return route.handler().handle(request);
        } catch (Exception e) {
            log.warn("Route {} {} failed", request.method(), path, e);
            return RouteResponse.error(500, "Internal error");
        }
    }

    /**
     * Closes the plugins made with {@link #create} in this run (the last made first), then the
     * store; once: closing again does nothing.
     *
     * @throws IllegalStateException when a plugin's close threw (the others and the store are closed)
     */
    @Override
    public void close() {
        if (!runtime.closed.compareAndSet(false, true)) {
            return;
        }
        IllegalStateException failed = null;
        List<coop.comptoir.api.plugin.Plugin> plugins = new ArrayList<>(runtime.plugins);
        java.util.Collections.reverse(plugins);
        for (coop.comptoir.api.plugin.Plugin p : plugins) {
            try {
                p.close();
            } catch (Exception e) {
                if (failed == null) {
                    failed = new IllegalStateException("closing a plugin failed", e);
                } else {
                    failed.addSuppressed(e);
                }
            }
        }
        closeStore();
        if (failed != null) {
            throw failed;
        }
    }

    // ---- PluginContext ----

    @Override
    public String instanceId() {
        return instanceId;
    }

    @Override
    public PluginConfig config() {
        return config;
    }

    @Override
    public MatrixClient matrix() {
        return runtime.matrix;
    }

    @Override
    public UserId botUserId() {
        return runtime.bot;
    }

    @Override
    public String serverName() {
        return runtime.serverName;
    }

    @Override
    public EventSubscriptions events() {
        return new EventSubscriptions() {
            @Override
            public void on(String type, EventFilter filter, EventHandler handler) {
                add(new Subscription(Objects.requireNonNull(type), filter, handler, false));
            }

            @Override
            public void onAny(EventHandler handler) {
                add(new Subscription(null, EventFilter.ALL, handler, false));
            }

            @Override
            public void onAnyIncludingOwn(EventHandler handler) {
                add(new Subscription(null, EventFilter.ALL, handler, true));
            }
        };
    }

    @Override
    public CommandRouter commands() {
        return runtime.router.forInstance(instanceId);
    }

    @Override
    public Database database() {
        return runtime.database;
    }

    @Override
    public Scheduler scheduler() {
        return runtime.scheduler;
    }

    @Override
    public OkHttpClient http() {
        return runtime.http;
    }

    @Override
    public HttpRoutes routes() {
        return new HttpRoutes() {
            @Override
            public void post(String path, RouteOptions options, RouteHandler handler) {
                register("POST " + mountedPath(path), new Route(options, handler));
            }

            @Override
            public void getUnder(String path, RouteHandler handler) {
                register("GET* " + mountedPath(path), new Route(RouteOptions.defaults(), handler));
            }

            @Override
            public String mountedPath(String path) {
                if (!path.startsWith("/") || path.contains("?")) {
                    throw new IllegalArgumentException("route path must start with / and hold no query: " + path);
                }
                return "/_comptoir/plugins/" + instanceId + path;
            }
        };
    }

    @Override
    public java.time.Clock clock() {
        return runtime.time;
    }

    @Override
    public TextSettings texts() {
        return runtime.texts;
    }

    @Override
    public Logger log() {
        return log;
    }

    /** Shared with the contexts made by {@link #another} (one run of Comptoir), not across a {@link #restart()}. */
    @Override
    public <T> T shared(String key, Class<T> type, java.util.function.Supplier<? extends T> create) {
        Object value = runtime.shared.computeIfAbsent(key, k -> Objects.requireNonNull(create.get(), "create gave null"));
        if (!type.isInstance(value)) {
            throw new IllegalStateException("shared object " + key + " is a " + value.getClass().getName()
                    + ", not a " + type.getName());
        }
        return type.cast(value);
    }

    private void closeStore() {
        if (runtime.database instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("closing the store failed", e);
            }
        }
    }

    private void add(Subscription s) {
        runtime.subscriptions.add(s);
    }

    private void register(String key, Route route) {
        synchronized (runtime.routes) {
            if (runtime.routes.putIfAbsent(key, route) != null) {
                throw new IllegalArgumentException("route already registered: " + key);
            }
        }
    }
}
