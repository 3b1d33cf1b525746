package coop.comptoir.api.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The answer to a plugin route: a status, a content type, a body — usually a small JSON
 * document, or a file for {@link HttpRoutes#getUnder} routes — and extra headers
 * ({@link #withHeader}: a cookie, a redirect's {@code Location}, caching rules).
 */
public record RouteResponse(int status, String contentType, byte[] body, List<Map.Entry<String, String>> headers) {
    private static final String JSON = "application/json";

    public RouteResponse {
        if (status < 200 || status > 599) {
            throw new IllegalArgumentException("HTTP status out of range: " + status);
        }
        Objects.requireNonNull(contentType, "contentType");
        body = body == null ? new byte[0] : body.clone();
        headers = headers == null ? List.of() : List.copyOf(headers);
    }

    /** An answer without extra headers. */
    public RouteResponse(int status, String contentType, byte[] body) {
        this(status, contentType, body, List.of());
    }

    /**
     * This answer with one more header (sent after the others; a name may repeat, as
     * {@code Set-Cookie} does). The content type and length are not headers to set here.
     *
     * @throws IllegalArgumentException if the name is not a header name, is {@code Content-Type} or
     *                                  {@code Content-Length}, or the value holds a line break
     */
    public RouteResponse withHeader(String name, String value) {
        if (name == null || !name.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+")) {
            throw new IllegalArgumentException("not a header name: " + name);
        }
        if (name.equalsIgnoreCase("Content-Type") || name.equalsIgnoreCase("Content-Length")) {
            throw new IllegalArgumentException(name + " is set by the runtime");
        }
        if (value == null || value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("header " + name + ": the value must be one line");
        }
        List<Map.Entry<String, String>> more = new ArrayList<>(headers);
        more.add(Map.entry(name, value));
        return new RouteResponse(status, contentType, body, more);
    }

    /** The values of the extra header {@code name} (case-insensitive), in order. */
    public List<String> header(String name) {
        return headers.stream().filter(h -> h.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).toList();
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
                && java.util.Arrays.equals(r.body, body) && r.headers.equals(headers);
    }

    @Override
    public int hashCode() {
        return Objects.hash(status, contentType, java.util.Arrays.hashCode(body), headers);
    }

    @Override
    public String toString() {
        return "RouteResponse[" + status + ", " + contentType + ", " + body.length + " bytes]";
    }
}
