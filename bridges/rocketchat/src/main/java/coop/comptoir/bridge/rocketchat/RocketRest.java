package coop.comptoir.bridge.rocketchat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import coop.comptoir.bridge.api.BridgeException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.MultipartBody;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * Rocket.Chat's REST API with the bot's personal access token ({@code X-Auth-Token} +
 * {@code X-User-Id}). Every call may block; failures come as {@link Failure}, which never holds the token.
 */
final class RocketRest {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final MediaType JSON_TYPE = MediaType.get("application/json; charset=utf-8");

    private final OkHttpClient http;
    private final String server;
    private final String userId;
    private final String token;

    /** A refused or failed call. {@code status} 0 when the server could not be reached. */
    static final class Failure extends Exception {
        final int status;
        final String errorType;
        final Duration retryAfter;

        Failure(int status, String errorType, String message, Duration retryAfter, Throwable cause) {
            super(message, cause);
            this.status = status;
            this.errorType = errorType == null ? "" : errorType;
            this.retryAfter = retryAfter;
        }

        boolean retryable() {
            return status == 0 || status == 429 || status >= 500;
        }

        BridgeException toBridge() {
            return retryable() ? BridgeException.retryable(getMessage(), retryAfter, this)
                    : BridgeException.permanent(getMessage(), this);
        }
    }

    RocketRest(OkHttpClient http, String server, String userId, String token) {
        this.http = http;
        this.server = server;
        this.userId = userId;
        this.token = token;
    }

    String server() {
        return server;
    }

    JsonNode get(String path, String... query) throws Failure {
        HttpUrl.Builder url = HttpUrl.get(server + path).newBuilder();
        for (int i = 0; i + 1 < query.length; i += 2) {
            url.addQueryParameter(query[i], query[i + 1]);
        }
        return call(authed(new Request.Builder().url(url.build())).get().build());
    }

    JsonNode post(String path, JsonNode body) throws Failure {
        return call(authed(new Request.Builder().url(server + path)).post(RequestBody.create(body.toString(), JSON_TYPE)).build());
    }

    JsonNode upload(String path, String fileName, String contentType, byte[] data) throws Failure {
        MultipartBody body = new MultipartBody.Builder().setType(MultipartBody.FORM)
                .addFormDataPart("file", fileName, RequestBody.create(data, MediaType.parse(contentType))).build();
        return call(authed(new Request.Builder().url(server + path)).post(body).build());
    }

    /**
     * Downloads a file of this server, at most {@code maxBytes}. The token is only sent to this
     * server's own address.
     */
    byte[] download(URI url, long maxBytes) throws Failure, BridgeException {
        Request.Builder b = new Request.Builder().url(url.toString());
        if (url.toString().startsWith(server + "/")) {
            authed(b);
        }
        try (Response r = http.newCall(b.build()).execute()) {
            if (!r.isSuccessful()) {
                throw failure(r, "");
            }
            long declared = r.body().contentLength();
            if (declared > maxBytes) {
                throw BridgeException.permanent("file too large (" + declared + " bytes)", null);
            }
            try (InputStream in = r.body().byteStream()) {
                byte[] data = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
                if (data.length > maxBytes) {
                    throw BridgeException.permanent("file too large (over " + maxBytes + " bytes)", null);
                }
                return data;
            }
        } catch (IOException e) {
            throw new Failure(0, null, "Rocket.Chat unreachable: " + e.getClass().getSimpleName(), null, e);
        }
    }

    private Request.Builder authed(Request.Builder b) {
        return b.header("X-Auth-Token", token).header("X-User-Id", userId);
    }

    private JsonNode call(Request request) throws Failure {
        String what = request.method() + " " + request.url().encodedPath();
        try (Response r = http.newCall(request).execute()) {
            String text = r.body().string();
            if (r.isSuccessful()) {
                return text.isBlank() ? JSON.createObjectNode() : JSON.readTree(text);
            }
            throw failure(r, text.length() > 2000 ? text.substring(0, 2000) : text);
        } catch (IOException e) {
            throw new Failure(0, null, "Rocket.Chat unreachable (" + what + "): " + e.getClass().getSimpleName(), null, e);
        }
    }

    private static Failure failure(Response r, String text) {
        String error = "";
        String errorType = null;
        try {
            JsonNode j = text.isBlank() ? JSON.createObjectNode() : JSON.readTree(text);
            error = j.path("error").asText(j.path("message").asText(""));
            errorType = j.path("errorType").isTextual() ? j.get("errorType").asText() : null;
        } catch (IOException notJson) {
            // an HTML error page from a proxy: the status says enough
        }
        Duration retryAfter = null;
        if (r.code() == 429) {
            retryAfter = Duration.ofSeconds(5);
            String reset = r.header("X-RateLimit-Reset");
            if (reset != null && reset.matches("[0-9]{1,15}")) {
                long ms = Long.parseLong(reset) - System.currentTimeMillis();
                retryAfter = Duration.ofMillis(Math.max(500, Math.min(ms, 600_000)));
            }
        }
        String what = r.request().method() + " " + r.request().url().encodedPath();
        String message = switch (r.code()) {
            case 401 -> "Rocket.Chat refused the bot's token (401): check user_id and token";
            case 429 -> "Rocket.Chat asks to slow down (429)";
            default -> "Rocket.Chat answered " + r.code() + " to " + what + (error.isBlank() ? "" : ": " + error);
        };
        return new Failure(r.code(), errorType, message, retryAfter, null);
    }
}
