package coop.comptoir.e2e.forum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The fake Discourse of the forum suite against Discourse's API description (no homeserver needed):
 * what it answers and sends follows the description, nested values included, and a wrong field
 * deep inside is caught, so that the forum classes' clean {@link FakeDiscourse#close()} means
 * something. Tagged {@code conformance}: it reads {@code ../shared} (skipped without it, except
 * under {@code CI=true}).
 */
@Tag("conformance")
class FakeDiscourseConformanceTest {
    private final HttpClient http = HttpClient.newHttpClient();

    private int get(FakeDiscourse discourse, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(discourse.url() + path)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void everythingTheFakeAnswersAndSendsFollowsTheDescription() throws Exception {
        try (FakeDiscourse discourse = new FakeDiscourse(ForumE2ETest.referenceLatestForOthers())) {
            discourse.addCategory(9, "Annonces", false);
            discourse.addCategory(12, "Bureau", true);
            discourse.addTopic(1001, "Assemblée générale", 9);
            assertThat(get(discourse, "/latest.json")).isEqualTo(200);
            assertThat(get(discourse, "/c/annonces/9.json")).isEqualTo(200);
            assertThat(get(discourse, "/site.json")).isEqualTo(200);
            assertThat(get(discourse, "/t/1001.json")).isEqualTo(200);
            discourse.sendWebhook(discourse.url() + "/webhook", "topic_created", FakeDiscourse.topicPayload(1001, "AG", 9), null);
            discourse.sendWebhook(discourse.url() + "/webhook", "post_created",
                    FakeDiscourse.postPayload(5, 1001, 2, "AG", 9, "<p>Oui</p>"), null);
            assertThat(discourse.specProblems()).isEmpty();
        }
    }

    @Test
    void aWrongFieldDeepInsideAnAnswerOrAWebhookIsCaught() throws Exception {
        FakeDiscourse discourse = new FakeDiscourse(ForumE2ETest.referenceLatestForOthers());
        ObjectNode topic = discourse.addTopic(1002, "Inventaire", 9);
        topic.put("category_id", "9");
        assertThat(get(discourse, "/latest.json")).isEqualTo(200);
        ObjectNode payload = FakeDiscourse.topicPayload(1002, "Inventaire", 9);
        ((ObjectNode) payload.get("topic").get("created_by")).remove("avatar_template");
        discourse.sendWebhook(discourse.url() + "/webhook", "topic_edited", payload, null);

        assertThat(discourse.specProblems()).containsExactly(
                "GET /latest.json → 200: $.topic_list.topics[0].category_id should be integer, is \"9\"",
                "webhook topic_edited (topic): $.created_by lacks required property avatar_template");
        assertThatThrownBy(discourse::close).isInstanceOf(AssertionError.class).hasMessageContaining("category_id");
    }
}
