package coop.comptoir.e2e.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.e2e.hostile.HostileCorpus.Item;
import coop.comptoir.e2e.rig.BridgeConfig;
import coop.comptoir.e2e.rig.BridgeTeardown;
import coop.comptoir.e2e.rig.ComptoirProcess;
import coop.comptoir.e2e.rig.Events;
import coop.comptoir.e2e.rig.Http;
import coop.comptoir.e2e.rig.MatrixTestClient;
import coop.comptoir.e2e.rig.Rig;
import coop.comptoir.testing.rocketchat.FakeMessage;
import coop.comptoir.testing.rocketchat.FakeRocketChat;
import coop.comptoir.testing.rocketchat.FakeRoom;
import coop.comptoir.testing.rocketchat.FakeUser;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The hostile-content corpus ({@link HostileCorpus}) through the Rocket.Chat bridge, both ways, with
 * the real Synapse and the fake Rocket.Chat (which keeps every message created). As for Discord,
 * every item is followed by an ordinary message that must arrive after it.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileRocketChatE2ETest {
    private static final Duration WAIT = Duration.ofSeconds(150);
    private static final String TOKEN = "e2e-rocketchat-hostile-token-0123456789";
    /** Rocket.Chat's default Message_MaxAllowedSize. */
    private static final int MAX_TEXT = 5000;
    /** Rocket.Chat notifies everyone for these words. */
    private static final Pattern MASS_MENTION = Pattern.compile("(?<![\\w@])@(all|here)(?![\\w-])");

    private static FakeRocketChat rc;
    private static ComptoirProcess comptoir;
    private static MatrixTestClient alice;
    private static String bot;
    private static FakeUser rBob;
    private static FakeRoom general;
    private static String room;
    private static final List<String> findings = new ArrayList<>();

    @BeforeAll
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    static void start() throws Exception {
        Rig rig = Rig.get();
        bot = rig.botUserId();
        rc = FakeRocketChat.start(TOKEN);
        rBob = rc.user("bob");
        general = rc.room("general");
        alice = rig.newUser("alice");
        alice.setDisplayName("Alice");
        room = alice.createRoom(bot);
        comptoir = rig.comptoir("hostile-rocketchat", c -> {
            c.putObject("commands").putArray("admins").add(alice.userId());
            ((ArrayNode) c.withArray("plugins")).addObject().put("type", "rocketchat").put("id", "rocketchat")
                    .put("server_url", rc.url()).put("user_id", rc.bot().id()).put("token", TOKEN).put("max_retry_delay", "2s");
        }).start();
        alice.awaitEvent(room, Events.membership(bot, "join"), Duration.ofSeconds(60));
        FakeRocketChat.await(() -> rc.connectedClients() == 1, Duration.ofSeconds(60), "the bridge on the realtime API");
        String cmd = alice.sendText(room, "!bridge link rocketchat " + general.id());
        alice.awaitEvent(room, Events.messageFrom(bot).and(Events.repliesTo(cmd)), Duration.ofSeconds(60));
    }

    @AfterAll
    static void stop() throws Exception {
        findings.forEach(f -> System.out.println("hostile corpus, Rocket.Chat: " + f));
        BridgeTeardown.stop(comptoir, TOKEN, rc, null, null);
    }

    private static String ghost(FakeUser user) {
        return BridgeConfig.rocketChatGhost(user.id());
    }

    @Test
    @Order(1)
    void everyItemFromRocketChatReachesMatrixSafelyAndInOrder() {
        Instant start = Instant.now();
        List<Item> items = HostileCorpus.texts();
        for (Item item : items) {
            rc.userSays(general.id(), "bob", HostileDiscordE2ETest.marker(item) + "\n" + item.text());
            rc.userSays(general.id(), "bob", HostileDiscordE2ETest.witness(item));
        }
        alice.awaitEvent(room, Events.newMessageFrom(ghost(rBob), HostileDiscordE2ETest.witness(items.get(items.size() - 1))), WAIT);
        findings.add("Rocket.Chat → Matrix: " + items.size() + " items in " + Duration.between(start, Instant.now()).toSeconds() + " s");
        List<JsonNode> events = alice.roomMessages(room).stream().filter(Events.messageFrom(ghost(rBob))).toList();
        Map<String, List<String>> problems = new LinkedHashMap<>();
        int previous = -1;
        for (Item item : items) {
            int at = -1;
            int witness = -1;
            for (int i = previous + 1; i < events.size(); i++) {
                String body = HostileDiscordE2ETest.body(events.get(i));
                if (at < 0 && body.startsWith(HostileDiscordE2ETest.marker(item))) {
                    at = i;
                }
                if (witness < 0 && body.equals(HostileDiscordE2ETest.witness(item))) {
                    witness = i;
                }
            }
            List<String> wrong = new ArrayList<>();
            if (at < 0) {
                wrong.add("lost");
            } else {
                wrong.addAll(MatrixSafety.problems(events.get(at)));
                findings.add("Rocket.Chat → Matrix " + item.id() + ": event of "
                        + events.get(at).toString().getBytes(StandardCharsets.UTF_8).length + " bytes");
            }
            if (witness < 0 || witness < at) {
                wrong.add("the message after it is missing or before it");
            }
            if (!wrong.isEmpty()) {
                problems.put(item.id(), wrong);
            }
            previous = Math.max(previous, witness);
        }
        assertThat(problems).as("what a Matrix reader would suffer, per item").isEmpty();
    }

    @Test
    @Order(2)
    void everyItemFromMatrixReachesRocketChatWithinItsLimitsAndNotifiesNobody() {
        Instant start = Instant.now();
        List<Item> items = HostileCorpus.texts();
        List<String> sent = new ArrayList<>();
        for (Item item : items) {
            ObjectNode content = HostileDiscordE2ETest.matrixContent(item, "@_rocketchat_");
            Http.Answer answer = alice.sendEventRaw(room, "m.room.message", HostileJson.text(content));
            if (answer.status() != 200) {
                findings.add("Matrix → Rocket.Chat " + item.id() + ": Synapse refused it (" + answer.status() + ")");
                continue;
            }
            sent.add(item.id());
            alice.sendText(room, HostileDiscordE2ETest.witness(item));
        }
        String last = items.get(items.size() - 1).id();
        rc.awaitMessageIn(general.id(), m -> m.authorId().equals(rc.bot().id()) && m.text().contains("témoin après " + last), WAIT);
        findings.add("Matrix → Rocket.Chat: " + items.size() + " items in " + Duration.between(start, Instant.now()).toSeconds() + " s");
        List<FakeMessage> posted = rc.messagesIn(general.id()).stream().filter(m -> m.authorId().equals(rc.bot().id())).toList();
        Map<String, List<String>> problems = new LinkedHashMap<>();
        for (FakeMessage m : posted) {
            List<String> wrong = new ArrayList<>();
            if (m.text().length() > MAX_TEXT) {
                wrong.add("text of " + m.text().length() + " characters");
            }
            if (MASS_MENTION.matcher(m.text()).find()) {
                wrong.add("notifies the whole room");
            }
            if (!wrong.isEmpty()) {
                problems.put(m.id() + " " + m.text().substring(0, Math.min(60, m.text().length())), wrong);
            }
        }
        int from = 0;
        for (String id : sent) {
            int at = -1;
            int witness = -1;
            for (int i = from; i < posted.size(); i++) {
                if (at < 0 && posted.get(i).text().startsWith("hx-" + id)) {
                    at = i;
                }
                if (witness < 0 && posted.get(i).text().equals("témoin après " + id)) {
                    witness = i;
                }
            }
            if (at < 0 || witness < at) {
                problems.put(id, List.of("lost, or not before the message after it"));
                continue;
            }
            findings.add("Matrix → Rocket.Chat " + id + ": " + (witness - at) + " message(s)");
            from = witness + 1;
        }
        assertThat(problems).as("what a Rocket.Chat reader would suffer").isEmpty();
    }
}
