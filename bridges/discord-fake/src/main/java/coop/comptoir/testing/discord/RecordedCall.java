package coop.comptoir.testing.discord;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One HTTP request the fake received on its REST API (with the fake's answer status).
 *
 * @param path     relative to the API base, decoded: {@code /channels/123/messages}
 * @param query    decoded query parameters
 * @param headers  lower-case names; the token in {@code authorization} is replaced by {@code ***}
 * @param json     the JSON body, or a multipart request's {@code payload_json}; null when none
 * @param files    the uploaded files of a multipart request
 * @param status   the status the fake answered
 * @param specViolations what the Discord spec says is wrong with this request (empty without the spec)
 */
public record RecordedCall(Instant at, String method, String path, Map<String, List<String>> query,
                           Map<String, String> headers, JsonNode json, List<UploadedFile> files, int status,
                           List<String> specViolations) {

    /** One {@code files[n]} part of a multipart request. */
    public record UploadedFile(String field, String filename, String contentType, byte[] bytes) {
        public long size() {
            return bytes.length;
        }
    }

    /** The first value of a query parameter, or null. */
    public String queryParameter(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** {@code "POST /channels/1/messages"}. */
    public String line() {
        return method + " " + path;
    }

    /** Whether this is {@code method} on a path matching {@code regex} ({@code "/channels/\\d+/messages"}). */
    public boolean is(String method, String pathRegex) {
        return this.method.equalsIgnoreCase(method) && path.matches(pathRegex);
    }

    @Override
    public String toString() {
        return line() + (query.isEmpty() ? "" : " " + query) + " -> " + status;
    }
}
