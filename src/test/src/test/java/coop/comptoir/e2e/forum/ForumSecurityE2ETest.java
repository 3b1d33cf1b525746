package coop.comptoir.e2e.forum;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.e2e.rig.ComptoirProcess;
import coop.comptoir.e2e.rig.Events;
import coop.comptoir.e2e.rig.MatrixTestClient;
import coop.comptoir.e2e.rig.Rig;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * What must not leave the forum, through the real Synapse: a forum with a public category
 * ("Annonces", 61) and a read-restricted one ("Bureau", 62); one room takes every category (a route
 * without {@code category_id}), the staff room names the restricted one. Webhooks only, signed with
 * the shared secret, some of them sent again as someone holding a captured delivery would.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ForumSecurityE2ETest {
    private static final Duration WAIT = Duration.ofSeconds(45);
    private static final String SECRET = "e2e-security-webhook-secret-42";
    private static final String API_KEY = "e2e-security-api-key-0123456789";
    private static final long PUBLIC = 61, BUREAU = 62;

    private static FakeDiscourse discourse;
    private static ComptoirProcess comptoir;
    private static MatrixTestClient alice;
    private static String everyoneRoom, staffRoom, bot, webhookUrl;

    @BeforeAll
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    static void start() throws Exception {
        var latest = ForumE2ETest.referenceLatestForOthers();
        Rig rig = Rig.get();
        bot = rig.botUserId();
        discourse = new FakeDiscourse(latest);
        discourse.addCategory(PUBLIC, "Annonces", false);
        discourse.addCategory(BUREAU, "Bureau", true);
        alice = rig.newUser("alice");
        everyoneRoom = alice.createRoom(bot);
        staffRoom = alice.createRoom(bot);
        comptoir = rig.comptoir("forum-security", c -> {
            ObjectNode forum = ((ArrayNode) c.withArray("plugins")).addObject();
            forum.put("type", "forum").put("id", "forum").put("url", discourse.url()).put("api_key", API_KEY);
            forum.putObject("webhook").put("secret", SECRET);
            ArrayNode routes = forum.putArray("routes");
            routes.addObject().putArray("rooms").add(everyoneRoom);
            ObjectNode staff = routes.addObject().put("category_id", BUREAU).put("category_slug", "bureau");
            staff.putArray("rooms").add(staffRoom);
        }).start();
        webhookUrl = comptoir.url() + "/_comptoir/plugins/forum/webhook";
        alice.awaitEvent(everyoneRoom, Events.membership(bot, "join"), WAIT);
        alice.awaitEvent(staffRoom, Events.membership(bot, "join"), WAIT);
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (comptoir != null) {
                assertThat(comptoir.logText()).as("Comptoir's log").doesNotContain(SECRET).doesNotContain(API_KEY);
                comptoir.stop();
            }
        } finally {
            if (discourse != null) {
                discourse.close();
            }
        }
    }

    private static Predicate<JsonNode> announcement(String text) {
        return Events.newMessageFrom(bot, text);
    }

    /** Every event of the room from the bot mentioning {@code text} anywhere (body, edits, HTML). */
    private static List<JsonNode> fromBotMentioning(String room, String text) {
        return alice.roomMessages(room).stream().filter(e -> bot.equals(e.path("sender").asText()))
                .filter(e -> e.toString().contains(text)).toList();
    }

    private static Predicate<JsonNode> redactionOf(String eventId) {
        return e -> "m.room.redaction".equals(e.path("type").asText()) && (eventId.equals(e.path("redacts").asText())
                || eventId.equals(e.path("content").path("redacts").asText()));
    }

    /** A topic created on the forum now: in {@code /latest.json}, readable at {@code /t/{id}.json}, and announced by webhook. */
    private static int create(long id, String title, long category) throws Exception {
        discourse.addTopic(id, title, category);
        return discourse.sendWebhook(webhookUrl, "topic_created", FakeDiscourse.topicPayload(id, title, category), SECRET);
    }

    @Test
    @Order(1)
    void aRestrictedCategoryReachesOnlyTheRoomNamingIt() throws Exception {
        assertThat(create(6101, "Entretiens annuels du bureau", BUREAU)).isEqualTo(200);
        alice.awaitEvent(staffRoom, announcement("Entretiens annuels du bureau"), WAIT);
        // A later public topic: once it is in the room for every category, the restricted one would be there too.
        assertThat(create(6102, "Marché de Noël", PUBLIC)).isEqualTo(200);
        alice.awaitEvent(everyoneRoom, announcement("Marché de Noël"), WAIT);
        assertThat(fromBotMentioning(everyoneRoom, "Entretiens")).isEmpty();
        assertThat(fromBotMentioning(staffRoom, "Marché de Noël")).as("the staff room names one category").isEmpty();
    }

    @Test
    @Order(2)
    void aTopicMovedIntoTheRestrictedCategoryIsWithdrawnWithoutShowingItsNewTitle() throws Exception {
        assertThat(create(6103, "Question sur la caisse", PUBLIC)).isEqualTo(200);
        JsonNode a = alice.awaitEvent(everyoneRoom, announcement("Question sur la caisse"), WAIT);

        String moved = "Erreur de caisse de Paul";
        discourse.renameTopic(6103, moved);
        discourse.moveTopic(6103, BUREAU);
        assertThat(discourse.sendWebhook(webhookUrl, "topic_edited", FakeDiscourse.topicPayload(6103, moved, BUREAU), SECRET))
                .isEqualTo(200);
        alice.awaitEvent(everyoneRoom, redactionOf(a.path("event_id").asText()), WAIT);
        assertThat(fromBotMentioning(everyoneRoom, "Paul")).as("the new title in the room for every category").isEmpty();
    }

    @Test
    @Order(3)
    void theCommandListsOnlyWhatTheRoomMaySee() throws Exception {
        discourse.addTopic(6104, "Salaires 2027", BUREAU);
        String all = alice.sendText(everyoneRoom, "!forum");
        JsonNode list = alice.awaitEvent(everyoneRoom, Events.noticeReply(bot, all, "Derniers sujets"), WAIT);
        assertThat(list.toString()).contains("Marché de Noël").doesNotContain("Salaires", "Entretiens");

        String named = alice.sendText(everyoneRoom, "!forum bureau");
        JsonNode refused = alice.awaitEvent(everyoneRoom, Events.noticeReply(bot, named, "bureau"), WAIT);
        assertThat(refused.toString()).doesNotContain("Salaires");

        String staff = alice.sendText(staffRoom, "!forum bureau");
        JsonNode staffList = alice.awaitEvent(staffRoom, Events.noticeReply(bot, staff, "Derniers sujets"), WAIT);
        assertThat(staffList.toString()).contains("Salaires 2027");
    }

    @Test
    @Order(4)
    void aCapturedDeliveryCannotBeSentAgainNorUnderAnotherEvent() throws Exception {
        byte[] created = FakeDiscourse.body(FakeDiscourse.topicPayload(6105, "Atelier vélo", PUBLIC));
        discourse.addTopic(6105, "Atelier vélo", PUBLIC);
        assertThat(discourse.sendBody(webhookUrl, "topic_created", created, SECRET)).isEqualTo(200);
        JsonNode a = alice.awaitEvent(everyoneRoom, announcement("Atelier vélo"), WAIT);

        assertThat(discourse.sendBody(webhookUrl, "topic_destroyed", created, SECRET)).as("a creation sent as a deletion")
                .isEqualTo(422);

        byte[] second = FakeDiscourse.body(FakeDiscourse.topicPayload(6105, "Atelier vélo : samedi", PUBLIC));
        assertThat(discourse.sendBody(webhookUrl, "topic_edited", second, SECRET)).isEqualTo(200);
        alice.awaitEvent(everyoneRoom, edit("Atelier vélo : samedi"), WAIT);
        assertThat(discourse.sendBody(webhookUrl, "topic_edited",
                FakeDiscourse.body(FakeDiscourse.topicPayload(6105, "Atelier vélo : dimanche", PUBLIC)), SECRET)).isEqualTo(200);
        alice.awaitEvent(everyoneRoom, edit("Atelier vélo : dimanche"), WAIT);

        assertThat(discourse.sendBody(webhookUrl, "topic_edited", second, SECRET)).as("an old edit sent again").isEqualTo(200);
        assertThat(create(6106, "Repère après le rejeu", PUBLIC)).isEqualTo(200);
        alice.awaitEvent(everyoneRoom, announcement("Repère après le rejeu"), WAIT);
        assertThat(alice.roomMessages(everyoneRoom).stream().filter(edit("Atelier vélo : samedi")).count())
                .as("edits back to the old title").isEqualTo(1);
        assertThat(alice.roomMessages(everyoneRoom).stream().filter(redactionOf(a.path("event_id").asText())).count()).isZero();
    }

    @Test
    @Order(5)
    void anOldDeletionOfATopicTheForumShowsLiveIsRefused() throws Exception {
        assertThat(create(6107, "Bourse aux plantes", PUBLIC)).isEqualTo(200);
        JsonNode a = alice.awaitEvent(everyoneRoom, announcement("Bourse aux plantes"), WAIT);
        ObjectNode deletion = FakeDiscourse.topicPayload(6107, "Bourse aux plantes", PUBLIC);
        ((ObjectNode) deletion.path("topic")).put("deleted_at", Instant.now().minus(Duration.ofDays(40)).toString());
        assertThat(discourse.sendWebhook(webhookUrl, "topic_destroyed", deletion, SECRET)).as("deleted, then recovered")
                .isEqualTo(409);

        discourse.deleteTopic(6107);
        ((ObjectNode) deletion.path("topic")).put("deleted_at", Instant.now().toString());
        assertThat(discourse.sendWebhook(webhookUrl, "topic_destroyed", deletion, SECRET)).isEqualTo(200);
        alice.awaitEvent(everyoneRoom, redactionOf(a.path("event_id").asText()), WAIT);
    }

    private static Predicate<JsonNode> edit(String text) {
        return Events.messageFrom(bot).and(e -> "m.replace".equals(e.path("content").path("m.relates_to").path("rel_type").asText())
                && e.path("content").path("m.new_content").path("body").asText().contains(text));
    }
}
