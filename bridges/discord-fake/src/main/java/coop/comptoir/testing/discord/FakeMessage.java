package coop.comptoir.testing.discord;

import java.util.List;

/**
 * A snapshot of a message as the fake stores it (later edits do not change a snapshot).
 *
 * @param authorId         the user who posted it; for a webhook message, the webhook's id
 * @param authorName       the author's username, or the webhook name / username override
 * @param webhookId        set for messages sent through a webhook
 * @param avatarUrl        the {@code avatar_url} override of a webhook message, else null
 * @param referencedId     the message this one replies to, or null
 * @param editedTimestamp  ISO timestamp of the last edit, or null
 * @param embedsJson       each embed as JSON text
 * @param json             the whole message as the REST API returns it
 */
public record FakeMessage(String id, String channelId, String guildId, String authorId, String authorName,
                          String webhookId, String avatarUrl, String content, String referencedId,
                          List<Attachment> attachments, List<String> embedsJson, List<String> stickerIds,
                          List<Reaction> reactions, String editedTimestamp, boolean deleted, String json) {

    /** A file attached to a message, served by the fake at {@code url}. */
    public record Attachment(String id, String filename, String contentType, long size, String url, String description) {
    }

    /** One emoji's reactions on a message, with who reacted. */
    public record Reaction(Emoji emoji, List<String> userIds) {
    }

    public boolean isWebhookMessage() {
        return webhookId != null;
    }

    public boolean isEdited() {
        return editedTimestamp != null;
    }
}
