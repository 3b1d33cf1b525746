package coop.comptoir.bots.forum;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the plugin reads from Discourse (webhook payloads, {@code /latest.json}, {@code /t/{id}.json}),
 * turned into small records at the edge. Unknown fields are ignored; missing ones become null.
 */
final class Discourse {
    private Discourse() {}

    /** Regular posts; moderator actions (2), small actions (3) and whispers (4) are not announced. */
    static final int POST_TYPE_REGULAR = 1;
    static final int POST_TYPE_WHISPER = 4;

    /** A topic as far as announcements need it. */
    record Topic(long id, String title, String slug, Long categoryId, List<String> tags, Long authorId,
                 String author, boolean privateMessage, boolean visible, Instant createdAt) {
        /** Private messages, unlisted topics and topics by system users are never announced. */
        boolean announceable() {
            return !privateMessage && visible && !isSystem(authorId, author) && title != null && !title.isBlank();
        }
    }

    /** A post as far as announcements need it; {@code hidden}: hidden by flags, or deleted. */
    record Post(long id, long topicId, int postNumber, int postType, Long userId, String username, String cooked,
                String topicTitle, String topicSlug, Long categoryId, boolean privateMessage, boolean hidden) {
        /** A post shown to everyone who may read its topic. */
        Post(long id, long topicId, int postNumber, int postType, Long userId, String username, String cooked,
             String topicTitle, String topicSlug, Long categoryId, boolean privateMessage) {
            this(id, topicId, postNumber, postType, userId, username, cooked, topicTitle, topicSlug, categoryId,
                    privateMessage, false);
        }

        boolean announceable() {
            return !privateMessage && !hidden && postType == POST_TYPE_REGULAR && !isSystem(userId, username);
        }
    }

    static boolean isSystem(Long userId, String username) {
        return (userId != null && userId <= 0) || "system".equalsIgnoreCase(username);
    }

    /** The {@code topic} object of a topic webhook. */
    static Topic webhookTopic(JsonNode t) {
        JsonNode by = t.path("created_by");
        Long authorId = by.hasNonNull("id") ? by.get("id").asLong() : longOrNull(t, "user_id");
        return new Topic(t.path("id").asLong(), text(t, "title"), text(t, "slug"), longOrNull(t, "category_id"),
                tags(t.path("tags")), authorId, text(by, "username"),
                "private_message".equals(text(t, "archetype")), t.path("visible").asBoolean(true),
                instant(text(t, "created_at")));
    }

    /** The {@code post} object of a post webhook, or one post of {@code /t/{id}.json}. */
    static Post post(JsonNode p) {
        return new Post(p.path("id").asLong(), p.path("topic_id").asLong(), p.path("post_number").asInt(1),
                p.path("post_type").asInt(POST_TYPE_REGULAR), longOrNull(p, "user_id"), text(p, "username"),
                text(p, "cooked"), text(p, "topic_title"), text(p, "topic_slug"), longOrNull(p, "category_id"),
                "private_message".equals(text(p, "topic_archetype")),
                p.path("hidden").asBoolean(false) || text(p, "deleted_at") != null);
    }

    /** The topics of {@code /latest.json} or {@code /c/{slug}/{id}.json}, with their original posters. */
    static List<Topic> topicList(JsonNode root) {
        Map<Long, String> users = new HashMap<>();
        for (JsonNode u : root.path("users")) {
            users.put(u.path("id").asLong(), text(u, "username"));
        }
        List<Topic> out = new ArrayList<>();
        for (JsonNode t : root.path("topic_list").path("topics")) {
            Long authorId = null;
            for (JsonNode poster : t.path("posters")) {
                boolean original = poster.path("description").asText("").contains("Original Poster");
                if (original || authorId == null) {
                    authorId = longOrNull(poster, "user_id");
                }
                if (original) {
                    break;
                }
            }
            String author = authorId == null ? null : users.get(authorId);
            out.add(new Topic(t.path("id").asLong(), text(t, "title"), text(t, "slug"), longOrNull(t, "category_id"),
                    tags(t.path("tags")), authorId, author, "private_message".equals(text(t, "archetype")),
                    t.path("visible").asBoolean(true), instant(text(t, "created_at"))));
        }
        return out;
    }

    /** The first post's cooked HTML in {@code /t/{id}.json}, or null. */
    static Post firstPost(JsonNode topicView) {
        for (JsonNode p : topicView.path("post_stream").path("posts")) {
            if (p.path("post_number").asInt() == 1) {
                return post(p);
            }
        }
        return null;
    }

    /** Tags come as strings, or as objects with a {@code name} in recent versions. */
    private static List<String> tags(JsonNode node) {
        List<String> out = new ArrayList<>();
        for (JsonNode t : node) {
            String name = t.isTextual() ? t.asText() : t.path("name").asText(null);
            if (name != null) {
                out.add(name.toLowerCase(Locale.ROOT));
            }
        }
        return out;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Long longOrNull(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() || !v.canConvertToLong() ? null : v.asLong();
    }

    private static Instant instant(String s) {
        if (s == null) {
            return Instant.EPOCH;
        }
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            return Instant.EPOCH;
        }
    }
}
