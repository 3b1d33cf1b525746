package coop.comptoir.bridge.engine;

import coop.comptoir.api.http.HttpRoutes;
import coop.comptoir.api.http.RouteRequest;
import coop.comptoir.api.http.RouteResponse;
import coop.comptoir.api.id.MxcUri;
import coop.comptoir.api.matrix.MatrixClient;
import coop.comptoir.api.matrix.MatrixException;
import coop.comptoir.api.matrix.MediaTooLargeException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;

/**
 * Serves Matrix users' avatars to the remote network, which cannot read the homeserver's
 * authenticated media. A sender's avatar becomes
 * {@code {publicAddress}/_comptoir/plugins/{instance}/avatar/{signature}/{server}/{mediaId}}; the
 * signature (HMAC-SHA256 with a key made at start) means only avatars the bridge handed out are
 * served, so the route is no open proxy to the homeserver's media. The key changes at each start:
 * the remote network then fetches the avatar again.
 *
 * <p>Only images (PNG, JPEG, GIF, WebP) of at most {@link #MAX_BYTES} are served. The download
 * stops as soon as a file proves larger, and a file refused (too large, not an image, gone) is
 * remembered, so asking for it again costs the homeserver nothing. Served images are kept in a
 * cache bounded in entries and bytes; requests for one avatar at the same time share one download.
 */
final class AvatarProxy {
    static final String ROUTE = "/avatar";
    static final int MAX_BYTES = 5 * 1024 * 1024;
    /** The cache keeps recent avatars up to this many bytes in all. */
    static final long CACHE_BYTES = 16L * 1024 * 1024;
    /** … and up to this many avatars. */
    static final int CACHE_ENTRIES = 512;
    /** How many refused avatars are remembered (most recent first). */
    static final int REFUSED_ENTRIES = 1024;

    private record Image(String type, byte[] data) {}

    /** Stands for an avatar that is not served. */
    private static final Image REFUSED = new Image("", new byte[0]);

    private final Optional<URI> publicAddress;
    private final String mountedRoute;
    private final MatrixClient matrix;
    private final Logger log;
    private final byte[] key = new byte[32];
    /** Recently served avatars, least recently used first; guarded by itself. */
    private final LinkedHashMap<MxcUri, Image> cache = new LinkedHashMap<>(16, 0.75f, true);
    private long cachedBytes;
    /** Avatars that will not be served, least recently asked first; guarded by {@link #cache}. */
    private final LinkedHashMap<MxcUri, Boolean> refused = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<MxcUri, Boolean> eldest) {
            return size() > REFUSED_ENTRIES;
        }
    };
    /** Downloads under way: whoever asks for the same avatar meanwhile waits for it. */
    private final Map<MxcUri, CompletableFuture<Image>> downloads = new ConcurrentHashMap<>();

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

    /** Answers one request; blocks while the avatar is downloaded. Never throws. */
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
        Image image;
        try {
            image = image(mxc);
        } catch (RuntimeException e) {
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            log.debug("Avatar {} not downloaded: {}", mxc, cause.getMessage());
            return RouteResponse.error(502, "Avatar not available");
        }
        return image == REFUSED ? RouteResponse.error(404, "Avatar not available") : RouteResponse.file(image.type(), image.data());
    }

    /**
     * The avatar from the cache, else downloaded (once for all who ask at the same time);
     * {@link #REFUSED} when it is not served.
     *
     * @throws RuntimeException when the homeserver cannot be asked now (nothing is remembered)
     */
    private Image image(MxcUri mxc) {
        Image known = known(mxc);
        if (known != null) {
            return known;
        }
        CompletableFuture<Image> mine = new CompletableFuture<>();
        CompletableFuture<Image> running = downloads.putIfAbsent(mxc, mine);
        if (running != null) {
            return running.join();
        }
        try {
            known = known(mxc); // a download may have ended between the first look and now
            Image result = known != null ? known : download(mxc);
            mine.complete(result);
            return result;
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            downloads.remove(mxc, mine);
        }
    }

    /** The cached image, {@link #REFUSED}, or null when the avatar must be downloaded. */
    private Image known(MxcUri mxc) {
        synchronized (cache) {
            Image hit = cache.get(mxc);
            if (hit != null) {
                return hit;
            }
            return refused.containsKey(mxc) ? REFUSED : null;
        }
    }

    /** Downloads and remembers the avatar; a failure that may pass (homeserver unreachable) is thrown and not remembered. */
    private Image download(MxcUri mxc) {
        byte[] data;
        try {
            data = matrix.download(mxc, MAX_BYTES);
        } catch (MediaTooLargeException e) {
            log.debug("Avatar {} refused: larger than {} bytes", mxc, MAX_BYTES);
            return refuse(mxc);
        } catch (MatrixException e) {
            if (e.isTransient()) {
                throw e;
            }
            log.debug("Avatar {} refused: {}", mxc, e.getMessage());
            return refuse(mxc);
        }
        String type = Ghosts.imageType(data);
        if (!type.startsWith("image/")) {
            log.debug("Avatar {} refused: not a PNG, JPEG, GIF or WebP image", mxc);
            return refuse(mxc);
        }
        Image image = new Image(type, data);
        remember(mxc, image);
        return image;
    }

    private Image refuse(MxcUri mxc) {
        synchronized (cache) {
            refused.put(mxc, Boolean.TRUE);
        }
        return REFUSED;
    }

    private void remember(MxcUri mxc, Image image) {
        synchronized (cache) {
            Image old = cache.put(mxc, image);
            cachedBytes += image.data().length - (old == null ? 0 : old.data().length);
            var eldest = cache.entrySet().iterator();
            while ((cachedBytes > CACHE_BYTES || cache.size() > CACHE_ENTRIES) && eldest.hasNext()) {
                cachedBytes -= eldest.next().getValue().data().length;
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
