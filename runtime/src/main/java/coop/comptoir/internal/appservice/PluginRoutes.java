package coop.comptoir.internal.appservice;

import coop.comptoir.api.http.HttpRoutes;
import coop.comptoir.api.http.RouteOptions;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The routes plugin instances registered, by mounted path ({@code /_comptoir/plugins/{id}/…}), and
 * how they are served: the bounded pool their handlers run on (apart from the threads that deliver
 * Matrix events), how many bodies may be received at once, and how long a body may take to arrive.
 */
public final class PluginRoutes {
    public static final String PREFIX = "/_comptoir/plugins/";

    /** A registered route. */
    record Route(RouteOptions options, HttpRoutes.RouteHandler handler) {}

    /**
     * How routes are served.
     *
     * @param executor runs the handlers; when it refuses a task (queue full) the request gets 503
     * @param maxReceiving requests whose body is being received at once; more get 503 at once
     * @param bodyTimeout the time a request has to send its whole body once its headers are in
     */
    public record Serving(ThreadPoolExecutor executor, int maxReceiving, Duration bodyTimeout) {
        public Serving {
            if (maxReceiving < 1 || bodyTimeout.isNegative() || bodyTimeout.isZero()) {
                throw new IllegalArgumentException("maxReceiving must be positive and bodyTimeout longer than zero");
            }
        }
    }

    private final Map<String, Route> posts = new ConcurrentHashMap<>();
    /** GET routes by mounted prefix (ending with {@code /}). */
    private final Map<String, Route> gets = new ConcurrentHashMap<>();
    private final Serving serving;

    /** Routes served by a small pool of their own: 2 threads, 8 waiting, 8 bodies at once, 10 s per body. */
    public PluginRoutes() {
        this(new Serving(executor(2, 8), 8, Duration.ofSeconds(10)));
    }

    public PluginRoutes(Serving serving) {
        this.serving = serving;
    }

    /**
     * A pool of {@code threads} daemon threads (named {@code comptoir-routes-N}, ended when idle)
     * with room for {@code queue} waiting tasks; it refuses more ({@code RejectedExecutionException}).
     */
    public static ThreadPoolExecutor executor(int threads, int queue) {
        BlockingQueue<Runnable> waiting = queue == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(queue);
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, waiting, r -> {
            Thread t = new Thread(r, "comptoir-routes-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.AbortPolicy());
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    Serving serving() {
        return serving;
    }

    /** The routes of one instance. */
    public HttpRoutes forInstance(String instanceId) {
        if (!instanceId.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("instance ID cannot be used in a path: " + instanceId);
        }
        return new HttpRoutes() {
            @Override
            public void post(String path, RouteOptions options, RouteHandler handler) {
                String mounted = mountedPath(path);
                Route route = new Route(java.util.Objects.requireNonNull(options, "options"),
                        java.util.Objects.requireNonNull(handler, "handler"));
                if (posts.putIfAbsent(mounted, route) != null) {
                    throw new IllegalArgumentException("route already registered: POST " + mounted);
                }
            }

            @Override
            public void getUnder(String path, RouteHandler handler) {
                String mounted = mountedPath(path) + "/";
                Route route = new Route(RouteOptions.defaults(), java.util.Objects.requireNonNull(handler, "handler"));
                if (gets.putIfAbsent(mounted, route) != null) {
                    throw new IllegalArgumentException("route already registered: GET " + mounted);
                }
            }

            @Override
            public String mountedPath(String path) {
                if (path == null || !path.matches("(/[A-Za-z0-9._~-]+)+")) {
                    throw new IllegalArgumentException("route path must look like /a/b (letters, digits, . _ ~ -): " + path);
                }
                return PREFIX + instanceId + path;
            }
        };
    }

    Optional<Route> post(String mountedPath) {
        return Optional.ofNullable(posts.get(mountedPath));
    }

    /** The GET route whose prefix holds the path (longest prefix first), if any. */
    Optional<Route> get(String mountedPath) {
        String best = null;
        for (String prefix : gets.keySet()) {
            if (mountedPath.startsWith(prefix) && mountedPath.length() > prefix.length()
                    && (best == null || prefix.length() > best.length())) {
                best = prefix;
            }
        }
        return best == null ? Optional.empty() : Optional.of(gets.get(best));
    }

    /** True if some route (any method) is mounted at the path. */
    boolean knows(String mountedPath) {
        return posts.containsKey(mountedPath) || get(mountedPath).isPresent();
    }
}
