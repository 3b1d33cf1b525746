package coop.comptoir.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.api.id.EventId;
import coop.comptoir.api.id.UserId;
import java.util.ArrayList;
import java.util.List;

/**
 * What a reader sees of a Matrix event's content, read from the JSON as a client reads it: its
 * {@code msgtype}, body, the new text of an edit, HTML, mentions, the event it replies to. Each method
 * reads {@link #content()} again; none changes it.
 */
public interface EventContent {
    /** The event's {@code content} as sent. */
    ObjectNode content();

    /** The {@code msgtype} of the content ({@code m.text}, {@code m.notice}, {@code m.image}…), or null. */
    default String msgtype() {
        return content().hasNonNull("msgtype") ? content().get("msgtype").asText() : null;
    }

    /** Whether this is a notice ({@code m.notice}, what bots say). */
    default boolean isNotice() {
        return "m.notice".equals(msgtype());
    }

    /** The content's {@code m.relates_to} (replies, threads, edits, reactions), or a missing node. */
    default JsonNode relatesTo() {
        return content().path("m.relates_to");
    }

    /** The {@code body} of the content, or null. */
    default String body() {
        return content().hasNonNull("body") ? content().get("body").asText() : null;
    }

    /** The event an edit ({@code m.replace}) replaces, or null when this is not an edit. */
    default EventId replaces() {
        JsonNode rel = content().path("m.relates_to");
        return "m.replace".equals(rel.path("rel_type").asText()) ? EventId.of(rel.path("event_id").asText()) : null;
    }

    /** What a reader sees: the new text of an edit, else the {@code body}. */
    default String text() {
        return replaces() != null && content().path("m.new_content").hasNonNull("body")
                ? content().path("m.new_content").path("body").asText() : body();
    }

    /** The HTML the reader sees ({@code formatted_body}, the new one for an edit), or null. */
    default String html() {
        JsonNode shown = replaces() != null && content().has("m.new_content") ? content().get("m.new_content") : content();
        return shown.hasNonNull("formatted_body") ? shown.get("formatted_body").asText() : null;
    }

    /** The users the event mentions ({@code m.mentions.user_ids}). */
    default List<UserId> mentions() {
        List<UserId> out = new ArrayList<>();
        content().path("m.mentions").path("user_ids").forEach(u -> out.add(UserId.of(u.asText())));
        return out;
    }

    /** The event an answer replies to ({@code m.in_reply_to}), or null. */
    default EventId inReplyTo() {
        JsonNode to = content().path("m.relates_to").path("m.in_reply_to");
        return to.hasNonNull("event_id") ? EventId.of(to.get("event_id").asText()) : null;
    }
}
