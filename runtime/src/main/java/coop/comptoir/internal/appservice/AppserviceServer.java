package coop.comptoir.internal.appservice;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.ObjectMapper;
import coop.comptoir.api.event.MatrixEvent;
import coop.comptoir.api.http.RouteOptions;
import coop.comptoir.api.id.RoomAlias;
import coop.comptoir.api.id.UserId;
import coop.comptoir.internal.metrics.Metrics;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.io.Receiver;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RequestTooBigException;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.SameThreadExecutor;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.Options;

/**
 * The HTTP side the homeserver talks to ({@code /_matrix/app/v1/...}) and the plugins' routes
 * ({@code /_comptoir/plugins/...}, see {@link PluginRouteHandler}), plus {@code /health},
 * {@code /metrics} and the benchmark's {@code /count}. {@code /health} is on the appservice
 * listener; {@code /metrics} and {@code /count} show activity, so they are only on the admin
 * listener unless {@link Settings#publicMetrics()} asks for them there too.
 *
 * <p>The appservice listener is public (webhooks come through it), so it does not let a caller hold
 * it: headers must arrive within {@link Settings#headerTimeout()}, an idle connection is closed
 * after {@link Settings#idleTimeout()}, headers are capped at {@value #MAX_HEADER_BYTES} bytes, and a
 * body left unread (a refused request) is read and dropped only up to {@value #DRAIN_BYTES} bytes
 * (a chunked one not at all): past that the connection closes.
 *
 * <p>A transaction is parsed on the I/O thread, stored through the {@link TransactionJournal}, and
 * acknowledged once stored. A retried txnId is acknowledged without being handled again; the same
 * txnId with other events (a homeserver restored from a backup) is handled, and logged loudly (see
 * {@link TransactionBody} for what "other" means). The envelope must be right ({@code events} an
 * array, else 400 {@code M_BAD_JSON}); a single event that cannot be read is logged and skipped, so
 * one odd event never blocks the homeserver's queue. When too many events wait to be handled, a
 * transaction is refused with 503 {@code M_LIMIT_EXCEEDED} and {@code Retry-After}, not stored: the
 * homeserver keeps it and sends it again.
 */
public final class AppserviceServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AppserviceServer.class);
    private static final String PREFIX = "/_matrix/app/v1/";
    private static final HttpString PUT = new HttpString("PUT");
    private static final HttpString GET = new HttpString("GET");
    private static final HttpString POST = new HttpString("POST");
    private static final ByteBuffer EMPTY_OBJECT = ByteBuffer.wrap("{}".getBytes(StandardCharsets.UTF_8)).asReadOnlyBuffer();
    /** What a transaction refused because too many events wait is told: try again in this many seconds. */
    static final int BUSY_RETRY_SECONDS = 5;

    /** Answers the homeserver's user and alias queries (may block; runs on a worker thread). */
    public interface Queries {
        boolean queryUser(UserId user) throws Exception;

        boolean queryAlias(RoomAlias alias) throws Exception;
    }

    /** Largest request head (request line and headers) accepted. */
    static final int MAX_HEADER_BYTES = 64 * 1024;
    /**
     * A body left unread (the request was refused before its body was read) is read and dropped up
     * to this size after the answer, so that the client, still writing it, gets to read the answer;
     * larger, the connection closes. Transactions and plugin routes set their own limits.
     */
    static final long DRAIN_BYTES = 1024 * 1024;
    /** Largest ping body. */
    private static final int MAX_PING_BYTES = 64 * 1024;
    /** A connection with no byte moving either way for this long is closed, even during a request. */
    private static final Duration STALL_TIMEOUT = Duration.ofMinutes(5);

    /**
     * Settings of the listener(s).
     *
     * @param maxBodyBytes the largest transaction body
     * @param publicMetrics whether {@code /metrics} and {@code /count} are also served on the appservice listener
     * @param headerTimeout the time a request has to send its request line and headers
     * @param idleTimeout how long a connection may wait between requests before it is closed
     */
    public record Settings(String bind, int port, String adminBind, Integer adminPort, long maxBodyBytes,
                           boolean publicMetrics, Duration headerTimeout, Duration idleTimeout) {
        /** Headers within 10 s, idle connections closed after 5 minutes. */
        public static final Duration HEADER_TIMEOUT = Duration.ofSeconds(10);
        public static final Duration IDLE_TIMEOUT = Duration.ofMinutes(5);

        /** Metrics on the admin listener only, default timeouts. */
        public Settings(String bind, int port, String adminBind, Integer adminPort, long maxBodyBytes) {
            this(bind, port, adminBind, adminPort, maxBodyBytes, false, HEADER_TIMEOUT, IDLE_TIMEOUT);
        }

        public Settings withPublicMetrics(boolean on) {
            return new Settings(bind, port, adminBind, adminPort, maxBodyBytes, on, headerTimeout, idleTimeout);
        }

        public Settings withTimeouts(Duration headers, Duration idle) {
            return new Settings(bind, port, adminBind, adminPort, maxBodyBytes, publicMetrics, headers, idle);
        }
    }

    private final Settings settings;
    private final byte[] hsToken;
    private final ObjectMapper mapper;
    private final TransactionJournal journal;
    private final Queries queries;
    private final Executor blockingWork;
    private final Metrics metrics;
    private final BooleanSupplier ready;
    private final LongSupplier handledEvents;
    private final TxnGapGuard gapGuard;
    private final PluginRouteHandler routes;
    private final BooleanSupplier backlogFull;
    private volatile java.util.function.Supplier<String> readinessCheck = () -> null;
    private volatile java.util.function.Supplier<String> snapshotNow;
    private Undertow server;

    public AppserviceServer(Settings settings, String hsToken, ObjectMapper mapper, TransactionJournal journal,
                            Queries queries, Executor blockingWork, Metrics metrics, BooleanSupplier ready,
                            LongSupplier handledEvents) {
        this(settings, hsToken, mapper, journal, queries, blockingWork, metrics, ready, handledEvents, new PluginRoutes());
    }

    /** Also serves the plugins' routes ({@code /_comptoir/plugins/…}) on the main listener. */
    public AppserviceServer(Settings settings, String hsToken, ObjectMapper mapper, TransactionJournal journal,
                            Queries queries, Executor blockingWork, Metrics metrics, BooleanSupplier ready,
                            LongSupplier handledEvents, PluginRoutes routes) {
        this(settings, hsToken, mapper, journal, queries, blockingWork, metrics, ready, handledEvents, routes, () -> false);
    }

    /**
     * @param backlogFull whether too many events wait to be handled: a transaction is then refused
     *                    with 503 and {@code Retry-After}, without being stored, and the homeserver
     *                    sends it again later
     */
    public AppserviceServer(Settings settings, String hsToken, ObjectMapper mapper, TransactionJournal journal,
                            Queries queries, Executor blockingWork, Metrics metrics, BooleanSupplier ready,
                            LongSupplier handledEvents, PluginRoutes routes, BooleanSupplier backlogFull) {
        this.backlogFull = backlogFull;
        this.routes = new PluginRouteHandler(routes, metrics);
        this.settings = settings;
        this.hsToken = hsToken.getBytes(StandardCharsets.UTF_8);
        this.mapper = mapper;
        this.journal = journal;
        this.queries = queries;
        this.blockingWork = blockingWork;
        this.metrics = metrics;
        this.ready = ready;
        this.handledEvents = handledEvents;
        this.gapGuard = new TxnGapGuard(journal.recentTxnIds(2));
    }

    /**
     * How readiness was checked ({@code "ping"}, {@code "whoami+transaction"}, …), added to a ready
     * {@code /health} answer as {@code "check"}; the supplier may return null (nothing added).
     */
    public void readinessCheck(java.util.function.Supplier<String> check) {
        this.readinessCheck = check;
    }

    /**
     * Serves {@code POST /backup} on the admin listener (never on the appservice one), with the
     * hs_token as bearer, for {@code comptoir backup}: {@code snapshot} is called on a worker
     * thread (it may block for a while), returns the file written, and may throw.
     */
    public void snapshotNow(java.util.function.Supplier<String> snapshot) {
        this.snapshotNow = snapshot;
    }

    public void start() {
        boolean separateAdmin = settings.adminPort() != null;
        Undertow.Builder b = Undertow.builder()
                .setIoThreads(Math.max(2, Runtime.getRuntime().availableProcessors()))
                .setWorkerThreads(16)
                .setSocketOption(Options.TCP_NODELAY, true)
                .setServerOption(UndertowOptions.REQUEST_PARSE_TIMEOUT, millis(settings.headerTimeout()))
                .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, millis(settings.idleTimeout()))
                .setServerOption(UndertowOptions.IDLE_TIMEOUT, millis(STALL_TIMEOUT))
                .setServerOption(UndertowOptions.MAX_HEADER_SIZE, MAX_HEADER_BYTES)
                // Undertow counts chunked bodies against this server-wide value alone: it is only a
                // backstop above every limit the handlers set and check themselves
                .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, Math.max(settings.maxBodyBytes(),
                        RouteOptions.MAX_BODY_BYTES_CEILING) + DRAIN_BYTES)
                .addHttpListener(settings.port(), settings.bind(), this::handlePublic);
        if (separateAdmin) {
            String adminBind = settings.adminBind() == null ? settings.bind() : settings.adminBind();
            b.addHttpListener(settings.adminPort(), adminBind, this::handleAdmin);
        }
        server = b.build();
        server.start();
        String metricsWhere = separateAdmin ? "; /metrics on port " + settings.adminPort()
                + (settings.publicMetrics() ? " and on this one" : "")
                : settings.publicMetrics() ? "; /metrics on this port" : "; /metrics off (no admin.port)";
        log.info("Listening for the homeserver on {}:{}{}", settings.bind(), port(), metricsWhere);
    }

    /** The port actually bound (useful when configured as 0). */
    public int port() {
        return ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
    }

    /** The admin listener's port actually bound, or -1 when there is none. */
    public int adminPort() {
        var listeners = server.getListenerInfo();
        return listeners.size() < 2 ? -1 : ((InetSocketAddress) listeners.get(1).getAddress()).getPort();
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop();
        }
    }

    private static int millis(Duration d) {
        return (int) Math.min(Integer.MAX_VALUE, d.toMillis());
    }

    /** The appservice listener: Matrix and plugin paths, {@code /health}, and the metrics only if asked. */
    private void handlePublic(HttpServerExchange ex) {
        ex.setMaxEntitySize(DRAIN_BYTES);
        String path = ex.getRequestPath();
        if (path.startsWith("/_matrix/")) {
            handleMatrix(ex, path);
        } else if (path.startsWith(PluginRoutes.PREFIX)) {
            routes.handle(ex, path);
        } else if (path.equals("/health") || settings.publicMetrics() && isAdminPath(path)) {
            handleAdmin(ex);
        } else {
            error(ex, 404, "M_UNRECOGNIZED", "Unrecognized request");
        }
    }

    private static boolean isAdminPath(String path) {
        return path.equals("/health") || path.equals("/metrics") || path.equals("/count");
    }

    private void handleAdmin(HttpServerExchange ex) {
        ex.setMaxEntitySize(DRAIN_BYTES);
        String path = ex.getRequestPath();
        if (path.equals("/backup") && settings.adminPort() != null
                && ((InetSocketAddress) ex.getDestinationAddress()).getPort() == adminPort()) {
            backup(ex);
            return;
        }
        if (!ex.getRequestMethod().equals(GET)) {
            error(ex, isAdminPath(path) ? 405 : 404,
                    "M_UNRECOGNIZED", "Unrecognized request");
            return;
        }
        switch (path) {
            case "/health" -> {
                boolean ok = ready.getAsBoolean();
                String check = ok ? readinessCheck.get() : null;
                ex.setStatusCode(ok ? 200 : 503);
                String version = ",\"version\":\"" + quote(coop.comptoir.internal.cli.VersionProvider.version()) + "\"}";
                json(ex, !ok ? "{\"status\":\"starting\"" + version
                        : check == null ? "{\"status\":\"ready\"" + version
                        : "{\"status\":\"ready\",\"check\":\"" + quote(check) + "\"" + version);
            }
            case "/metrics" -> {
                ex.getResponseHeaders().put(Headers.CONTENT_TYPE, metrics.contentType());
                ex.getResponseSender().send(ByteBuffer.wrap(metrics.scrape()));
            }
            case "/count" -> json(ex, "{\"events\":" + handledEvents.getAsLong() + "}");
            default -> error(ex, 404, "M_UNRECOGNIZED", "Unrecognized request");
        }
    }

    private static String quote(String text) {
        return new String(JsonStringEncoder.getInstance().quoteAsString(text));
    }

    private void handleMatrix(HttpServerExchange ex, String path) {
        if (!path.startsWith(PREFIX)) {
            error(ex, 404, "M_UNRECOGNIZED", "Unrecognized request");
            return;
        }
        String rest = path.substring(PREFIX.length());
        int slash = rest.indexOf('/');
        String route = slash < 0 ? rest : rest.substring(0, slash);
        String param = slash < 0 ? null : rawParam(ex, route);
        HttpString method = ex.getRequestMethod();
        switch (route) {
            case "transactions" -> {
                if (param == null || param.isEmpty()) {
                    error(ex, 404, "M_UNRECOGNIZED", "Unrecognized request");
                } else if (!method.equals(PUT)) {
                    error(ex, 405, "M_UNRECOGNIZED", "Use PUT for transactions");
                } else if (authorized(ex)) {
                    transaction(ex, param);
                }
            }
            case "users", "rooms" -> {
                if (param == null || param.isEmpty()) {
                    error(ex, 404, "M_UNRECOGNIZED", "Unrecognized request");
                } else if (!method.equals(GET)) {
                    error(ex, 405, "M_UNRECOGNIZED", "Use GET for queries");
                } else if (authorized(ex)) {
                    query(ex, route, param);
                }
            }
            case "ping" -> {
                if (slash >= 0) {
                    error(ex, 404, "M_UNRECOGNIZED", "Unrecognized request");
                } else if (!method.equals(POST)) {
                    error(ex, 405, "M_UNRECOGNIZED", "Use POST for ping");
                } else if (authorized(ex)) {
                    ex.getRequestReceiver().setMaxBufferSize(MAX_PING_BYTES);
                    ex.getRequestReceiver().receiveFullBytes((e, body) -> json(e, "{}"),
                            (e, err) -> error(e, 400, "M_NOT_JSON", "Could not read the body"));
                }
            }
            default -> error(ex, 404, "M_UNRECOGNIZED", "Unrecognized request");
        }
    }

    /** The path parameter after {@code route/}, decoded from the raw URI (so encoded slashes stay inside). */
    private static String rawParam(HttpServerExchange ex, String route) {
        String raw = ex.getRequestURI();
        int at = raw.indexOf(PREFIX);
        String tail = at < 0 ? raw : raw.substring(at + PREFIX.length() + route.length());
        if (!tail.startsWith("/")) {
            return null;
        }
        tail = tail.substring(1);
        int q = tail.indexOf('?');
        if (q >= 0) {
            tail = tail.substring(0, q);
        }
        if (tail.indexOf('/') >= 0) {
            return null;
        }
        return URLDecoder.decode(tail.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** {@code POST /backup} on the admin listener: a snapshot now, its file in the answer. */
    private void backup(HttpServerExchange ex) {
        java.util.function.Supplier<String> snapshot = snapshotNow;
        if (!ex.getRequestMethod().equals(io.undertow.util.Methods.POST)) {
            error(ex, 405, "M_UNRECOGNIZED", "Use POST");
        } else if (snapshot == null) {
            error(ex, 404, "M_NOT_FOUND", "No snapshots here: the database is not an SQLite file");
        } else if (authorized(ex)) {
            ex.dispatch(blockingWork, () -> {
                try {
                    json(ex, "{\"snapshot\":\"" + quote(snapshot.get()) + "\"}");
                } catch (RuntimeException e) {
                    log.error("Backup: the snapshot asked for on the admin listener failed: {}", e.getMessage());
                    error(ex, 500, "M_UNKNOWN", "The snapshot failed: " + e.getMessage());
                }
            });
        }
    }

    /** Checks {@code Authorization: Bearer <hs_token>} in constant time. Answers the error itself. */
    private boolean authorized(HttpServerExchange ex) {
        String header = ex.getRequestHeaders().getFirst(Headers.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            metrics.transactions.labelValues("unauthorized").inc();
            error(ex, 401, "M_UNAUTHORIZED", "Missing access token");
            return false;
        }
        byte[] given = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(given, hsToken)) {
            metrics.transactions.labelValues("forbidden").inc();
            error(ex, 403, "M_FORBIDDEN", "Invalid access token");
            return false;
        }
        return true;
    }

    private void transaction(HttpServerExchange ex, String txnId) {
        long length = ex.getRequestContentLength();
        if (length > settings.maxBodyBytes()) {
            metrics.transactions.labelValues("too_large").inc();
            error(ex, 413, "M_TOO_LARGE", "Transaction body is larger than " + settings.maxBodyBytes() + " bytes");
            return;
        }
        if (backlogFull.getAsBoolean()) {
            // Refused before reading the body: the heap does not grow, nothing is stored.
            metrics.transactions.labelValues("busy").inc();
            log.warn("Too many events wait to be handled: transaction {} refused for now (503); the homeserver will send"
                    + " it again", txnId);
            ex.setStatusCode(503);
            ex.getResponseHeaders().put(Headers.RETRY_AFTER, Integer.toString(BUSY_RETRY_SECONDS));
            json(ex, "{\"errcode\":\"M_LIMIT_EXCEEDED\",\"error\":\"Too many events wait to be handled; please retry"
                    + " later\",\"retry_after_ms\":" + BUSY_RETRY_SECONDS * 1000 + "}");
            return;
        }
        ex.setMaxEntitySize(settings.maxBodyBytes());
        // a chunked body is counted by the receiver, not against the exchange's limit
        ex.getRequestReceiver().setMaxBufferSize((int) Math.min(Integer.MAX_VALUE, settings.maxBodyBytes()));
        long started = System.nanoTime();
        ex.getRequestReceiver().receiveFullBytes((e, body) -> {
            TransactionBody.Parsed parsed;
            try {
                parsed = TransactionBody.parse(mapper, txnId, body);
            } catch (TransactionBody.BadTransaction bad) {
                metrics.transactions.labelValues(bad.errcode().equals("M_NOT_JSON") ? "not_json" : "bad_json").inc();
                log.warn("Refused transaction {}: {}", txnId, bad.getMessage());
                error(e, 400, bad.errcode(), bad.getMessage());
                return;
            }
            List<MatrixEvent> events = parsed.events();
            if (!gapGuard.admit(txnId, () -> journal.isStored(txnId, parsed.fingerprint()))) {
                metrics.transactions.labelValues("gap").inc();
                error(e, 503, "M_UNKNOWN", "An earlier transaction is missing; please send it first");
                return;
            }
            e.dispatch(SameThreadExecutor.INSTANCE, () -> journal.append(txnId, parsed.fingerprint(), body, events).whenComplete((r, err) -> {
                if (err != null) {
                    metrics.transactions.labelValues("error").inc();
                    // The store is away (a database restart, a full disk): nothing was acknowledged, the
                    // homeserver sends it again later
                    error(e, 503, "M_UNKNOWN", "Could not store the transaction; please retry");
                    return;
                }
                metrics.commitSeconds.observe((System.nanoTime() - started) / 1e9);
                if (r.duplicate()) {
                    metrics.transactions.labelValues("duplicate").inc();
                    log.debug("Transaction {} was already stored; acknowledged again", txnId);
                } else {
                    metrics.transactions.labelValues(r.reusedId() ? "reused_id" : "ok").inc();
                    metrics.eventsReceived.inc(events.size());
                }
                json(e, "{}");
            }));
        }, (e, err) -> {
            if (isTooLarge(err)) {
                metrics.transactions.labelValues("too_large").inc();
                error(e, 413, "M_TOO_LARGE", "Transaction body is larger than " + settings.maxBodyBytes() + " bytes");
            } else {
                log.warn("Could not read transaction {}: {}", txnId, err.toString());
                error(e, 400, "M_NOT_JSON", "Could not read the body");
            }
        });
    }

    /** Whether a read failed because the body passed the limit (Undertow wraps the cause on some paths). */
    private static boolean isTooLarge(Throwable err) {
        for (Throwable t = err; t != null; t = t.getCause()) {
            if (t instanceof RequestTooBigException || t instanceof Receiver.RequestToLargeException) {
                return true;
            }
        }
        return false;
    }

    private void query(HttpServerExchange ex, String route, String param) {
        ex.dispatch(blockingWork, () -> {
            try {
                boolean exists = route.equals("users")
                        ? queries.queryUser(UserId.of(param))
                        : queries.queryAlias(RoomAlias.of(param));
                if (exists) {
                    json(ex, "{}");
                } else {
                    error(ex, 404, "M_NOT_FOUND", "Not found");
                }
            } catch (IllegalArgumentException e) {
                error(ex, 400, "M_INVALID_PARAM", e.getMessage());
            } catch (Exception e) {
                log.error("Query for {} failed", param, e);
                error(ex, 500, "M_UNKNOWN", "Query failed");
            }
        });
    }

    static void json(HttpServerExchange ex, String body) {
        ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        if ("{}".equals(body)) {
            ex.getResponseSender().send(EMPTY_OBJECT.duplicate());
        } else {
            ex.getResponseSender().send(body, StandardCharsets.UTF_8);
        }
    }

    /**
     * Answers a Matrix-style error. When a chunked body was left unread, the connection closes after
     * the answer rather than reading that body to its end.
     */
    static void error(HttpServerExchange ex, int status, String errcode, String message) {
        if (!ex.isRequestComplete() && ex.getRequestContentLength() < 0) {
            ex.setPersistent(false);
        }
        ex.setStatusCode(status);
        String escaped = new String(JsonStringEncoder.getInstance().quoteAsString(message));
        json(ex, "{\"errcode\":\"" + errcode + "\",\"error\":\"" + escaped + "\"}");
    }
}
