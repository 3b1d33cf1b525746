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
 * RSS polling through the real Synapse, with the fake Discourse of {@link ForumE2ETest}: one
 * instance has the webhook, JSON polling and {@code /latest.rss} all on (every 5 s), and a second
 * RSS feed, {@code /c/annonces/9.rss}, whose topics are nowhere else, announced in its own room.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ForumRssE2ETest {
    private static final Duration WAIT = Duration.ofSeconds(45);
    private static final String SECRET = "e2e-rss-webhook-secret-0123456789";
    private static final long COURSES = 52;

    private static FakeDiscourse discourse;
    private static ComptoirProcess comptoir;
    private static MatrixTestClient alice;
    private static String coursesRoom, annoncesRoom, bot, webhookUrl;

    @BeforeAll
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    static void start() throws Exception {
        var latest = ForumE2ETest.referenceLatestForOthers();
        Rig rig = Rig.get();
        bot = rig.botUserId();
        discourse = new FakeDiscourse(latest);
        alice = rig.newUser("alice");
        coursesRoom = alice.createRoom(bot);
        annoncesRoom = alice.createRoom(bot);
        comptoir = rig.comptoir("forum-rss", c -> {
            ObjectNode forum = ((ArrayNode) c.withArray("plugins")).addObject();
            forum.put("type", "forum").put("id", "forum").put("url", discourse.url()).put("catch_up_limit", 2);
            forum.putObject("webhook").put("secret", SECRET);
            ArrayNode feeds = forum.putObject("polling").putArray("feeds");
            feeds.addObject().put("interval", "5s");
            ObjectNode rss = feeds.addObject().put("format", "rss").put("url", "/latest.rss").put("interval", "5s");
            rss.putArray("rooms").add(coursesRoom);
            ObjectNode annonces = feeds.addObject().put("url", "/c/annonces/9.rss").put("interval", "5s");
            annonces.putArray("rooms").add(annoncesRoom);
            ObjectNode route = forum.putArray("routes").addObject().put("category_id", COURSES).put("category_slug", "courses");
            route.putArray("rooms").add(coursesRoom);
        }).start();
        webhookUrl = comptoir.url() + "/_comptoir/plugins/forum/webhook";
        alice.awaitEvent(coursesRoom, Events.membership(bot, "join"), WAIT);
        alice.awaitEvent(annoncesRoom, Events.membership(bot, "join"), WAIT);
        Events.await(() -> discourse.rssServed.get() >= 1 && discourse.latestServed.get() >= 1
                && discourse.categoryRssServed.get() >= 1, WAIT, "the first poll of every feed");
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (comptoir != null) {
                assertThat(comptoir.logText()).as("Comptoir's log").doesNotContain(SECRET);
                comptoir.stop();
            }
        } finally {
            if (discourse != null) {
                discourse.close();
            }
        }
    }

    /** An announcement (not an edit) from the bot whose body contains {@code text}. */
    private static Predicate<JsonNode> announcement(String text) {
        return Events.newMessageFrom(bot, text);
    }

    private static long count(String room, Predicate<JsonNode> p) {
        return alice.roomMessages(room).stream().filter(p).count();
    }

    @Test
    @Order(1)
    void aTopicSeenByWebhookJsonAndRssIsAnnouncedOnce() throws Exception {
        String title = "Atelier confitures de la rentrée";
        discourse.addTopic(2001, title, COURSES);
        assertThat(discourse.sendWebhook(webhookUrl, "topic_created", FakeDiscourse.topicPayload(2001, title, COURSES), SECRET))
                .isEqualTo(200);
        JsonNode a = alice.awaitEvent(coursesRoom, announcement(title), WAIT);
        assertThat(a.path("content").path("formatted_body").asText()).contains("href=\"" + discourse.url() + "/t/sujet-2001/2001\"");

        int json = discourse.latestServed.get();
        int rss = discourse.rssServed.get();
        Events.await(() -> discourse.latestServed.get() >= json + 2 && discourse.rssServed.get() >= rss + 2, WAIT,
                "two more polls of /latest.json and /latest.rss");
        assertThat(count(coursesRoom, announcement(title))).as("announcements of the topic").isEqualTo(1);
        assertThat(count(annoncesRoom, announcement(title))).isZero();
        assertThat(discourse.rssNotModified.get()).as("an unchanged RSS feed answers 304").isPositive();
    }

    @Test
    @Order(2)
    void anRssOnlyTopicIsAnnouncedInItsFeedsRoom() throws Exception {
        String title = "Assemblée générale : ordre du jour";
        discourse.addRssOnlyTopic(3001, title);
        JsonNode a = alice.awaitEvent(annoncesRoom, announcement(title), WAIT);
        assertThat(a.path("content").path("formatted_body").asText())
                .contains("href=\"" + discourse.url() + "/t/sujet-3001/3001\"", "Annonce réservée aux membres");

        int served = discourse.categoryRssServed.get();
        Events.await(() -> discourse.categoryRssServed.get() >= served + 2, WAIT, "two more polls of the category feed");
        assertThat(count(annoncesRoom, announcement(title))).as("announced once").isEqualTo(1);
        assertThat(count(coursesRoom, announcement(title))).isZero();
    }
}
