package coop.comptoir.api.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/** A read view of an {@code m.room.message} content. */
public record Message(ObjectNode content) {
    public String msgtype() {
        return text("msgtype");
    }

    /** The plain-text body; empty string if absent. */
    public String body() {
        String b = text("body");
        return b == null ? "" : b;
    }

    /** The HTML body, when {@code format} is {@code org.matrix.custom.html}. */
    public Optional<String> formattedBody() {
        return "org.matrix.custom.html".equals(text("format")) ? Optional.ofNullable(text("formatted_body")) : Optional.empty();
    }

    /** For {@code m.replace} edits: the new content. */
    public Optional<Message> newContent() {
        JsonNode n = content.get("m.new_content");
        return n instanceof ObjectNode o ? Optional.of(new Message(o)) : Optional.empty();
    }

    public boolean isNotice() {
        return "m.notice".equals(msgtype());
    }

    private String text(String field) {
        JsonNode n = content.get(field);
        return n != null && n.isTextual() ? n.textValue() : null;
    }
}
