package coop.comptoir.bots.forum;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
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
 * {@code If-Modified-Since}): an unchanged feed costs a 304 and nothing else. The API key is sent
 * as a header and never appears in errors.
 */
final class DiscourseClient {
    /** Discourse did not answer, or answered an error. The message holds no credential. */
    static final class ForumUnavailable extends IOException {
        ForumUnavailable(String message) {
            super(message);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_BYTES = 8L * 1024 * 1024;

    private final OkHttpClient http;
    private final String base;
    private final String apiKey;
    private final String apiUsername;
    private final Map<String, String[]> validators = new ConcurrentHashMap<>();

    DiscourseClient(OkHttpClient shared, String base, String apiKey, String apiUsername) {
        this.http = shared.newBuilder().callTimeout(Duration.ofSeconds(30)).build();
        this.base = base;
        this.apiKey = apiKey;
        this.apiUsername = apiUsername;
    }

    /** The feed at {@code path}, or empty when it has not changed since the last read. */
    Optional<JsonNode> readFeed(String path) throws ForumUnavailable {
        Optional<byte[]> raw = readConditional(path, "application/json");
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readTree(raw.get()));
        } catch (IOException e) {
            throw new ForumUnavailable(path + ": not JSON");
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
        try (Response r = http.newCall(b.build()).execute()) {
            if (r.code() == 304) {
                return Optional.empty();
            }
            byte[] body = bytes(pathOrUrl, r);
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

    /** One JSON document, e.g. {@code /t/12.json}. */
    JsonNode get(String path) throws ForumUnavailable {
        try (Response r = http.newCall(request(path).build()).execute()) {
            return body(path, r);
        } catch (ForumUnavailable e) {
            throw e;
        } catch (IOException e) {
            throw new ForumUnavailable(path + ": " + e.getClass().getSimpleName());
        }
    }

    private Request.Builder request(String pathOrUrl) {
        boolean external = !pathOrUrl.startsWith("/");
        String url = external ? pathOrUrl : base + pathOrUrl;
        Request.Builder b = new Request.Builder().url(url).header("Accept", "application/json");
        // The key goes to the forum only, never to another site's feed.
        boolean forum = !external || url.startsWith(base + "/");
        if (forum && apiKey != null && !apiKey.isBlank()) {
            b.header("Api-Key", apiKey).header("Api-Username", apiUsername);
        }
        return b;
    }

    private static byte[] bytes(String path, Response r) throws IOException {
        if (!r.isSuccessful()) {
            throw new ForumUnavailable(path + ": HTTP " + r.code());
        }
        ResponseBody body = r.body();
        if (body.contentLength() > MAX_BYTES) {
            throw new ForumUnavailable(path + ": answer too large");
        }
        try (var in = body.byteStream()) {
            byte[] data = in.readNBytes((int) MAX_BYTES + 1);
            if (data.length > MAX_BYTES) {
                throw new ForumUnavailable(path + ": answer too large");
            }
            return data;
        }
    }

    private static JsonNode body(String path, Response r) throws IOException {
        if (!r.isSuccessful()) {
            throw new ForumUnavailable(path + ": HTTP " + r.code());
        }
        ResponseBody body = r.body();
        if (body.contentLength() > MAX_BYTES) {
            throw new ForumUnavailable(path + ": answer too large");
        }
        try {
            return JSON.readTree(body.byteStream());
        } catch (IOException e) {
            throw new ForumUnavailable(path + ": not JSON");
        }
    }
}
