package coop.comptoir.internal.appservice;

import coop.comptoir.api.http.RouteRequest;
import coop.comptoir.api.http.RouteResponse;
import coop.comptoir.internal.metrics.Metrics;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.SameThreadExecutor;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the plugins' routes on the public listener, so that a caller who should not be there costs
 * almost nothing. In order, on the I/O thread:
 * <ol>
 *   <li>unknown path 404, wrong method 405;
 *   <li>the route's header checks: 401 before the body is read;
 *   <li>a declared length over the route's limit: 413 before the body is read;
 *   <li>route threads and queue full, or too many bodies being received: 503 with {@code Retry-After};
 *   <li>the body is received within the route's limit (413 as soon as it passes it, chunked too)
 *       and within the body timeout (408, connection closed), see {@link RouteBodyReader};
 *   <li>the handler runs on the route pool (503 if it filled up meanwhile).
 * </ol>
 * The Matrix side never waits for any of this: transactions are stored on the I/O threads and
 * their events handled on the dispatcher's own threads.
 */
final class PluginRouteHandler {
    private static final Logger log = LoggerFactory.getLogger(PluginRouteHandler.class);
    private static final HttpString GET = new HttpString("GET");
    private static final HttpString POST = new HttpString("POST");
    /** Seconds a refused caller is asked to wait. */
    static final String RETRY_AFTER_SECONDS = "5";

    private final PluginRoutes routes;
    private final PluginRoutes.Serving serving;
    private final Metrics metrics;
    private final AtomicInteger receiving = new AtomicInteger();

    PluginRouteHandler(PluginRoutes routes, Metrics metrics) {
        this.routes = routes;
        this.serving = routes.serving();
        this.metrics = metrics;
    }

    /** Handles a request under {@link PluginRoutes#PREFIX}; called on the I/O thread. */
    void handle(HttpServerExchange ex, String path) {
        if (!routes.knows(path)) {
            AppserviceServer.error(ex, 404, "M_UNRECOGNIZED", "Unrecognized request");
            return;
        }
        HttpString method = ex.getRequestMethod();
        Optional<PluginRoutes.Route> getter = method.equals(GET) ? routes.get(path) : Optional.empty();
        if (getter.isPresent()) {
            if (full()) {
                busy(ex);
                return;
            }
            run(ex, path, getter.get(), new RouteRequest("GET", path, headers(ex), new byte[0]));
            return;
        }
        PluginRoutes.Route route = routes.post(path).orElse(null);
        if (!method.equals(POST) || route == null) {
            AppserviceServer.error(ex, 405, "M_UNRECOGNIZED", route == null ? "Use GET" : "Use POST");
            return;
        }
        Map<String, List<String>> headers = headers(ex);
        Optional<String> refusal = route.options().refusal(headers);
        if (refusal.isPresent()) {
            count("refused");
            AppserviceServer.error(ex, 401, "M_UNAUTHORIZED", refusal.get());
            return;
        }
        long limit = route.options().maxBodyBytes();
        if (ex.getRequestContentLength() > limit) {
            tooLarge(ex, limit);
            return;
        }
        if (full()) {
            busy(ex);
            return;
        }
        if (receiving.incrementAndGet() > serving.maxReceiving()) {
            receiving.decrementAndGet();
            busy(ex);
            return;
        }
        receive(ex, path, route, headers, limit);
    }

    /** Whether the route pool has no room left: a request now would only be read to be refused. */
    private boolean full() {
        var pool = serving.executor();
        return pool.isShutdown() || pool.getQueue().remainingCapacity() == 0 && pool.getActiveCount() >= pool.getMaximumPoolSize();
    }

    /** Receives the body, one receiving slot held until it is whole, refused or cut off; then runs the handler. */
    private void receive(HttpServerExchange ex, String path, PluginRoutes.Route route, Map<String, List<String>> headers,
                         long limit) {
        AtomicBoolean released = new AtomicBoolean();
        Runnable release = () -> {
            if (released.compareAndSet(false, true)) {
                receiving.decrementAndGet();
            }
        };
        ex.addExchangeCompleteListener((e, next) -> {
            release.run();
            next.proceed();
        });
        RouteBodyReader.start(ex, limit, serving.bodyTimeout(), new RouteBodyReader.Outcome() {
            @Override
            public void received(HttpServerExchange e, byte[] body) {
                release.run();
                run(e, path, route, new RouteRequest("POST", path, headers, body));
            }

            @Override
            public byte[] tooLarge(HttpServerExchange e) {
                release.run();
                count("too_large");
                e.setStatusCode(413);
                e.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
                return ("{\"errcode\":\"M_TOO_LARGE\",\"error\":\"Body is larger than " + limit + " bytes\"}")
                        .getBytes(StandardCharsets.UTF_8);
            }

            @Override
            public void tooSlow(HttpServerExchange e) {
                release.run();
                count("too_slow");
                log.debug("The body of POST {} did not arrive within {}; connection closed", path, serving.bodyTimeout());
                e.setPersistent(false);
                AppserviceServer.error(e, 408, "M_UNKNOWN", "The body took too long to arrive");
            }

            @Override
            public void unreadable(HttpServerExchange e, java.io.IOException err) {
                release.run();
                count("unreadable");
                log.debug("Could not read the body of POST {}: {}", path, err.toString());
                e.setPersistent(false);
                AppserviceServer.error(e, 400, "M_UNKNOWN", "Could not read the body");
            }
        });
    }

    /** Hands the request to the route pool; 503 if it has no room. Called on the I/O thread. */
    private void run(HttpServerExchange ex, String path, PluginRoutes.Route route, RouteRequest request) {
        ex.dispatch(SameThreadExecutor.INSTANCE, () -> {
            try {
                serving.executor().execute(() -> answer(ex, path, route, request));
            } catch (RejectedExecutionException full) {
                busy(ex);
            }
        });
    }

    private void answer(HttpServerExchange ex, String path, PluginRoutes.Route route, RouteRequest request) {
        RouteResponse answer;
        try {
            answer = route.handler().handle(request);
            count("handled");
        } catch (Exception err) {
            log.error("Plugin route {} {} failed", request.method(), path, err);
            count("error");
            answer = RouteResponse.error(500, "Internal error");
        }
        ex.setStatusCode(answer.status());
        ex.getResponseHeaders().put(Headers.CONTENT_TYPE, answer.contentType());
        answer.headers().forEach(h -> ex.getResponseHeaders().add(new HttpString(h.getKey()), h.getValue()));
        ex.getResponseSender().send(ByteBuffer.wrap(answer.body()));
    }

    private void busy(HttpServerExchange ex) {
        count("busy");
        ex.getResponseHeaders().put(Headers.RETRY_AFTER, RETRY_AFTER_SECONDS);
        AppserviceServer.error(ex, 503, "M_LIMIT_EXCEEDED", "Too many requests at once; retry later");
    }

    /**
     * A declared length over the limit, refused before the body is read. As for a body found too
     * large while reading it, no more than {@link AppserviceServer#DRAIN_BYTES} past the limit is
     * read (and dropped) so that the client, still writing, gets the answer; larger, the connection
     * closes.
     */
    private void tooLarge(HttpServerExchange ex, long limit) {
        count("too_large");
        ex.setMaxEntitySize(limit + AppserviceServer.DRAIN_BYTES);
        AppserviceServer.error(ex, 413, "M_TOO_LARGE", "Body is larger than " + limit + " bytes");
    }

    private void count(String result) {
        metrics.pluginRouteRequests.labelValues(result).inc();
    }

    private static Map<String, List<String>> headers(HttpServerExchange ex) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        ex.getRequestHeaders().forEach(h -> headers.put(h.getHeaderName().toString().toLowerCase(Locale.ROOT), List.copyOf(h)));
        return headers;
    }
}
