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
 * test's thread and let a handler's exception reach the test. Close it at the end.
 */
public final class FakePluginContext implements PluginContext, AutoCloseable {
    private final String instanceId;
    private final String serverName;
    private final UserId bot;
    private final PluginConfig config;
    private final RecordingMatrixClient matrix;
    private final TestCommandRouter router;
    private final TestDatabase database;
    private final FakeClock clock;
    private final FakeScheduler scheduler;
    private final OkHttpClient http = new OkHttpClient();
    private final Logger log;
    private final TextSettings texts;
    private final List<Subscription> subscriptions = new ArrayList<>();
    private final Map<String, Route> routes = new LinkedHashMap<>();
    private final Map<String, Object> shared = new java.util.concurrent.ConcurrentHashMap<>();

    private record Route(RouteOptions options, HttpRoutes.RouteHandler handler) {}

    private record Subscription(String type, EventSubscriptions.EventFilter filter,
            EventSubscriptions.EventHandler handler, boolean own) {}

    private FakePluginContext(Builder b) {
        this.instanceId = b.instanceId;
        this.serverName = b.serverName;
        this.bot = UserId.of(b.botLocalpart, b.serverName);
        this.config = PluginConfigs.of(b.type, "plugins[0]", b.settings, b.serverName);
        this.matrix = new RecordingMatrixClient(bot);
        this.texts = new TextSettings(b.language, b.address, b.overrides, "texts");
        this.router = new TestCommandRouter("!", b.admins, texts, matrix, "Comptoir");
        this.database = b.databaseUrl == null ? TestDatabase.sqlite(b.dir) : TestDatabase.open(b.databaseUrl, 0);
        this.clock = new FakeClock(b.start, ZoneOffset.UTC);
        this.scheduler = new FakeScheduler(clock);
        this.log = LoggerFactory.getLogger("plugin." + instanceId);
    }

    /**
     * Creates an instance as the runtime would: its section bound to {@code factory}'s config
     * type and checked ({@link PluginConfigs#bind}), then {@link PluginFactory#create} with this
     * context.
     *
     * @throws coop.comptoir.api.plugin.ConfigException listing every problem of the section
     */
    public <C> coop.comptoir.api.plugin.Plugin create(coop.comptoir.api.plugin.PluginFactory<C> factory) throws Exception {
        return factory.create(PluginConfigs.bind(factory, config), this);
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
        private Set<UserId> admins = Set.of();
        private String language = "fr";
        private String address = TextSettings.DEFAULT_ADDRESS;
        private Map<String, Map<String, String>> overrides = Map.of();
        private Instant start = Instant.parse("2026-01-05T08:00:00Z");
        private String databaseUrl;

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

        /** The plugin's section, as parsed YAML or built JSON (default: empty). */
        public Builder settings(JsonNode settings) {
            this.settings = settings;
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

        /** Where the clock starts (default 2026-01-05T08:00:00Z, a Monday). */
        public Builder startingAt(Instant start) {
            this.start = start;
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
            return new FakePluginContext(this);
        }
    }

    // ---- what the test drives and reads ----

    /** The client as the test sees it: what was sent, and rooms and members to set up. */
    public RecordingMatrixClient recordingMatrix() {
        return matrix;
    }

    /** The clock, to move time. */
    public FakeClock fakeClock() {
        return clock;
    }

    /** The scheduler, to run due jobs. */
    public FakeScheduler fakeScheduler() {
        return scheduler;
    }

    /**
     * Plays one event as the runtime would: to the handlers whose type and filter match (the bot's
     * own events only to {@code onAnyIncludingOwn}), then, for a message, to the command router.
     *
     * @throws Exception what a handler threw (the remaining handlers are not called)
     */
    public void deliver(MatrixEvent event) throws Exception {
        boolean own = bot.equals(event.sender());
        List<Subscription> subs;
        synchronized (subscriptions) {
            subs = List.copyOf(subscriptions);
        }
        for (Subscription s : subs) {
            if ((own && !s.own()) || (s.type() != null && !s.type().equals(event.type())) || !s.filter().accepts(event)) {
                continue;
            }
            s.handler().handle(event);
        }
        if (!own && EventTypes.ROOM_MESSAGE.equals(event.type())) {
            router.onMessage(event);
        }
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
        synchronized (routes) {
            route = routes.get(request.method() + " " + path);
            if (route == null && "GET".equals(request.method())) {
                route = routes.entrySet().stream()
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

    /** Closes the store. */
    @Override
    public void close() {
        database.close();
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
        return matrix;
    }

    @Override
    public UserId botUserId() {
        return bot;
    }

    @Override
    public String serverName() {
        return serverName;
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
        return router.forInstance(instanceId);
    }

    @Override
    public Database database() {
        return database;
    }

    @Override
    public Scheduler scheduler() {
        return scheduler;
    }

    @Override
    public OkHttpClient http() {
        return http;
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
        return clock;
    }

    @Override
    public TextSettings texts() {
        return texts;
    }

    @Override
    public Logger log() {
        return log;
    }

    /** Shared within this context only (one context stands for one runtime). */
    @Override
    public <T> T shared(String key, Class<T> type, java.util.function.Supplier<? extends T> create) {
        Object value = shared.computeIfAbsent(key, k -> Objects.requireNonNull(create.get(), "create gave null"));
        if (!type.isInstance(value)) {
            throw new IllegalStateException("shared object " + key + " is a " + value.getClass().getName()
                    + ", not a " + type.getName());
        }
        return type.cast(value);
    }

    private void add(Subscription s) {
        synchronized (subscriptions) {
            subscriptions.add(s);
        }
    }

    private void register(String key, Route route) {
        synchronized (routes) {
            if (routes.putIfAbsent(key, route) != null) {
                throw new IllegalArgumentException("route already registered: " + key);
            }
        }
    }
}
