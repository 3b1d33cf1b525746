package coop.comptoir.bridge.discord;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.bridge.api.BridgeException;
import coop.comptoir.bridge.api.OutgoingAttachment;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.MultipartBody;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * Files posted through a webhook ({@code POST /webhooks/{id}/{token}?wait=true}, multipart with
 * {@code payload_json} and {@code files[n]}), written here rather than by JDA so that the request
 * follows Discord's API description to the letter: JDA numbers {@code attachments[].id} as JSON
 * integers where the description asks for snowflake strings. A 429 is reported with its
 * {@code retry_after} for the engine to wait; the token is only ever in the request URL.
 */
final class WebhookUploads {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final MediaType APPLICATION_JSON = MediaType.get("application/json");
    static final String USER_AGENT = "DiscordBot (https://github.com/comptoir-coop/comptoir, 0.1)";

    private final OkHttpClient http;
    private final HttpUrl base;
    private final DiscordTexts texts;

    /**
     * @param apiBase the REST base with its version, ending with {@code /}
     * @param texts   the language the failures people can fix are told in
     */
    WebhookUploads(OkHttpClient http, String apiBase, DiscordTexts texts) {
        this.http = http;
        this.base = HttpUrl.get(apiBase);
        this.texts = texts;
    }

    /** Posts {@code files} in one message and returns its ID. */
    String post(String webhookId, String token, Optional<String> threadId, String username, String avatarUrl,
                List<OutgoingAttachment> files) throws BridgeException {
        ObjectNode payload = JSON.createObjectNode();
        payload.put("username", username);
        if (avatarUrl != null) {
            payload.put("avatar_url", avatarUrl);
        }
        payload.putObject("allowed_mentions").putArray("parse");
        ArrayNode attachments = payload.putArray("attachments");
        MultipartBody.Builder body = new MultipartBody.Builder().setType(MultipartBody.FORM);
        for (int i = 0; i < files.size(); i++) {
            OutgoingAttachment f = files.get(i);
            String filename = filename(f.fileName(), f.contentType());
            attachments.addObject().put("id", String.valueOf(i)).put("filename", filename);
            MediaType type = MediaType.parse(f.contentType());
            body.addFormDataPart("files[" + i + "]", filename,
                    RequestBody.create(f.data(), type == null ? MediaType.get("application/octet-stream") : type));
        }
        body.addFormDataPart("payload_json", null, RequestBody.create(payload.toString(), APPLICATION_JSON));
        HttpUrl.Builder url = base.newBuilder().addPathSegment("webhooks").addPathSegment(webhookId).addPathSegment(token)
                .addQueryParameter("wait", "true");
        threadId.ifPresent(t -> url.addQueryParameter("thread_id", t));
        Request request = new Request.Builder().url(url.build()).header("User-Agent", USER_AGENT).post(body.build()).build();
        try (Response response = http.newCall(request).execute()) {
            String text = response.body().string();
            if (response.isSuccessful()) {
                return JSON.readTree(text).path("id").asText();
            }
            throw failure(response.code(), text);
        } catch (IOException e) {
            throw BridgeException.retryable("Discord could not be reached to upload a file", null, null);
        }
    }

    /** Longest {@code attachments[].filename} Discord takes. */
    static final int MAX_FILENAME = 1024;
    private static final java.util.Map<String, String> EXTENSIONS = java.util.Map.ofEntries(
            java.util.Map.entry("image/jpeg", "jpg"), java.util.Map.entry("image/svg+xml", "svg"),
            java.util.Map.entry("text/plain", "txt"), java.util.Map.entry("audio/mpeg", "mp3"),
            java.util.Map.entry("video/quicktime", "mov"), java.util.Map.entry("application/octet-stream", "bin"));

    /**
     * A file name Discord accepts (1 to 1024 characters): {@code file} with an extension from the
     * content type when there is none, a long one shortened before its extension.
     */
    static String filename(String name, String contentType) {
        String n = name == null ? "" : name.strip();
        if (n.isEmpty()) {
            return "file" + extension(contentType).map(e -> "." + e).orElse("");
        }
        if (n.codePointCount(0, n.length()) <= MAX_FILENAME) {
            return n;
        }
        int dot = n.lastIndexOf('.');
        String ext = dot > 0 && n.length() - dot <= 16 ? n.substring(dot) : "";
        String stem = ext.isEmpty() ? n : n.substring(0, dot);
        int keep = MAX_FILENAME - ext.codePointCount(0, ext.length());
        return stem.substring(0, stem.offsetByCodePoints(0, keep)) + ext;
    }

    private static Optional<String> extension(String contentType) {
        if (contentType == null) {
            return Optional.empty();
        }
        String type = contentType.split(";")[0].strip().toLowerCase(java.util.Locale.ROOT);
        String known = EXTENSIONS.get(type);
        if (known != null) {
            return Optional.of(known);
        }
        int slash = type.indexOf('/');
        String sub = slash < 0 ? "" : type.substring(slash + 1);
        return sub.matches("[a-z0-9]{1,10}") ? Optional.of(sub) : Optional.empty();
    }

    private BridgeException failure(int status, String text) {
        JsonNode error;
        try {
            error = JSON.readTree(text);
        } catch (IOException e) {
            error = JSON.createObjectNode();
        }
        if (status == 429) {
            double seconds = error.path("retry_after").asDouble(1);
            return BridgeException.retryable("Discord is rate-limiting file uploads",
                    Duration.ofMillis((long) Math.ceil(seconds * 1000)), null);
        }
        if (status >= 500) {
            return BridgeException.retryable("Discord is unavailable (HTTP " + status + ") for a file upload", null, null);
        }
        int code = error.path("code").asInt();
        if (status == 413) {
            code = 40005;
        }
        String reason = switch (code) {
            case 40005 -> Failures.text(texts, Failures.Text.FILE_TOO_LARGE);
            case 10015 -> "the bridge's webhook was deleted on Discord";
            case 10003 -> Failures.text(texts, Failures.Text.UNKNOWN_CHANNEL);
            case 50013 -> Failures.text(texts, Failures.Text.MISSING_PERMISSION);
            case 50001 -> Failures.text(texts, Failures.Text.MISSING_ACCESS);
            default -> "Discord refused the file (" + status + (code != 0 ? ", code " + code : "") + ")";
        };
        return BridgeException.permanent(reason, new Refused(status, code));
    }

    /** The cause of a refused upload: Discord's HTTP status and JSON error code (10015: Unknown Webhook). */
    static final class Refused extends Exception {
        static final int UNKNOWN_WEBHOOK = 10015;
        final int status;
        final int code;

        Refused(int status, int code) {
            super("HTTP " + status + ", code " + code, null, false, false);
            this.status = status;
            this.code = code;
        }
    }

    /** Whether {@code e} says the webhook no longer exists on Discord. */
    static boolean webhookGone(BridgeException e) {
        return e.getCause() instanceof Refused r && r.code == Refused.UNKNOWN_WEBHOOK;
    }
}
