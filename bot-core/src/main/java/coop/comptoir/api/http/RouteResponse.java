package coop.comptoir.api.http;

/** The answer to a plugin route: a status and a small JSON body. */
public record RouteResponse(int status, String json) {
    public RouteResponse {
        if (status < 200 || status > 599) {
            throw new IllegalArgumentException("HTTP status out of range: " + status);
        }
        if (json == null) {
            json = "{}";
        }
    }

    public static RouteResponse ok() {
        return new RouteResponse(200, "{}");
    }

    /** An error answer: {@code {"error": message}}; the message must hold no secret. */
    public static RouteResponse error(int status, String message) {
        String escaped = message.replace("\\", "\\\\").replace("\"", "\\\"");
        return new RouteResponse(status, "{\"error\":\"" + escaped + "\"}");
    }
}
