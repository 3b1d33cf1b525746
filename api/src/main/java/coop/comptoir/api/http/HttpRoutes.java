package coop.comptoir.api.http;

/**
 * HTTP routes a plugin instance serves on Comptoir's listener (the one the homeserver calls), for
 * webhooks from other services. Every path is mounted under
 * {@code /_comptoir/plugins/{instanceId}}: {@code post("/webhook", h)} of instance {@code forum}
 * answers {@code POST /_comptoir/plugins/forum/webhook}.
 *
 * <p>Register routes in {@code PluginFactory.create}; requests reach them once the listener is
 * open. The runtime checks nothing but the method, the path and the body size
 * ({@code appservice.max_body_bytes}): authenticating the caller is the handler's job.
 */
public interface HttpRoutes {
    /**
     * Serves {@code POST} on {@code path} (starting with {@code /}, without query; matched exactly).
     *
     * @throws IllegalArgumentException if the path is malformed or already registered by this instance
     */
    void post(String path, RouteHandler handler);

    /**
     * Serves {@code GET} on every path under {@code path}: {@code getUnder("/avatar", h)} answers
     * {@code GET …/avatar/x/y} (not {@code …/avatar} itself), with {@link RouteRequest#path()} the
     * whole mounted path. For files other services fetch (e.g. avatars shown on a remote network):
     * such routes are public, so a handler serves only what it can vouch for (a signed path).
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
         * Called on a worker thread with the whole body already read; may block. A throw is logged
         * (without the body) and answered with 500.
         */
        RouteResponse handle(RouteRequest request) throws Exception;
    }
}
