package coop.comptoir.bots.forum;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import coop.comptoir.api.http.Addresses;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * Reads Discourse's JSON API. Feeds are read with conditional requests ({@code If-None-Match},
 * {@code If-Modified-Since}): an unchanged feed costs a 304 and nothing else.
 *
 * <p>The API key goes to the forum's own address only, as a header, over https (or to this
 * machine), and never along a redirect: a request carrying it follows none, since a redirect could
 * lead it to another host or to plain http (OkHttp drops only {@code Authorization} there). Every
 * answer is read up to {@value #MAX_BYTES} bytes, counted after decompression, whatever its
 * {@code Content-Length} says. The key never appears in errors.
 */
final class DiscourseClient {
    /** Discourse did not answer, or answered an error. The message holds no credential. */
    static final class ForumUnavailable extends IOException {
        ForumUnavailable(String message) {
            super(message);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    static final long MAX_BYTES = 8L * 1024 * 1024;

    private final OkHttpClient open;
    private final OkHttpClient keyed;
    private final String base;
    private final String apiKey;
    private final String apiUsername;
    private final Map<String, String[]> validators = new ConcurrentHashMap<>();

    /**
     * @param base        the forum's address, without trailing slash
     * @param apiKey      sent as {@code Api-Key} to the forum; null or blank: none
     * @param apiUsername sent as {@code Api-Username} with the key; null: none (a single-user key)
     * @throws IllegalArgumentException if a key would go over plain http to another machine
     */
    DiscourseClient(OkHttpClient shared, String base, String apiKey, String apiUsername) {
        this.open = shared.newBuilder().callTimeout(Duration.ofSeconds(30)).build();
        this.keyed = open.newBuilder().followRedirects(false).followSslRedirects(false).build();
        this.base = base;
        this.apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey;
        this.apiUsername = apiUsername;
        if (this.apiKey != null && !keySafeTo(URI.create(base))) {
            throw new IllegalArgumentException("an API key is sent over https only (or to this machine): " + origin(base));
        }
    }

    /** The feed at {@code path}, or empty when it has not changed since the last read. */
    Optional<JsonNode> readFeed(String path) throws ForumUnavailable {
        Optional<byte[]> raw = readConditional(path, "application/json");
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(json(path, raw.get()));
        } catch (ForumUnavailable e) {
            forget(path); // the same broken answer must not become a quiet 304 next time
            throw e;
        }
    }

    /**
     * The bytes at {@code pathOrUrl} (a path on the forum, or a full address), or empty when unchanged
     * since the last read. The validators ({@code ETag}, {@code Last-Modified}) are kept per address.
     */
    Optional<byte[]> readConditional(String pathOrUrl, String accept) throws ForumUnavailable {
        Request.Builder b = request(pathOrUrl).header("Accept", accept);
        String[] v = validators.get(pathOrUrl);
        if (v != null) {
            if (v[0] != null) {
                b.header("If-None-Match", v[0]);
            }
            if (v[1] != null) {
                b.header("If-Modified-Since", v[1]);
            }
        }
        Request req = b.build();
        try (Response r = client(req).newCall(req).execute()) {
            if (r.code() == 304) {
                return Optional.empty();
            }
            byte[] body = bytes(pathOrUrl, r, req);
            String etag = r.header("ETag");
            String lastModified = r.header("Last-Modified");
            if (etag != null || lastModified != null) {
                validators.put(pathOrUrl, new String[] {etag, lastModified});
            }
            return Optional.of(body);
        } catch (ForumUnavailable e) {
            throw e;
        } catch (IOException e) {
            throw new ForumUnavailable(pathOrUrl + ": " + e.getClass().getSimpleName());
        }
    }

    /** Drops what {@link #readConditional} remembered of {@code pathOrUrl}: its next read is unconditional. */
    void forget(String pathOrUrl) {
        validators.remove(pathOrUrl);
    }

    /** One JSON document, e.g. {@code /t/12.json}. Blocks up to 30 s. */
    JsonNode get(String path) throws ForumUnavailable {
        return fetch(path, false).orElseThrow();
    }

    /**
     * One JSON document, or empty when the forum says it does not exist or may not be read by the
     * key's user (403, 404, 410). Blocks up to 30 s.
     */
    Optional<JsonNode> getIfVisible(String path) throws ForumUnavailable {
        return fetch(path, true);
    }

    private Optional<JsonNode> fetch(String path, boolean absentIsEmpty) throws ForumUnavailable {
        Request req = request(path).build();
        try (Response r = client(req).newCall(req).execute()) {
            if (absentIsEmpty && (r.code() == 403 || r.code() == 404 || r.code() == 410)) {
                return Optional.empty();
            }
            return Optional.of(json(path, bytes(path, r, req)));
        } catch (ForumUnavailable e) {
            throw e;
        } catch (IOException e) {
            throw new ForumUnavailable(path + ": " + e.getClass().getSimpleName());
        }
    }

    private Request.Builder request(String pathOrUrl) throws ForumUnavailable {
        boolean external = !pathOrUrl.startsWith("/");
        String url = external ? pathOrUrl : base + pathOrUrl;
        Request.Builder b;
        try {
            b = new Request.Builder().url(url).header("Accept", "application/json");
        } catch (IllegalArgumentException e) {
            throw new ForumUnavailable(pathOrUrl + ": not a valid address");
        }
        // The key goes to the forum only, never to another site's feed.
        boolean forum = !external || url.startsWith(base + "/");
        if (forum && apiKey != null) {
            b.header("Api-Key", apiKey);
            if (apiUsername != null) {
                b.header("Api-Username", apiUsername);
            }
        }
        return b;
    }

    private OkHttpClient client(Request req) {
        return req.header("Api-Key") != null ? keyed : open;
    }

    private static byte[] bytes(String path, Response r, Request req) throws IOException {
        if (r.isRedirect() && req.header("Api-Key") != null) {
            throw new ForumUnavailable(path + ": HTTP " + r.code() + " (a redirect, not followed with the API key: "
                    + "set url to the forum's final address)");
        }
        if (r.code() == 403 && req.header("Api-Key") != null && req.header("Api-Username") == null) {
            throw new ForumUnavailable(path + ": HTTP 403 (an \"all users\" API key needs api_username; "
                    + "a single-user key does not)");
        }
        if (!r.isSuccessful()) {
            throw new ForumUnavailable(path + ": HTTP " + r.code());
        }
        ResponseBody body = r.body();
        if (body.contentLength() > MAX_BYTES) {
            throw new ForumUnavailable(path + ": answer too large");
        }
        // Read with a cap: chunked or compressed answers announce no (true) length.
        try (var in = body.byteStream()) {
            byte[] data = in.readNBytes((int) MAX_BYTES + 1);
            if (data.length > MAX_BYTES) {
                throw new ForumUnavailable(path + ": answer too large");
            }
            return data;
        }
    }

    private static JsonNode json(String path, byte[] data) throws ForumUnavailable {
        try {
            return JSON.readTree(data);
        } catch (IOException e) {
            throw new ForumUnavailable(path + ": not JSON");
        }
    }

    /** Whether an API key may be sent to {@code u}: https, or http to this machine (no name is looked up). */
    static boolean keySafeTo(URI u) {
        return Addresses.credentialsSafeTo(u);
    }

    /** Whether OkHttp accepts {@code value} in a header (tab and printable ASCII); its error would quote the value. */
    static boolean headerSafe(String value) {
        return value.chars().allMatch(c -> c == '\t' || c >= 0x20 && c < 0x7f);
    }

    private static String origin(String url) {
        return Addresses.origin(url);
    }
}
