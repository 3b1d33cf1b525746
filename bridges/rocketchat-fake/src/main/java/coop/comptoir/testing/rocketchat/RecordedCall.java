package coop.comptoir.testing.rocketchat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * One REST request the fake answered.
 *
 * @param path   the path with its query ({@code /api/v1/channels.history?roomId=…})
 * @param body   the JSON body as text, or null
 * @param status what the fake answered
 */
public record RecordedCall(Instant at, String method, String path, String body, int status) {
    /** Whether the method matches and the path (without query) matches the regular expression. */
    public boolean is(String method, String pathRegex) {
        String p = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        return this.method.equals(method) && p.matches(pathRegex);
    }

    /** The body as JSON (a missing node when there is none or it is not JSON). */
    public JsonNode json() {
        try {
            return body == null ? World.JSON.missingNode() : World.JSON.readTree(body);
        } catch (Exception e) {
            return World.JSON.missingNode();
        }
    }
}
