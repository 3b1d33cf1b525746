package coop.comptoir.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.api.id.EventId;
import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.matrix.MatrixException;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The kit homeserver's answer to {@code GET /rooms/{roomId}/messages}: the room's timeline is what
 * was sent through the client, in order. Supports {@code dir} ({@code b}: newest first),
 * {@code from} (a token this class gave as {@code end}), {@code limit} (default 10) and a
 * {@code filter} with {@code types}, {@code not_types} (a trailing {@code *} matches any suffix),
 * {@code senders}, {@code not_senders}, {@code contains_url} and {@code limit}; the limit counts the
 * events that pass the filter, as Synapse's does. Called with the homeserver's monitor held.
 */
final class RoomHistory {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The time given to an event sent without one ({@code origin_server_ts} is required). */
    private static final long EPOCH = 1_700_000_000_000L;

    private RoomHistory() {}

    static JsonNode page(List<RecordingMatrixClient.Sent> sent, Map<EventId, Long> timestamps, RoomId room, String query) {
        Map<String, String> params = params(query);
        String dir = params.get("dir");
        if (!"b".equals(dir) && !"f".equals(dir)) {
            throw new MatrixException(400, "M_INVALID_PARAM", "dir must be b or f");
        }
        JsonNode filter = filter(params.get("filter"));
        int limit = intParam(params.getOrDefault("limit", "10"), "limit");
        if (filter.path("limit").canConvertToInt()) {
            limit = Math.min(limit, filter.get("limit").asInt());
        }
        List<RecordingMatrixClient.Sent> timeline = sent.stream().filter(s -> s.room().equals(room)).toList();
        boolean back = dir.equals("b");
        String from = params.get("from");
        int pos = from == null ? (back ? timeline.size() : 0) : position(from, timeline.size());
        ObjectNode answer = F.objectNode().put("start", from == null ? "t" + pos : from);
        ArrayNode chunk = answer.putArray("chunk");
        while (chunk.size() < limit && (back ? pos > 0 : pos < timeline.size())) {
            int index = back ? pos - 1 : pos;
            pos += back ? -1 : 1;
            if (passes(filter, timeline.get(index))) {
                chunk.add(event(timeline.get(index), timestamps, index));
            }
        }
        if (back ? pos > 0 : pos < timeline.size()) {
            answer.put("end", "t" + pos);
        }
        return answer;
    }

    private static ObjectNode event(RecordingMatrixClient.Sent s, Map<EventId, Long> timestamps, int index) {
        ObjectNode e = F.objectNode().put("event_id", s.eventId().value()).put("room_id", s.room().value())
                .put("sender", s.sender().value()).put("type", s.type())
                .put("origin_server_ts", timestamps.getOrDefault(s.eventId(), EPOCH + index));
        if (s.stateKey() != null) {
            e.put("state_key", s.stateKey());
        }
        e.set("content", s.content().deepCopy());
        return e;
    }

    private static boolean passes(JsonNode filter, RecordingMatrixClient.Sent s) {
        if (filter.has("types") && !matchesAny(filter.get("types"), s.type())) {
            return false;
        }
        if (filter.has("not_types") && matchesAny(filter.get("not_types"), s.type())) {
            return false;
        }
        if (filter.has("senders") && !contains(filter.get("senders"), s.sender().value())) {
            return false;
        }
        if (filter.has("not_senders") && contains(filter.get("not_senders"), s.sender().value())) {
            return false;
        }
        if (filter.path("contains_url").isBoolean()) {
            return filter.get("contains_url").asBoolean() == s.content().path("url").isTextual();
        }
        return true;
    }

    private static boolean matchesAny(JsonNode patterns, String type) {
        for (JsonNode p : patterns) {
            String pattern = p.asText();
            if (pattern.endsWith("*") ? type.startsWith(pattern.substring(0, pattern.length() - 1)) : pattern.equals(type)) {
                return true;
            }
        }
        return false;
    }

    private static boolean contains(JsonNode values, String value) {
        for (JsonNode v : values) {
            if (v.asText().equals(value)) {
                return true;
            }
        }
        return false;
    }

    private static JsonNode filter(String raw) {
        if (raw == null) {
            return F.objectNode();
        }
        try {
            JsonNode f = JSON.readTree(raw);
            if (!f.isObject()) {
                throw new MatrixException(400, "M_INVALID_PARAM", "filter must be a JSON object");
            }
            return f;
        } catch (IOException e) {
            throw new MatrixException(400, "M_NOT_JSON", "filter is not JSON: " + e.getMessage());
        }
    }

    private static int position(String token, int size) {
        if (!token.startsWith("t")) {
            throw new MatrixException(400, "M_INVALID_PARAM", "unknown pagination token " + token);
        }
        return Math.min(Math.max(intParam(token.substring(1), "from"), 0), size);
    }

    private static int intParam(String value, String name) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new MatrixException(400, "M_INVALID_PARAM", name + " is not a number: " + value);
        }
    }

    private static Map<String, String> params(String query) {
        Map<String, String> out = new HashMap<>();
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.put(key, value);
        }
        return out;
    }
}
