package coop.comptoir.api.event;

import com.fasterxml.jackson.databind.JsonNode;
import coop.comptoir.api.id.EventId;
import java.util.Optional;

/**
 * What {@code m.relates_to} says: {@code relType} is {@code m.replace}, {@code m.thread},
 * {@code m.annotation}, {@code m.reference} or any other (kept as is), or null for a plain reply;
 * {@code inReplyTo} is set for replies (also inside threads).
 */
public record Relation(String relType, EventId eventId, EventId inReplyTo, String key, boolean isFallingBack) {
    public static final String REPLACE = "m.replace";
    public static final String THREAD = "m.thread";
    public static final String ANNOTATION = "m.annotation";
    public static final String REFERENCE = "m.reference";

    static Optional<Relation> from(JsonNode content) {
        JsonNode rel = content.get("m.relates_to");
        if (rel == null || !rel.isObject()) {
            return Optional.empty();
        }
        String relType = rel.path("rel_type").isTextual() ? rel.get("rel_type").textValue() : null;
        EventId target = rel.path("event_id").isTextual() ? safeEventId(rel.get("event_id").textValue()) : null;
        JsonNode irt = rel.path("m.in_reply_to").path("event_id");
        EventId inReplyTo = irt.isTextual() ? safeEventId(irt.textValue()) : null;
        String key = rel.path("key").isTextual() ? rel.get("key").textValue() : null;
        if (relType == null && inReplyTo == null) {
            return Optional.empty();
        }
        return Optional.of(new Relation(relType, target, inReplyTo, key, rel.path("is_falling_back").asBoolean(false)));
    }

    private static EventId safeEventId(String s) {
        try {
            return new EventId(s);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    public boolean isEdit() {
        return REPLACE.equals(relType);
    }

    public boolean isThread() {
        return THREAD.equals(relType);
    }
}
