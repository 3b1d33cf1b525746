package coop.comptoir.internal.appservice;

import coop.comptoir.api.http.HttpRoutes;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The routes plugin instances registered, by mounted path ({@code /_comptoir/plugins/{id}/…}). */
public final class PluginRoutes {
    public static final String PREFIX = "/_comptoir/plugins/";

    private final Map<String, HttpRoutes.RouteHandler> posts = new ConcurrentHashMap<>();
    /** GET routes by mounted prefix (ending with {@code /}). */
    private final Map<String, HttpRoutes.RouteHandler> gets = new ConcurrentHashMap<>();

    /** The routes of one instance. */
    public HttpRoutes forInstance(String instanceId) {
        if (!instanceId.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("instance ID cannot be used in a path: " + instanceId);
        }
        return new HttpRoutes() {
            @Override
            public void post(String path, RouteHandler handler) {
                String mounted = mountedPath(path);
                if (posts.putIfAbsent(mounted, handler) != null) {
                    throw new IllegalArgumentException("route already registered: POST " + mounted);
                }
            }

            @Override
            public void getUnder(String path, RouteHandler handler) {
                String mounted = mountedPath(path) + "/";
                if (gets.putIfAbsent(mounted, handler) != null) {
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

    Optional<HttpRoutes.RouteHandler> post(String mountedPath) {
        return Optional.ofNullable(posts.get(mountedPath));
    }

    /** The GET handler whose prefix holds the path (longest prefix first), if any. */
    Optional<HttpRoutes.RouteHandler> get(String mountedPath) {
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
