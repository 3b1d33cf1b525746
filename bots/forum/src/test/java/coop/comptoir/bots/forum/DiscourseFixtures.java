package coop.comptoir.bots.forum;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.testing.spec.DiscourseApi;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * What Discourse answers and sends, for the forum's tests: whole documents shaped as Discourse gives
 * them (the bases in {@code src/test/resources/discourse}, written for these tests after its API
 * description), with the fields a test is about set. Every payload a test hands to the plugin goes
 * through {@link #response} or {@link #webhook}, which check it against Discourse's description
 * ({@code ../shared/spec/discourse/openapi.json}, read in place; see {@link DiscourseApi}) when the
 * folder is there, and fail the test if it differs. Without the folder nothing is checked (and under
 * {@code CI=true} the folder must be there).
 */
final class DiscourseFixtures {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Optional<DiscourseApi> API = DiscourseApi.find();

    private DiscourseFixtures() {}

    /** A fresh copy of a base document ({@code site}, {@code site-category}, {@code show-category}, {@code topic-view}, {@code post}). */
    static ObjectNode base(String name) {
        try (InputStream in = DiscourseFixtures.class.getResourceAsStream("/discourse/" + name + ".json")) {
            return (ObjectNode) JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A category as {@code /site.json} lists it. */
    static ObjectNode siteCategory(long id, String name, String slug, boolean readRestricted, Long parent) {
        ObjectNode c = base("site-category").put("id", id).put("name", name).put("slug", slug)
                .put("read_restricted", readRestricted).put("topic_url", "/t/a-propos-de-" + slug + "/" + id);
        if (parent != null) {
            c.put("parent_category_id", parent);
        }
        return c;
    }

    /** {@code /site.json} with these categories. */
    static ObjectNode site(ObjectNode... categories) {
        ObjectNode site = base("site");
        ArrayNode list = site.putArray("categories");
        for (ObjectNode c : categories) {
            list.add(c);
        }
        return site;
    }

    /** {@code /c/{id}/show.json}. */
    static ObjectNode showCategory(long id, String name, String slug, boolean readRestricted) {
        ObjectNode show = base("show-category");
        ((ObjectNode) show.get("category")).put("id", id).put("name", name).put("slug", slug).put("read_restricted", readRestricted);
        return show;
    }

    /** {@code /t/{id}.json}, without posts in its stream. */
    static ObjectNode topicView(long id, String title, long categoryId, String deletedAt) {
        ObjectNode t = base("topic-view").put("id", id).put("title", title).put("fancy_title", title)
                .put("slug", "sujet-" + id).put("category_id", categoryId).put("draft_key", "topic_" + id);
        t.put("deleted_at", deletedAt);
        return t;
    }

    /** A topic webhook's body ({@code {"topic": …}}): the topic as Discourse's webhook serializer gives it. */
    static ObjectNode topicWebhook(long id, String title, long category, String deletedAt, String... tags) {
        ObjectNode view = topicView(id, title, category, deletedAt);
        ObjectNode t = JSON.createObjectNode();
        for (String field : new String[] {"id", "title", "fancy_title", "posts_count", "created_at", "views", "reply_count",
                "like_count", "last_posted_at", "visible", "closed", "archived", "archetype", "slug", "category_id",
                "word_count", "deleted_at", "user_id", "featured_link", "pinned_globally", "pinned_at", "pinned_until",
                "unpinned", "pinned", "highest_post_number", "deleted_by", "bookmarked", "participant_count", "thumbnails"}) {
            t.set(field, view.get(field));
        }
        t.set("created_by", view.path("details").path("created_by"));
        t.set("last_poster", view.path("details").path("last_poster"));
        ArrayNode tagArray = t.putArray("tags");
        int tagId = 1;
        for (String tag : tags) {
            tagArray.addObject().put("id", tagId++).put("name", tag).put("slug", tag);
        }
        ObjectNode root = JSON.createObjectNode();
        root.set("topic", t);
        return root;
    }

    /** A post as a post webhook carries it ({@code {"post": …}}), with the topic fields the webhook adds. */
    static ObjectNode postWebhook(long id, long topicId, int number, String username, String cooked, long categoryId) {
        ObjectNode p = base("post").put("id", id).put("topic_id", topicId).put("post_number", number)
                .put("username", username).put("cooked", cooked).put("topic_slug", "sujet-" + topicId)
                .put("post_url", "/t/sujet-" + topicId + "/" + topicId + "/" + number);
        p.put("topic_title", "Sujet " + topicId).put("topic_archetype", "regular").put("category_id", categoryId);
        ObjectNode root = JSON.createObjectNode();
        root.set("post", p);
        return root;
    }

    /** {@code body} as Discourse's answer to {@code GET path}: fails the test if the description says otherwise. */
    static <T extends JsonNode> T response(String path, T body) {
        API.ifPresent(api -> assertThat(api.checkResponse("GET", path, 200, body))
                .as("a fixture of GET " + path + " that Discourse would not give").isEmpty());
        return body;
    }

    /** {@code payload} as the body of a webhook for {@code event}: fails the test if it differs from the description. */
    static <T extends JsonNode> T webhook(String event, T payload) {
        API.ifPresent(api -> assertThat(api.checkWebhook(event, payload))
                .as("a fixture of the " + event + " webhook that Discourse would not send").isEmpty());
        return payload;
    }
}
