package coop.comptoir.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * The client-server calls of the bot's device: login with the appservice token (which creates or
 * takes over the device), key upload. Blocking; throws {@link IOException} on a network failure or an error status
 * (the message holds the status and the Matrix error code, never a token).
 */
final class MatrixKeysHttp {
    private static final MediaType JSON = MediaType.get("application/json");
    private final OkHttpClient http;
    private final HttpUrl base;
    private final ObjectMapper mapper = new ObjectMapper();
    private volatile String token;

    MatrixKeysHttp(OkHttpClient http, HttpUrl base, String token) {
        this.http = http;
        this.base = base;
        this.token = token;
    }

    /** Logs the appservice's {@code localpart} in on {@code deviceId}; from then on calls use the device's token. */
    String login(String localpart, String deviceId, String displayName) throws IOException {
        ObjectNode body = mapper.createObjectNode();
        body.put("type", "m.login.application_service");
        body.putObject("identifier").put("type", "m.id.user").put("user", localpart);
        body.put("device_id", deviceId);
        body.put("initial_device_display_name", displayName);
        JsonNode r = call("POST", url("login"), body);
        token = r.path("access_token").asText();
        return r.path("device_id").asText(deviceId);
    }

    JsonNode post(String path, JsonNode body) throws IOException {
        return call("POST", url(path), body);
    }

    JsonNode put(String path, JsonNode body) throws IOException {
        return call("PUT", url(path), body);
    }

    private HttpUrl url(String path) {
        HttpUrl.Builder b = base.newBuilder().addPathSegments("_matrix/client/v3");
        for (String segment : path.split("/")) {
            b.addPathSegment(segment);
        }
        return b.build();
    }

    private JsonNode call(String method, HttpUrl url, JsonNode body) throws IOException {
        Request.Builder r = new Request.Builder().url(url).header("Authorization", "Bearer " + token);
        r.method(method, body == null ? null : RequestBody.create(mapper.writeValueAsBytes(body), JSON));
        try (Response response = http.newCall(r.build()).execute()) {
            String text = response.body().string();
            if (!response.isSuccessful()) {
                JsonNode err = text.isBlank() ? mapper.createObjectNode() : mapper.readTree(text);
                throw new IOException(method + " " + url.encodedPath() + " answered " + response.code() + " "
                        + err.path("errcode").asText("") + " " + err.path("error").asText(""));
            }
            return text.isBlank() ? mapper.createObjectNode() : mapper.readTree(text);
        }
    }
}
