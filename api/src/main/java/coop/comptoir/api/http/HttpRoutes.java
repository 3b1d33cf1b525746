package coop.comptoir.api.http;

/**
 * HTTP routes a plugin instance serves on Comptoir's listener (the one the homeserver calls), for
 * webhooks from other services. Every path is mounted under
 * {@code /_comptoir/plugins/{instanceId}}: {@code post("/webhook", h)} of instance {@code forum}
 * answers {@code POST /_comptoir/plugins/forum/webhook}.
 *
 * <p>These routes are public: anyone who reaches the listener may call them. The runtime keeps a
 * hostile caller cheap: it checks the method, the path, the headers a route requires (before the
 * body is read, see {@link RouteOptions}) and the route's body limit (1 MiB unless the route says
 * otherwise); it reads a bounded number of bodies at once and cuts off the ones that come too
 * slowly; handlers run on a small pool of their own, apart from the threads that deliver Matrix
 * events, and a request that finds it full is answered {@code 503} with {@code Retry-After}.
 * Authenticating the caller (checking a signature over the body) stays the handler's job.
 *
 * <p>Register routes in {@code PluginFactory.create}; requests reach them once the listener is open.
 */
public interface HttpRoutes {
    /**
     * Serves {@code POST} on {@code path} (starting with {@code /}, without query; matched exactly),
     * with the checks of {@code options}.
     *
     * @throws IllegalArgumentException if the path is malformed or already registered by this instance
     */
    void post(String path, RouteOptions options, RouteHandler handler);

    /**
     * Serves {@code POST} on {@code path} with {@link RouteOptions#defaults()}: bodies up to 1 MiB,
     * no header required before the body is read. Prefer {@link #post(String, RouteOptions, RouteHandler)}
     * with a required header when callers sign their requests.
     *
     * @throws IllegalArgumentException if the path is malformed or already registered by this instance
     */
    default void post(String path, RouteHandler handler) {
        post(path, RouteOptions.defaults(), handler);
    }

    /**
     * Serves {@code GET} on every path under {@code path}: {@code getUnder("/avatar", h)} answers
     * {@code GET …/avatar/x/y} (not {@code …/avatar} itself), with {@link RouteRequest#path()} the
     * whole mounted path. For files other services fetch (e.g. avatars shown on a remote network):
     * such routes are public, so a handler serves only what it can vouch for (a signed path). The
     * body of a {@code GET} is never read.
     *
     * @throws IllegalArgumentException if the path is malformed or already registered by this instance
     */
    void getUnder(String path, RouteHandler handler);

    /** The path the outside world calls for {@code path}, e.g. {@code /_comptoir/plugins/forum/webhook}. */
    String mountedPath(String path);

    /** Handles one request. */
    @FunctionalInterface
    interface RouteHandler {
        /**
         * Called on one of the route threads with the whole body already read (within the route's
         * limit); may block, but every second it blocks holds one of the few route threads. A throw
         * is logged (without the body) and answered with 500.
         */
        RouteResponse handle(RouteRequest request) throws Exception;
    }
}
