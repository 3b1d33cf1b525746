package coop.comptoir.bots.forum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.api.http.RouteRequest;
import coop.comptoir.api.http.RouteResponse;
import coop.comptoir.api.id.EventId;
import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.matrix.MatrixClient;
import coop.comptoir.api.matrix.OutgoingMessage;
import coop.comptoir.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.Headers;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.ArgumentCaptor;
import org.slf4j.LoggerFactory;

/** Deliveries as Discourse sends them (or as someone holding a captured one would), against a scripted forum. */
class WebhookHandlerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "webhook-secret-for-tests";
    private static final RoomId COURSES = RoomId.of("!courses:coop.example");
    private static final RoomId GENERAL = RoomId.of("!general:coop.example");

    @TempDir
    Path dir;
    private TestDatabase db;
    private final MockWebServer forum = new MockWebServer();
    private final MatrixClient matrix = mock(MatrixClient.class);
    private final List<OutgoingMessage> sent = new ArrayList<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final AtomicInteger deliveries = new AtomicInteger(100);
    private final WebhookSignature signature = new WebhookSignature(SECRET);
    private WebhookHandler handler;

    @BeforeEach
    void setUp() throws Exception {
        forum.start();
        db = TestDatabase.open("jdbc:sqlite:" + dir.resolve("t.db"), 2);
        when(matrix.join(anyString())).thenAnswer(i -> RoomId.of(i.getArgument(0)));
        when(matrix.send(any(), any(), anyString())).thenAnswer(i -> {
            sent.add(i.getArgument(1));
            return EventId.of("$e" + ids.incrementAndGet());
        });
        String base = forum.url("/").toString().replaceAll("/$", "");
        DiscourseClient client = new DiscourseClient(new OkHttpClient(), base, "key", null);
        Categories categories = new Categories(new Categories.Source() {
            @Override
            public java.util.Optional<com.fasterxml.jackson.databind.JsonNode> site() throws DiscourseClient.ForumUnavailable {
                return client.readFeed("/site.json");
            }

            @Override
            public java.util.Optional<com.fasterxml.jackson.databind.JsonNode> category(long id) throws DiscourseClient.ForumUnavailable {
                return client.getIfVisible("/c/" + id + "/show.json");
            }
        }, Clock.systemUTC());
        Routing routing = new Routing(List.of(
                new ForumConfig.Route(5L, "courses", "Courses", null, TestRooms.of(COURSES.value()), true),
                new ForumConfig.Route(null, null, null, List.of("partout"), TestRooms.of(GENERAL.value()), false)),
                List.of(), base, categories);
        ForumStore store = new ForumStore(db, "forum");
        Announcer announcer = new Announcer(matrix, store, routing, Texts.FR, base, "forum", 5, LoggerFactory.getLogger("test"));
        handler = new WebhookHandler(signature, announcer, categories, store, client, Clock.systemUTC(), LoggerFactory.getLogger("test"));
    }

    @AfterEach
    void tearDown() {
        db.close();
        forum.close();
    }

    /** A topic webhook's body, checked against Discourse's description. */
    private static ObjectNode topic(long id, String title, long category, String deletedAt, String... tags) {
        return DiscourseFixtures.webhook("topic_created", DiscourseFixtures.topicWebhook(id, title, category, deletedAt, tags));
    }

    /** Signs {@code body} and delivers it as {@code event}, with a new delivery ID (as Discourse's retries have). */
    private RouteResponse deliver(String event, byte[] body) {
        String type = event.substring(0, event.indexOf('_'));
        Map<String, List<String>> headers = Map.of(
                "x-discourse-event", List.of(event), "x-discourse-event-type", List.of(type),
                "x-discourse-event-id", List.of(String.valueOf(deliveries.incrementAndGet())),
                "x-discourse-event-signature", List.of("sha256=" + signature.sign(body)));
        return handler.handle(new RouteRequest("POST", "/webhook", headers, body));
    }

    private RouteResponse deliver(String event, ObjectNode payload) throws Exception {
        return deliver(event, JSON.writeValueAsBytes(payload));
    }

    @Test
    void aSignedBodySentAgainIsHandledOnceWhateverItsDeliveryId() throws Exception {
        assertThat(deliver("topic_created", topic(1, "Pain", 5, null)).status()).isEqualTo(200);
        byte[] first = JSON.writeValueAsBytes(topic(1, "Pain du jeudi", 5, null));
        assertThat(deliver("topic_edited", first).status()).isEqualTo(200);
        assertThat(deliver("topic_edited", topic(1, "Pain du vendredi", 5, null)).status()).isEqualTo(200);

        RouteResponse replay = deliver("topic_edited", first);
        assertThat(replay.status()).isEqualTo(200);
        assertThat(replay.json()).contains("already handled");
        ArgumentCaptor<OutgoingMessage> edits = ArgumentCaptor.forClass(OutgoingMessage.class);
        verify(matrix, times(2)).edit(eq(COURSES), eq(EventId.of("$e1")), edits.capture(), anyString());
        assertThat(edits.getValue().body()).as("the last edit stays").contains("Pain du vendredi");
    }

    @Test
    void aCreatedTopicsBodyCannotBeSentAsItsDeletion() throws Exception {
        byte[] created = JSON.writeValueAsBytes(topic(1, "Pain", 5, null));
        assertThat(deliver("topic_created", created).status()).isEqualTo(200);
        RouteResponse asDeletion = deliver("topic_destroyed", created);
        assertThat(asDeletion.status()).isEqualTo(422);
        assertThat(asDeletion.json()).contains("deleted_at");
        assertThat(deliver("post_destroyed", created).status()).as("a topic's body as a post event").isEqualTo(422);
        assertThat(deliver("topic_created", topic(2, "Ancien", 5, "2026-11-02T10:00:00Z")).status()).isEqualTo(422);
        verify(matrix, never()).redact(any(), any(), any(), anyString());
        assertThat(sent).hasSize(1);
    }

    @Test
    void aDeletionIsBelievedOnlyWhenTheForumDoesNotShowTheTopicLive() throws Exception {
        assertThat(deliver("topic_created", topic(1, "Pain", 5, null)).status()).isEqualTo(200);
        // Deleted once, then recovered: the old deletion, sent again, is refused.
        forum.enqueue(new MockResponse(200, Headers.of("Content-Type", "application/json"),
                DiscourseFixtures.response("/t/1.json", DiscourseFixtures.topicView(1, "Pain", 5, null)).toString()));
        assertThat(deliver("topic_destroyed", topic(1, "Pain", 5, "2026-11-02T10:00:00Z")).status()).isEqualTo(409);
        verify(matrix, never()).redact(any(), any(), any(), anyString());
        assertThat(forum.takeRequest().getUrl().encodedPath()).isEqualTo("/t/1.json");

        forum.enqueue(new MockResponse(404, Headers.of(), "{}"));
        assertThat(deliver("topic_destroyed", topic(1, "Pain", 5, "2026-11-03T10:00:00Z")).status()).isEqualTo(200);
        verify(matrix).redact(eq(COURSES), eq(EventId.of("$e1")), any(), anyString());
    }

    @Test
    void unlistingATopicWithdrawsItsAnnouncement() throws Exception {
        assertThat(deliver("topic_created", topic(1, "Pain", 5, null)).status()).isEqualTo(200);
        ObjectNode unlisted = topic(1, "Pain", 5, null);
        ((ObjectNode) unlisted.path("topic")).put("visible", false);
        assertThat(deliver("topic_visible_status_updated", unlisted).status()).isEqualTo(200);
        verify(matrix).redact(eq(COURSES), eq(EventId.of("$e1")), any(), anyString());
    }

    @Test
    void whileTheForumCannotTellWhetherACategoryIsPublicTheDeliveryIsRefusedForARetry() throws Exception {
        forum.enqueue(new MockResponse(502, Headers.of(), ""));
        ObjectNode tagged = topic(7, "Fermeture exceptionnelle", 9, null, "partout");
        assertThat(deliver("topic_created", tagged).status()).isEqualTo(503);
        assertThat(sent).isEmpty();

        forum.enqueue(new MockResponse(200, Headers.of("Content-Type", "application/json"),
                DiscourseFixtures.response("/site.json", DiscourseFixtures.site(
                        DiscourseFixtures.siteCategory(9, "Divers", "divers", false, null),
                        DiscourseFixtures.siteCategory(12, "Bureau", "bureau", true, null))).toString()));
        assertThat(deliver("topic_created", tagged).status()).as("Discourse's retry").isEqualTo(200);
        assertThat(sent).extracting(OutgoingMessage::body).singleElement().asString().contains("Fermeture exceptionnelle");
        assertThat(deliver("topic_created", topic(8, "Salaires", 12, null, "partout")).status()).isEqualTo(200);
        assertThat(sent).as("a restricted category, tagged for everyone").hasSize(1);
    }

    @Test
    void eventsNothingIsDoneForAreAcceptedWhateverTheirShape() throws Exception {
        byte[] body = "{\"user_badge\": {\"id\": 3}}".getBytes(StandardCharsets.UTF_8);
        Map<String, List<String>> headers = Map.of("x-discourse-event", List.of("user_badge_granted"),
                "x-discourse-event-type", List.of("user_badge"), "x-discourse-event-signature", List.of("sha256=" + signature.sign(body)));
        assertThat(handler.handle(new RouteRequest("POST", "/webhook", headers, body)).status()).isEqualTo(200);
        assertThat(WebhookHandler.mismatch("topic_edited", "post", JSON.createObjectNode())).contains("X-Discourse-Event-Type");
        assertThat(WebhookHandler.mismatch("ping", "ping", JSON.createObjectNode().put("ping", "OK"))).isNull();
    }

    @Test
    void aHugeTitleAndADeeplyNestedPostAreAnnouncedSmallEnoughForMatrix() throws Exception {
        ObjectNode t = topic(9, "Pain ".repeat(40_000), 5, null);
        ((ObjectNode) t.path("topic").path("created_by")).put("username", "alice".repeat(1_000));
        assertThat(deliver("topic_created", t).status()).isEqualTo(200);
        ObjectNode post = JSON.createObjectNode();
        post.putObject("post").put("id", 90).put("topic_id", 9).put("post_number", 1).put("post_type", 1).put("user_id", 3)
                .put("username", "alice").put("cooked", "<blockquote><b>".repeat(5_000) + "au fond" + "<br>".repeat(50_000))
                .put("topic_title", "Pain").put("topic_slug", "sujet-9").put("category_id", 5).put("topic_archetype", "regular");
        assertThat(deliver("post_created", post).status()).isEqualTo(200);

        List<OutgoingMessage> all = org.mockito.Mockito.mockingDetails(matrix).getInvocations().stream()
                .flatMap(inv -> java.util.Arrays.stream(inv.getArguments()))
                .filter(OutgoingMessage.class::isInstance).map(OutgoingMessage.class::cast).toList();
        assertThat(all).hasSizeGreaterThanOrEqualTo(2);
        for (OutgoingMessage m : all) {
            int size = m.toContent().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            assertThat(size).as("announcement of %s…", m.body().substring(0, 40)).isLessThan(Announcer.MAX_MESSAGE_BYTES);
        }
        assertThat(all.get(all.size() - 1).body()).contains("Pain Pain", "…", "au fond");
    }
}
