package coop.comptoir.bridge.engine;

import coop.comptoir.api.http.HttpRoutes;
import coop.comptoir.api.http.RouteRequest;
import coop.comptoir.api.http.RouteResponse;
import coop.comptoir.api.id.MxcUri;
import coop.comptoir.api.matrix.MatrixClient;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;

/**
 * Serves Matrix users' avatars to the remote network, which cannot read the homeserver's
 * authenticated media. A sender's avatar becomes
 * {@code {publicAddress}/_comptoir/plugins/{instance}/avatar/{signature}/{server}/{mediaId}}; the
 * signature (HMAC-SHA256 with a key made at start) means only avatars the bridge handed out are
 * served, so the route is no open proxy to the homeserver's media. Images are kept in a small
 * in-memory cache. The key changes at each start: the remote network then fetches the avatar again.
 */
final class AvatarProxy {
    static final String ROUTE = "/avatar";
    private static final int MAX_BYTES = 5 * 1024 * 1024;
    /** The cache keeps recent avatars up to this many bytes in all. */
    private static final long CACHE_BYTES = 16L * 1024 * 1024;

    private final Optional<URI> publicAddress;
    private final String mountedRoute;
    private final MatrixClient matrix;
    private final Logger log;
    private final byte[] key = new byte[32];
    /** Recently served avatars, least recently used first; guarded by itself. */
    private final LinkedHashMap<MxcUri, byte[]> cache = new LinkedHashMap<>(16, 0.75f, true);
    private long cachedBytes;

    AvatarProxy(Optional<URI> publicAddress, HttpRoutes routes, MatrixClient matrix, Logger log) {
        this.publicAddress = publicAddress;
        this.matrix = matrix;
        this.log = log;
        new SecureRandom().nextBytes(key);
        this.mountedRoute = routes.mountedPath(ROUTE);
        if (publicAddress.isPresent()) {
            routes.getUnder(ROUTE, this::serve);
        }
    }

    /** The public URL of an avatar, when a public address is configured. */
    Optional<URI> url(MxcUri avatar) {
        return publicAddress.map(base -> {
            String root = base.toString().replaceAll("/+$", "");
            return URI.create(root + mountedRoute + "/" + sign(avatar) + "/" + avatar.serverName() + "/" + avatar.mediaId());
        });
    }

    RouteResponse serve(RouteRequest request) {
        String rest = request.path().substring(Math.min(request.path().length(), mountedRoute.length() + 1));
        String[] parts = rest.split("/");
        if (parts.length != 3) {
            return RouteResponse.error(404, "No such avatar");
        }
        MxcUri mxc;
        try {
            mxc = new MxcUri(parts[1], parts[2]);
        } catch (IllegalArgumentException e) {
            return RouteResponse.error(404, "No such avatar");
        }
        if (!MessageDigest.isEqual(sign(mxc).getBytes(StandardCharsets.US_ASCII), parts[0].getBytes(StandardCharsets.US_ASCII))) {
            return RouteResponse.error(404, "No such avatar");
        }
        byte[] data;
        synchronized (cache) {
            data = cache.get(mxc);
        }
        if (data == null) {
            try {
                data = matrix.download(mxc);
            } catch (RuntimeException e) {
                log.debug("Avatar {} not downloaded: {}", mxc, e.getMessage());
                return RouteResponse.error(502, "Avatar not available");
            }
            if (data.length > MAX_BYTES) {
                return RouteResponse.error(404, "Avatar too large");
            }
            remember(mxc, data);
        }
        return RouteResponse.file(Ghosts.imageType(data), data);
    }

    private void remember(MxcUri mxc, byte[] data) {
        synchronized (cache) {
            byte[] old = cache.put(mxc, data);
            cachedBytes += data.length - (old == null ? 0 : old.length);
            var eldest = cache.entrySet().iterator();
            while (cachedBytes > CACHE_BYTES && eldest.hasNext()) {
                cachedBytes -= eldest.next().getValue().length;
                eldest.remove();
            }
        }
    }

    private String sign(MxcUri mxc) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] sig = mac.doFinal((mxc.serverName() + "/" + mxc.mediaId()).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(sig).substring(0, 32);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this Java runtime", e);
        }
    }

}
