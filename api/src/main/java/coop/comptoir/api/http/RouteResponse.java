package coop.comptoir.api.http;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The answer to a plugin route: a status, a content type and a body — usually a small JSON
 * document, or a file for {@link HttpRoutes#getUnder} routes.
 */
public record RouteResponse(int status, String contentType, byte[] body) {
    private static final String JSON = "application/json";

    public RouteResponse {
        if (status < 200 || status > 599) {
            throw new IllegalArgumentException("HTTP status out of range: " + status);
        }
        Objects.requireNonNull(contentType, "contentType");
        body = body == null ? new byte[0] : body.clone();
    }

    /** A JSON answer; {@code null} stands for {@code {}}. */
    public RouteResponse(int status, String json) {
        this(status, JSON, (json == null ? "{}" : json).getBytes(StandardCharsets.UTF_8));
    }

    public static RouteResponse ok() {
        return new RouteResponse(200, "{}");
    }

    /** A file, e.g. {@code image/png}. */
    public static RouteResponse file(String contentType, byte[] data) {
        return new RouteResponse(200, contentType, data);
    }

    /** An error answer: {@code {"error": message}}; the message must hold no secret. */
    public static RouteResponse error(int status, String message) {
        String escaped = message.replace("\\", "\\\\").replace("\"", "\\\"");
        return new RouteResponse(status, "{\"error\":\"" + escaped + "\"}");
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    /** The body as text (the JSON document for JSON answers). */
    public String json() {
        return new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RouteResponse r && r.status == status && r.contentType.equals(contentType)
                && java.util.Arrays.equals(r.body, body);
    }

    @Override
    public int hashCode() {
        return Objects.hash(status, contentType, java.util.Arrays.hashCode(body));
    }

    @Override
    public String toString() {
        return "RouteResponse[" + status + ", " + contentType + ", " + body.length + " bytes]";
    }
}
