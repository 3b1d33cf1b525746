package coop.comptoir.bots.forum;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.testing.spec.DiscourseApi;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The Discourse payloads of the forum's tests against Discourse's API description
 * ({@code ../shared/spec/discourse/openapi.json}, read in place): the fixtures pass, the reference
 * responses the tests read pass, and the check sees a wrong field deep inside, so that the other
 * tests' passing {@link DiscourseFixtures#response}/{@link DiscourseFixtures#webhook} means something.
 *
 * <p>The real sample responses of {@code spec/discourse/responses}, which other tests read, are not
 * checked: they come from an older Discourse than the description ({@code topics/topic_response.json}
 * lacks about 40 properties the description requires; {@code latest_topics_response.json} has
 * {@code null} where it says string or boolean). Comptoir reads them too, as a coop's older forum.
 *
 * <p>Tagged {@code conformance}: skipped without {@code ../shared}, except under {@code CI=true}.
 */
@Tag("conformance")
class DiscourseConformanceTest {
    private DiscourseApi api;

    @BeforeEach
    void needTheDescription() {
        Assumptions.assumeTrue(DiscourseFixtures.API.isPresent(), "../shared not found: Discourse conformance skipped");
        api = DiscourseFixtures.API.get();
    }

    private static JsonNode json(String s) throws Exception {
        return DiscourseFixtures.JSON.readTree(s);
    }

    @Test
    void theFixturesFollowTheDescription() {
        assertThat(api.checkResponse("GET", "/site.json", 200, DiscourseFixtures.site(
                DiscourseFixtures.siteCategory(5, "Courses", "courses", false, null),
                DiscourseFixtures.siteCategory(13, "Comptes", "comptes", true, 12L)))).isEmpty();
        assertThat(api.checkResponse("GET", "/c/98/show.json", 200, DiscourseFixtures.showCategory(98, "Nouvelle", "nouvelle", false))).isEmpty();
        assertThat(api.checkResponse("GET", "/t/1.json", 200, DiscourseFixtures.topicView(1, "Pain", 5, null))).isEmpty();
        assertThat(api.checkWebhook("topic_created", DiscourseFixtures.topicWebhook(1, "Pain", 5, null, "vrac"))).isEmpty();
        assertThat(api.checkWebhook("post_created", DiscourseFixtures.postWebhook(12, 1, 2, "bob", "<p>oui</p>", 5))).isEmpty();
    }

    /** The shapes the tests used before this check: each caught, for the reason that matters. */
    @Test
    void theShapesTheTestsUsedBeforeAreCaught() throws Exception {
        assertThat(api.checkWebhook("topic_created", json("""
                {"topic": {"id": 1, "title": "Pain", "slug": "sujet-1", "category_id": 5, "archetype": "regular",
                 "visible": true, "created_at": "2026-11-01T10:00:00Z", "deleted_at": null,
                 "created_by": {"id": 3, "username": "alice"}, "tags": ["partout"]}}""")))
                .anySatisfy(p -> assertThat(p).contains("$.created_by lacks required property avatar_template"))
                .anySatisfy(p -> assertThat(p).contains("$.tags[0] should be object"));
        assertThat(api.checkResponse("GET", "/t/1.json", 200, json("{\"id\": 1, \"title\": \"Pain\", \"deleted_at\": null}")))
                .anySatisfy(p -> assertThat(p).contains("lacks required property post_stream"));
        assertThat(api.checkResponse("GET", "/site.json", 200, json(
                "{\"categories\": [{\"id\": 9, \"name\": \"Divers\", \"slug\": \"divers\", \"read_restricted\": false}]}")))
                .anySatisfy(p -> assertThat(p).contains("$.categories[0] lacks required property topic_url"))
                .anySatisfy(p -> assertThat(p).contains("$ lacks required property post_types"));
    }

    @Test
    void aWrongFieldDeepInsideIsCaught() {
        ObjectNode site = DiscourseFixtures.site(DiscourseFixtures.siteCategory(5, "Courses", "courses", false, null));
        ((ObjectNode) site.get("categories").get(0)).put("read_restricted", "no");
        assertThat(api.checkResponse("GET", "/site.json", 200, site))
                .singleElement().asString().contains("$.categories[0].read_restricted should be boolean");

        ObjectNode topic = DiscourseFixtures.topicWebhook(1, "Pain", 5, null);
        ((ObjectNode) topic.get("topic").get("created_by")).put("id", "3");
        ((ObjectNode) topic.get("topic")).put("categoryid", 5);
        assertThat(api.checkWebhook("topic_edited", topic)).containsExactlyInAnyOrder(
                "webhook topic_edited (topic): $.created_by.id should be integer, is \"3\"",
                "webhook topic_edited (topic): $.categoryid is not a declared property (additionalProperties: false)");

        ObjectNode post = DiscourseFixtures.postWebhook(12, 1, 2, "bob", "<p>oui</p>", 5);
        ((ObjectNode) post.get("post")).put("post_number", "2");
        assertThat(api.checkWebhook("post_created", post))
                .singleElement().asString().contains("$.post_number should be integer");

        ObjectNode view = DiscourseFixtures.topicView(1, "Pain", 5, null);
        ((ObjectNode) view.get("details").get("last_poster")).remove("username");
        assertThat(api.checkResponse("GET", "/t/1.json", 200, view))
                .singleElement().asString().contains("$.details.last_poster lacks required property username");
        assertThat(api.checkResponse("GET", "/t/1/nowhere.json", 200, view))
                .singleElement().asString().contains("no such operation");
    }
}
