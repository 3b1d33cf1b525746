package coop.comptoir.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import coop.comptoir.api.event.EventTypes;
import coop.comptoir.api.event.MatrixEvent;
import coop.comptoir.api.id.RoomAlias;
import coop.comptoir.api.id.UserId;
import coop.comptoir.api.matrix.MatrixException;
import coop.comptoir.api.plugin.Namespaces;
import coop.comptoir.api.plugin.Plugin;
import coop.comptoir.api.plugin.PluginConfig;
import coop.comptoir.api.plugin.PluginFactory;
import coop.comptoir.internal.appservice.AppserviceServer;
import coop.comptoir.internal.appservice.PluginRoutes;
import coop.comptoir.internal.appservice.TransactionBody;
import coop.comptoir.internal.appservice.TransactionJournal;
import coop.comptoir.internal.command.CommandRouterImpl;
import coop.comptoir.internal.config.ComptoirConfig;
import coop.comptoir.internal.config.PluginCatalog;
import coop.comptoir.internal.core.CorePlugin;
import coop.comptoir.internal.dispatch.Dispatcher;
import coop.comptoir.internal.dispatch.Retries;
import coop.comptoir.internal.encryption.Decryption;
import coop.comptoir.internal.encryption.EncryptedRooms;
import coop.comptoir.internal.matrix.HttpMatrixClient;
import coop.comptoir.internal.matrix.RetryPolicy;
import coop.comptoir.internal.metrics.Metrics;
import coop.comptoir.internal.schedule.QuartzService;
import coop.comptoir.internal.store.JdbcDatabase;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Comptoir: owns the HTTP server, the transaction journal, the dispatcher, the client,
 * the database, the scheduler and the plugin instances, and starts and stops them in order.
 *
 * <p>Start-up: database and journal first; transactions stored but not handled before a crash are
 * queued again before the listener opens (so they keep their order); then the listener; then, in the
 * background, the bot user is registered and the link with the homeserver is checked (its appservice
 * ping, or where it has none {@code whoami} and a first transaction: see {@link LinkCheck}). Once it
 * is, {@code /health} says ready (and how it was checked) and the plugins' {@code start()} run.
 *
 * <p>Back-pressure: when {@code appservice.max_pending_events} events wait to be handled, new
 * transactions are refused (503) until the handlers catch up. Handlers that ask for a retry keep
 * their transaction unhandled; its progress is saved so that a restart goes on where it stopped.
 */
public final class ComptoirRuntime implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ComptoirRuntime.class);
    /** Transactions still being handled after this long have their progress saved, for a restart. */
    private static final Duration PROGRESS_AFTER = Duration.ofSeconds(1);

    private record Instance(String id, Plugin plugin, List<Pattern> users, List<Pattern> aliases) {}

    private final ComptoirConfig config;
    private final Clock clock;
    /** What plugins get as {@code context.clock()}: the runtime's clock unless a test shifts it. */
    private final Clock pluginClock;
    private final Metrics metrics = new Metrics();
    private final ObjectMapper mapper = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    /** For the homeserver (and the encryption module, which talks to it only). */
    private final OkHttpClient http;
    /** For plugins: the same pool and dispatcher, with TLS, built at the first plugin's call. */
    private final PluginHttp pluginHttp;
    private final JdbcDatabase database;
    /** Scheduled snapshots of the SQLite file, or null when off. */
    private final coop.comptoir.internal.store.SqliteSnapshots snapshots;
    private final HttpMatrixClient matrix;
    private final ExecutorService workers;
    private final ScheduledExecutorService housekeeping;
    /** How often the homeserver is asked to retry while the database cannot be written. */
    private static final long NUDGE_EVERY_SECONDS = 5;
    private final Dispatcher dispatcher;
    private final TransactionJournal journal;
    /** {@code encryption.enabled}: decrypts encrypted room events before the dispatcher; null when off. */
    private final Decryption decryption;
    private final QuartzService quartz;
    private final CommandRouterImpl router;
    private final Map<String, Instance> instances = new LinkedHashMap<>();
    private final AppserviceServer server;
    /** Runs the plugins' route handlers: few threads, a bounded queue, apart from {@link #workers}. */
    private final ThreadPoolExecutor routeWorkers;
    private final PluginRoutes pluginRoutes;
    private final SharedObjects sharedObjects = new SharedObjects();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean ready;
    /** How the link with the homeserver was proven (see {@link LinkCheck}); null until ready. */
    private volatile LinkCheck.Method readiness;
    /** Counted down when the first transaction of this run is stored. */
    private final CountDownLatch firstTransaction = new CountDownLatch(1);
    private volatile boolean closing;

    /**
     * The client for the homeserver. A homeserver reached over plain HTTP (Synapse on the same
     * machine, the usual set-up) gets a client without TLS: building TLS loads the JDK's trust
     * store and about 250 classes that would stay in memory unused. Plugins get TLS
     * ({@link PluginHttp}).
     */
    static OkHttpClient homeserverClient(HttpUrl homeserver, OkHttpClient.Builder builder) {
        if (!homeserver.isHttps()) {
            builder.connectionSpecs(List.of(okhttp3.ConnectionSpec.CLEARTEXT));
        }
        return builder.build();
    }

    private ComptoirRuntime(ComptoirConfig config, PluginCatalog catalog, Clock clock, Clock pluginClock) throws Exception {
        this.config = config;
        this.clock = clock;
        this.pluginClock = pluginClock;
        ComptoirConfig.Appservice as = config.appservice();
        UserId bot = UserId.of(as.senderLocalpart(), config.homeserver().serverName());

        okhttp3.Dispatcher okDispatcher = new okhttp3.Dispatcher();
        okDispatcher.setMaxRequestsPerHost(64);
        okDispatcher.setMaxRequests(128);
        this.http = homeserverClient(HttpUrl.get(config.homeserver().url()), new OkHttpClient.Builder()
                .dispatcher(okDispatcher)
                .connectTimeout(Duration.ofSeconds(10))
                .readTimeout(Duration.ofSeconds(60))
                .writeTimeout(Duration.ofSeconds(60)));
        this.pluginHttp = new PluginHttp(http);
        StartupTrace.mark("HTTP client created");

        ComptoirConfig.Database dbc = config.database();
        this.database = JdbcDatabase.open(dbc.url(), dbc.user(), dbc.password(), dbc.sqliteSynchronous(), dbc.poolSize());
        StartupTrace.mark("database opened and migrated");
        this.matrix = new HttpMatrixClient(HttpUrl.get(config.homeserver().url()), as.asToken(), bot, http, mapper,
                RetryPolicy.defaults(), (method, endpoint, status, nanos) -> {
                    metrics.outgoingRequests.labelValues(method, endpoint, Integer.toString(status)).inc();
                    metrics.outgoingSeconds.labelValues(endpoint).observe(nanos / 1e9);
                });

        this.workers = Executors.newFixedThreadPool(8, named("comptoir-dispatch"));
        ComptoirConfig.PluginRoutes routeLimits = as.pluginRoutes();
        this.routeWorkers = PluginRoutes.executor(routeLimits.threads(), routeLimits.queue());
        this.pluginRoutes = new PluginRoutes(new PluginRoutes.Serving(routeWorkers, routeLimits.maxReceiving(),
                routeLimits.bodyTimeout()));
                // Two threads: becomeReady() holds one until the homeserver answers; the periodic tasks need the other.
        this.housekeeping = Executors.newScheduledThreadPool(2, named("comptoir-housekeeping"));
        TransactionJournal[] journalRef = new TransactionJournal[1];
        this.dispatcher = new Dispatcher(workers, metrics, bot, Retries.DEFAULT, as.maxPendingEvents(), new Dispatcher.Journal() {
            @Override
            public void batchDone(long seq) {
                journalRef[0].markHandled(seq);
            }

            @Override
            public void saveProgress(long seq, String progress) {
                journalRef[0].saveProgress(seq, progress);
            }
        });
        this.journal = new TransactionJournal(database, clock, stored -> {
            firstTransaction.countDown();
            StartupTrace.firstTransaction();
            stored.forEach(this::submit);
        });
        journalRef[0] = journal;

        StartupTrace.mark("dispatcher and journal created");
        this.quartz = QuartzService.create(database, config.scheduler());
        ComptoirConfig.Backup backup = config.backup();
        // on an SQLite file: on schedule when backup.every says so, and on demand (comptoir backup)
        this.snapshots = backup != null && backup.folder() != null && database.dialect() == coop.comptoir.api.store.Database.Dialect.SQLITE
                ? new coop.comptoir.internal.store.SqliteSnapshots(database, java.nio.file.Path.of(backup.folder()), backup.keep(), clock)
                : null;
        StartupTrace.mark("Quartz created");

        this.router = new CommandRouterImpl(config.commands().prefix(),
                config.commands().admins().stream().map(UserId::of).collect(Collectors.toSet()),
                config.commandTextSettings(), matrix, as.displayName());
        dispatcher.subscribe("commands", EventTypes.ROOM_MESSAGE, false, router::mightBeCommand, router::onMessage);
        this.decryption = config.encryption().enabled() ? new Decryption(matrix) : null;
        if (decryption != null) {
            matrix.encryptWith(decryption::encrypt);
        }
        if (decryption == null) { // with encryption on, "cannot read commands here" would be wrong
            new EncryptedRooms(database, matrix, this::isGhost, config.commandTextSettings(), config.commands().prefix(), clock)
                    .subscribe(dispatcher);
        }

        addInstance(CorePlugin.INSTANCE_ID, null, Namespaces.NONE, clock, ctx -> new CorePlugin(ctx));
        for (PluginCatalog.Instance i : catalog.instances(config)) {
            addInstance(i.id(), i.config(), i.namespaces(), pluginClock, i::create);
        }
        StartupTrace.mark("plugin instances created");

        this.server = new AppserviceServer(
                new AppserviceServer.Settings(as.bind(), as.port(), config.admin().bind(), config.admin().port(), as.maxBodyBytes())
                        .withPublicMetrics(config.admin().publicMetrics()),
                as.hsToken(), mapper, journal, new AppserviceServer.Queries() {
                    @Override
                    public boolean queryUser(UserId user) throws Exception {
                        return ComptoirRuntime.this.queryUser(user);
                    }

                    @Override
                    public boolean queryAlias(RoomAlias alias) throws Exception {
                        return ComptoirRuntime.this.queryAlias(alias);
                    }
                }, workers, metrics, () -> ready, dispatcher::handledCount, pluginRoutes, dispatcher::backlogFull);
        server.readinessCheck(this::readinessLabel);
        if (snapshots != null) {
            server.snapshotNow(() -> {
                java.nio.file.Path file = snapshots.take();
                metrics.backupLastSnapshot.set(clock.instant().getEpochSecond());
                return file.toString();
            });
        }
    }

    @FunctionalInterface
    private interface Creator {
        Plugin create(PluginContextImpl ctx) throws Exception;
    }

    private void addInstance(String id, PluginConfig pc, Namespaces ns, Clock instanceClock, Creator creator) throws Exception {
        PluginContextImpl ctx = new PluginContextImpl(id, pc, matrix, matrix.userId(), config.homeserver().serverName(),
                router.forInstance(id), database, quartz.forInstance(id), pluginHttp, instanceClock, PluginContextImpl.loggerFor(id),
                dispatcher, pluginRoutes.forInstance(id), sharedObjects, config.textSettings());
        Plugin plugin;
        try {
            plugin = creator.create(ctx);
        } catch (Exception e) {
            throw new IllegalStateException("plugin instance " + id + " could not be created: " + e.getMessage(), e);
        }
        instances.put(id, new Instance(id, plugin, compile(ns.users()), compile(ns.aliases())));
    }

    private static List<Pattern> compile(List<Namespaces.Entry> entries) {
        return entries.stream().map(e -> Pattern.compile(e.regex())).toList();
    }

    /** Starts a runtime; returns once the listener is open (readiness comes later, see {@link #isReady()}). */
    public static ComptoirRuntime start(ComptoirConfig config, List<? extends PluginFactory<?>> factories) throws Exception {
        return start(config, factories, Clock.systemUTC());
    }

    public static ComptoirRuntime start(ComptoirConfig config, List<? extends PluginFactory<?>> factories, Clock clock) throws Exception {
        return start(config, factories, clock, clock);
    }

    /**
     * Same, with another clock for the plugin instances ({@code context.clock()}): the end-to-end
     * tests shift it (see {@link coop.comptoir.internal.clock.OffsetFileClock}); the runtime itself,
     * the core commands and Quartz keep {@code clock} and the system time.
     */
    public static ComptoirRuntime start(ComptoirConfig config, List<? extends PluginFactory<?>> factories, Clock clock, Clock pluginClock)
            throws Exception {
        ComptoirRuntime rt = new ComptoirRuntime(config, new PluginCatalog(factories), clock, pluginClock);
        try {
            rt.startAll();
        } catch (Exception e) {
            rt.close();
            throw e;
        }
        return rt;
    }

    private void startAll() throws Exception {
        List<TransactionJournal.Stored> backlog = journal.unhandled();
        if (!backlog.isEmpty()) {
            log.info("Resuming {} transaction(s) stored before the last stop", backlog.size());
            backlog.forEach(this::submit);
        }
        journal.start();
        StartupTrace.mark("journal started");
        server.start();
        StartupTrace.mark("HTTP listeners up");
        quartz.start();
        StartupTrace.mark("Quartz started");
        housekeeping.execute(this::becomeReady);
        housekeeping.scheduleWithFixedDelay(this::prune, 1, 60, TimeUnit.MINUTES);
        housekeeping.scheduleWithFixedDelay(() -> dispatcher.saveProgress(PROGRESS_AFTER), 1, 1, TimeUnit.SECONDS);
        housekeeping.scheduleWithFixedDelay(this::nudgeWhileStoreFails, NUDGE_EVERY_SECONDS, NUDGE_EVERY_SECONDS,
                TimeUnit.SECONDS);
        if (snapshots != null && config.backup().enabled()) {
            snapshots.listener(new coop.comptoir.internal.store.SqliteSnapshots.Listener() {
                @Override
                public void written(java.time.Instant at) {
                    metrics.backupLastSnapshot.set(at.getEpochSecond());
                }

                @Override
                public void failed() {
                    metrics.backupFailures.inc();
                }
            });
            snapshots.start(config.backup().every());
        }
    }

    /**
     * While the journal cannot write (transactions refused with 503), asks the homeserver to try its
     * refused transaction again now, with the appservice ping: Synapse's retry loop doubles its wait
     * after each refusal (2 s … 512 s), so without this a database back after a 2-minute outage could
     * wait minutes more for the next try. A homeserver without the ping, or unreachable, is left to
     * its own schedule.
     */
    private void nudgeWhileStoreFails() {
        if (closing || !journal.failing()) {
            return;
        }
        try {
            matrix.ping(config.appservice().id(), null);
        } catch (RuntimeException e) {
            log.debug("Could not ask the homeserver to retry now: {}", e.toString());
        }
    }

    private void submit(TransactionJournal.Stored s) {
        @SuppressWarnings("unchecked")
        List<MatrixEvent> events = (List<MatrixEvent>) s.attachment();
        if (events == null) {
            events = TransactionBody.readStored(mapper, s.txnId(), s.body());
        }
        if (decryption != null) {
            events = decryption.decrypt(readTree(s.body()), events);
        }
        dispatcher.submit(s.seq(), events, s.progress());
    }

    /** What {@code /health} says about how readiness was checked; a late first transaction completes "whoami". */
    private String readinessLabel() {
        LinkCheck.Method m = readiness;
        if (m == LinkCheck.Method.WHOAMI && firstTransaction.getCount() == 0) {
            m = LinkCheck.Method.WHOAMI_AND_TRANSACTION;
        }
        return m == null ? null : m.label;
    }

    private com.fasterxml.jackson.databind.JsonNode readTree(byte[] body) {
        try {
            return body == null ? null : mapper.readTree(body);
        } catch (java.io.IOException e) {
            return null; // TransactionBody.readStored logs unreadable bodies
        }
    }

    /** {@code encryption.enabled}: the bot's device (once the homeserver answers); a failure leaves encrypted events as they are. */
    private void startEncryption() {
        if (decryption == null || decryption.isUp()) {
            return;
        }
        try {
            decryption.started(coop.comptoir.crypto.EndToEnd.start(database, http, HttpUrl.get(config.homeserver().url()),
                    config.appservice().asToken(), matrix.userId().value()));
        } catch (Exception e) {
            log.error("End-to-end encryption could not start: {}; encrypted rooms stay unread", e.getMessage());
            decryption.failed(e);
        }
    }

    /** Registers the bot, sets its name, and checks the link with the homeserver. Retries until it holds. */
    private void becomeReady() {
        ComptoirConfig.Appservice as = config.appservice();
        LinkCheck check = new LinkCheck(matrix, as.id(), firstTransaction,
                as.firstTransactionWait());
        long delay = 1_000;
        while (!closing) {
            try {
                matrix.ensureRegistered();
                if (as.displayName() != null && !as.displayName().isBlank()) {
                    matrix.setDisplayName(as.displayName());
                }
                startEncryption(); // before the link check: it may wait for a transaction, which may hold room keys
                readiness = check.run();
                StartupTrace.mark("link with the homeserver checked");
                break;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (MatrixException e) {
                String hint = switch (e.errcode()) {
                    case "M_CONNECTION_FAILED", "M_BAD_STATUS" -> "the homeserver cannot reach Comptoir at " + as.publicUrl()
                            + " (check appservice.public_url and the registration's url)";
                    case "M_FORBIDDEN", "M_UNKNOWN_TOKEN" -> "the homeserver does not know this appservice"
                            + " (is the registration file listed in app_service_config_files, and the homeserver restarted?)";
                    case MatrixException.NETWORK -> "the homeserver at " + config.homeserver().url() + " does not answer";
                    default -> "unexpected answer";
                };
                if (as.requirePing()) {
                    log.error("Start-up check failed: {}: {}", hint, e.getMessage());
                    stopped.countDown();
                    return;
                }
                log.warn("Not ready yet: {}: {}; retrying in {} s", hint, e.getMessage(), delay / 1000);
                sleep(delay);
                delay = Math.min(delay * 2, 60_000);
            } catch (RuntimeException e) {
                log.warn("Not ready yet: {}; retrying in {} s", e.toString(), delay / 1000);
                sleep(delay);
                delay = Math.min(delay * 2, 60_000);
            }
        }
        if (closing) {
            return;
        }
        ready = true;
        metrics.ready.set(1);
        for (Instance i : instances.values()) {
            try {
                i.plugin.start();
            } catch (Exception e) {
                log.error("Plugin instance {} failed to start; it stays off", i.id, e);
                dispatcher.unsubscribeAll(i.id);
                router.unregisterAll(i.id);
            }
        }
        StartupTrace.mark("plugin instances started");
        log.info("Comptoir is ready: {} plugin instance(s)", instances.size());
    }

    private void prune() {
        try {
            int n = journal.prune();
            if (n > 0) {
                log.info("Forgot {} old transaction ID(s)", n);
            }
        } catch (RuntimeException e) {
            log.warn("Pruning old transactions failed: {}", e.toString());
        }
    }

    private boolean queryUser(UserId user) throws Exception {
        Instance owner = owner(user.value(), Instance::users);
        return owner != null && owner.plugin.queryUser(user);
    }

    private boolean queryAlias(RoomAlias alias) throws Exception {
        Instance owner = owner(alias.value(), Instance::aliases);
        return owner != null && owner.plugin.queryAlias(alias);
    }

    /** Whether a plugin instance owns the user (a ghost of a bridge, …); read by event filters. */
    private boolean isGhost(UserId user) {
        return owner(user.value(), Instance::users) != null;
    }

    /** The first instance whose namespace (users or aliases) matches {@code id}, or null. */
    private Instance owner(String id, java.util.function.Function<Instance, List<Pattern>> namespace) {
        for (Instance i : instances.values()) {
            for (Pattern p : namespace.apply(i)) {
                if (p.matcher(id).matches()) {
                    return i;
                }
            }
        }
        return null;
    }

    public boolean isReady() {
        return ready;
    }

    /** The port the appservice listens on. */
    public int port() {
        return server.port();
    }

    public long handledEvents() {
        return dispatcher.handledCount();
    }

    /** Blocks until {@link #close()} ran (or start-up gave up with {@code require_ping}). */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    /** Stops in order: no new transactions, handlers finish what was stored, then plugins, scheduler, database. */
    @Override
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        log.info("Stopping Comptoir");
        server.close();
        routeWorkers.shutdown();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!dispatcher.settled() && System.nanoTime() < deadline) {
            sleep(20);
        }
        // What is left (events waiting for a retry, and those behind them) is replayed at the next
        // start, without what is done already.
        dispatcher.stop(Duration.ofSeconds(5));
        journal.close();
        if (snapshots != null) {
            snapshots.close();
        }
        for (Instance i : instances.values()) {
            try {
                i.plugin.close();
            } catch (Exception e) {
                log.warn("Plugin instance {} did not close cleanly: {}", i.id, e.toString());
            }
        }
        quartz.close();
        if (decryption != null) {
            decryption.close();
        }
        housekeeping.shutdownNow();
        workers.shutdown();
        database.close();
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
        stopped.countDown();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
