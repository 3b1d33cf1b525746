package coop.comptoir.e2e.rig;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * The one HTTP client and the JSON/YAML mappers of the rig. Derive a client with
 * {@code Http.CLIENT.newBuilder()} when a use needs other timeouts.
 */
public final class Http {
    public static final OkHttpClient CLIENT = new OkHttpClient.Builder()
            .connectTimeout(Duration.ofSeconds(5))
            .readTimeout(Duration.ofSeconds(30))
            .writeTimeout(Duration.ofSeconds(30))
            .retryOnConnectionFailure(false)
            .build();

    public static final MediaType JSON_TYPE = MediaType.get("application/json");
    public static final ObjectMapper JSON = new ObjectMapper();
    public static final YAMLMapper YAML = new YAMLMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

    private Http() {}

    /** An answer read whole: status, body text, and the body as JSON when it is JSON. */
    public record Answer(int status, String body, String contentType) {
        /** The body as JSON, or an empty object when it is not JSON. */
        public JsonNode json() {
            try {
                return body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
            } catch (IOException e) {
                return JSON.createObjectNode();
            }
        }

        /** The Matrix error code of the body, or "" when there is none. */
        public String errcode() {
            return json().path("errcode").asText("");
        }

        @Override
        public String toString() {
            return status + " " + (body.length() > 500 ? body.substring(0, 500) + "…" : body);
        }
    }

    /** Runs the request on {@link #CLIENT} and reads the whole answer; I/O errors are unchecked. */
    public static Answer call(Request request) {
        return call(CLIENT, request);
    }

    public static Answer call(OkHttpClient client, Request request) {
        try (Response response = client.newCall(request).execute()) {
            return new Answer(response.code(), response.body().string(), response.header("Content-Type", ""));
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.url() + " failed: " + e.getMessage(), e);
        }
    }

    /** A fresh empty JSON object. */
    public static ObjectNode object() {
        return JSON.createObjectNode();
    }
}
