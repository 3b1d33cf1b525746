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
        Request.Builder b = request(path);
        String[] v = validators.get(path);
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
            JsonNode body = body(path, r);
            String etag = r.header("ETag");
            String lastModified = r.header("Last-Modified");
            if (etag != null || lastModified != null) {
                validators.put(path, new String[] {etag, lastModified});
            }
            return Optional.of(body);
        } catch (ForumUnavailable e) {
            throw e;
        } catch (IOException e) {
            throw new ForumUnavailable(path + ": " + e.getClass().getSimpleName());
        }
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

    private Request.Builder request(String path) {
        Request.Builder b = new Request.Builder().url(base + path).header("Accept", "application/json");
        if (apiKey != null && !apiKey.isBlank()) {
            b.header("Api-Key", apiKey).header("Api-Username", apiUsername);
        }
        return b;
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
