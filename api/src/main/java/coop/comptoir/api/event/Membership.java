package coop.comptoir.api.event;

import com.fasterxml.jackson.databind.JsonNode;
import coop.comptoir.api.id.UserId;

/**
 * A read view of an {@code m.room.member} event: whose membership ({@code target}, the state key),
 * the new state and the previous one ({@code prevContent} from {@code unsigned}, may be missing).
 */
public record Membership(UserId target, JsonNode content, JsonNode prevContent) {
    public String membership() {
        return content.path("membership").asText("");
    }

    public String previousMembership() {
        return prevContent == null ? "" : prevContent.path("membership").asText("");
    }

    public String displayName() {
        JsonNode d = content.get("displayname");
        return d != null && d.isTextual() ? d.textValue() : null;
    }

    public boolean isJoin() {
        return "join".equals(membership());
    }

    public boolean isInvite() {
        return "invite".equals(membership());
    }

    /** A join that follows another join: a display name or avatar change, not an arrival. */
    public boolean isProfileChange() {
        return isJoin() && "join".equals(previousMembership());
    }
}
