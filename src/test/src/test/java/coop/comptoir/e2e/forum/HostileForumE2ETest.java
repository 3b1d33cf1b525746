package coop.comptoir.e2e.forum;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.e2e.hostile.HostileCorpus;
import coop.comptoir.e2e.hostile.HostileCorpus.Item;
import coop.comptoir.e2e.hostile.MatrixSafety;
import coop.comptoir.e2e.rig.ComptoirProcess;
import coop.comptoir.e2e.rig.Events;
import coop.comptoir.e2e.rig.MatrixTestClient;
import coop.comptoir.e2e.rig.Rig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The hostile-content corpus ({@link HostileCorpus}) from a forum to Matrix: each text item is the
 * title and the first post of a topic, sent as Discourse's signed webhooks, through the real
 * Synapse. Each topic is followed by an ordinary one that must be announced after it. Raw invalid
 * UTF-8 and a body over the webhook's limit are sent too: refused, and the next topic still comes.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class HostileForumE2ETest {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String SECRET = "e2e-hostile-webhook-secret-77";
    private static final String API_KEY = "e2e-hostile-api-key-0123456789";
    private static final long CATEGORY = 71;
    /** What the webhook route takes (RouteOptions.DEFAULT_MAX_BODY_BYTES). */
    private static final int ROUTE_LIMIT = 1024 * 1024;

    private static FakeDiscourse discourse;
    private static ComptoirProcess comptoir;
    private static MatrixTestClient alice;
    private static String room, bot, webhookUrl;
    private static final List<String> findings = new ArrayList<>();

    @BeforeAll
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    static void start() throws Exception {
        var latest = ForumE2ETest.referenceLatestForOthers();
        Rig rig = Rig.get();
        bot = rig.botUserId();
        discourse = new FakeDiscourse(latest);
        alice = rig.newUser("alice");
        room = alice.createRoom(bot);
        comptoir = rig.comptoir("forum-hostile", c -> {
            ObjectNode forum = ((ArrayNode) c.withArray("plugins")).addObject();
            forum.put("type", "forum").put("id", "forum").put("url", discourse.url()).put("api_key", API_KEY);
            forum.putObject("webhook").put("secret", SECRET);
            ObjectNode route = forum.putArray("routes").addObject().put("category_id", CATEGORY).put("category_slug", "divers");
            route.putArray("rooms").add(room);
        }).start();
        webhookUrl = comptoir.url() + "/_comptoir/plugins/forum/webhook";
        alice.awaitEvent(room, Events.membership(bot, "join"), WAIT);
    }

    @AfterAll
    static void stop() throws Exception {
        findings.forEach(f -> System.out.println("hostile corpus, forum: " + f));
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

    @Test
    void everyItemFromTheForumIsAnnouncedSafelyAndTheNextTopicStillComes() throws Exception {
        Instant start = Instant.now();
        List<Item> items = HostileCorpus.texts();
        Map<String, Long> topics = new LinkedHashMap<>();
        long id = 7000;
        for (Item item : items) {
            id += 2;
            String title = "hx-" + item.id() + " " + item.text();
            ObjectNode topic = FakeDiscourse.topicPayload(id, title, CATEGORY);
            ObjectNode post = FakeDiscourse.postPayload(id * 10, id, 1, title, CATEGORY, item.text());
            int topicStatus = send("topic_created", topic);
            int postStatus = send("post_created", post);
            if (topicStatus == 413) {
                findings.add(item.id() + ": refused by the webhook route (413, over " + ROUTE_LIMIT + " bytes)");
                // Discourse takes posts of 32,000 characters by default: the largest body the route takes must still be announced.
                String shorter = cut(item.text(), ROUTE_LIMIT / 3);
                title = "hx-" + item.id() + " " + shorter;
                topicStatus = send("topic_created", FakeDiscourse.topicPayload(id, title, CATEGORY));
                postStatus = send("post_created", FakeDiscourse.postPayload(id * 10, id, 1, title, CATEGORY, shorter));
            }
            assertThat(List.of(topicStatus, postStatus)).as("webhook answers for %s", item.id()).containsOnly(200);
            topics.put(item.id(), id);
            assertThat(send("topic_created", FakeDiscourse.topicPayload(id + 1, "témoin après " + item.id(), CATEGORY)))
                    .isEqualTo(200);
        }
        // Invalid UTF-8 on the wire, correctly signed: refused as not JSON, and nothing else moves.
        byte[] invalid = "{\"topic\":{\"id\":7999,\"title\":\"caf\u00e9 XX\",\"category_id\":71}}".getBytes(StandardCharsets.ISO_8859_1);
        int at = indexOf(invalid, (byte) 'X');
        invalid[at] = (byte) 0xC3;
        invalid[at + 1] = (byte) 0x28;
        int invalidStatus = discourse.sendBody(webhookUrl, "topic_created", invalid, SECRET);
        findings.add("invalid UTF-8 in a signed webhook body: answered " + invalidStatus);
        assertThat(invalidStatus).as("a signed body that is not UTF-8").isEqualTo(400);
        assertThat(send("topic_created", FakeDiscourse.topicPayload(8001, "témoin final", CATEGORY))).isEqualTo(200);
        alice.awaitEvent(room, Events.newMessageFrom(bot, "témoin final"), WAIT);
        findings.add(items.size() + " items announced in " + Duration.between(start, Instant.now()).toSeconds() + " s");

        List<JsonNode> events = alice.roomMessages(room).stream().filter(Events.messageFrom(bot)).toList();
        Map<String, List<String>> problems = new LinkedHashMap<>();
        for (JsonNode e : events) {
            List<String> wrong = MatrixSafety.problems(e);
            if (!wrong.isEmpty()) {
                problems.put(e.path("event_id").asText() + " " + shorten(e.path("content").path("body").asText()), wrong);
            }
        }
        int previous = -1;
        for (Item item : items) {
            int announced = indexOf(events, "hx-" + item.id(), previous + 1);
            int witness = indexOf(events, "témoin après " + item.id(), previous + 1);
            if (announced < 0 || witness < announced) {
                problems.put(item.id(), List.of("not announced, or not before the next topic (at " + announced + ", next " + witness + ")"));
            } else {
                findings.add(item.id() + ": announced in " + events.get(announced).toString().getBytes(StandardCharsets.UTF_8).length
                        + " bytes");
            }
            previous = Math.max(previous, witness);
        }
        assertThat(problems).as("what a Matrix reader would suffer").isEmpty();
        assertThat(comptoir.logText()).doesNotContain("StackOverflowError").doesNotContain("OutOfMemoryError");
    }

    private static int send(String event, ObjectNode payload) throws Exception {
        return discourse.sendBody(webhookUrl, event, coop.comptoir.e2e.hostile.HostileJson.text(payload)
                .getBytes(StandardCharsets.UTF_8), SECRET);
    }

    private static int indexOf(List<JsonNode> events, String text, int from) {
        for (int i = Math.max(0, from); i < events.size(); i++) {
            if (Events.bodyContains(text).test(events.get(i))) {
                return i;
            }
        }
        return -1;
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static String cut(String s, int chars) {
        int end = Math.min(s.length(), chars);
        if (end > 0 && end < s.length() && Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end);
    }

    private static String shorten(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }
}
