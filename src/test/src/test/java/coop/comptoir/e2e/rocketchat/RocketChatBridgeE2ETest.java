package coop.comptoir.e2e.rocketchat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.e2e.rig.BridgeTeardown;
import coop.comptoir.e2e.rig.ComptoirProcess;
import coop.comptoir.e2e.rig.Events;
import coop.comptoir.e2e.rig.Http;
import coop.comptoir.e2e.rig.MatrixTestClient;
import coop.comptoir.e2e.rig.Rig;
import coop.comptoir.testing.discord.FakeChannel;
import coop.comptoir.testing.discord.FakeDiscord;
import coop.comptoir.testing.rocketchat.FakeMessage;
import coop.comptoir.testing.rocketchat.FakeRocketChat;
import coop.comptoir.testing.rocketchat.FakeRoom;
import coop.comptoir.testing.rocketchat.FakeUser;
import java.time.Duration;
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
 * The Rocket.Chat bridge through the real Synapse: Comptoir runs from the shaded jar and talks to a
 * fake Rocket.Chat (REST + realtime) in this JVM, and, for the three-way test, to a fake Discord
 * too. Counts are taken on the fakes, which keep every message ever created.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RocketChatBridgeE2ETest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String TOKEN = "e2e-rocketchat-token-0123456789abcdef";
    private static final String DISCORD_TOKEN = "e2e-discord-bot-token-for-three-way";

    private static Rig rig;
    private static FakeRocketChat rc;
    private static FakeDiscord discord;
    private static ComptoirProcess comptoir;
    private static MatrixTestClient alice;
    private static String bot;
    private static FakeUser rAlice;
    private static FakeUser rBob;
    private static FakeRoom general;
    private static FakeRoom trois;
    private static FakeChannel dTrois;
    private static String generalRoom;
    private static String troisRoom;

    @BeforeAll
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    static void start() throws Exception {
        rig = Rig.get();
        bot = rig.botUserId();
        rc = FakeRocketChat.start(TOKEN, "trois", "archives");
        if (rc.spec().isEmpty() && "true".equals(System.getenv("CI"))) {
            throw new IllegalStateException("CI=true but Rocket.Chat's API description is missing: set -Dcomptoir.shared.dir");
        }
        discord = FakeDiscord.builder().botToken(DISCORD_TOKEN).guild("Comptoir", "trois").user("dora", "Dora").start();
        rAlice = rc.user("alice");
        rBob = rc.user("bob");
        general = rc.room("general");
        trois = rc.room("trois");
        dTrois = discord.channel("trois");

        alice = rig.newUser("alice");
        alice.setDisplayName("Alice Matrix");
        generalRoom = alice.createRoom(bot);
        troisRoom = alice.createRoom(bot);

        comptoir = rig.comptoir("rocketchat", c -> {
            c.putObject("commands").putArray("admins").add(alice.userId());
            ArrayNode plugins = (ArrayNode) c.withArray("plugins");
            plugins.addObject().put("type", "rocketchat").put("id", "rocketchat").put("server_url", rc.url())
                    .put("user_id", rc.bot().id()).put("token", TOKEN).put("language", "en").put("max_retry_delay", "2s");
            plugins.addObject().put("type", "discord").put("id", "discord").put("token", DISCORD_TOKEN).put("language", "en")
                    .put("guild_id", dTrois.guildId()).put("max_retry_delay", "2s")
                    .put("api_base_url", discord.restBaseUrl()).put("gateway_url", discord.gatewayUrl())
                    .put("cdn_url", discord.cdnBaseUrl());
        }).start();
        for (String room : List.of(generalRoom, troisRoom)) {
            alice.awaitEvent(room, Events.membership(bot, "join"), WAIT);
        }
        FakeRocketChat.await(() -> rc.connectedClients() == 1, WAIT, "the bridge on the realtime API");
        discord.awaitConnectedClients(1, WAIT);
        link(generalRoom, "rocketchat", general.id(), "general");
    }

    @AfterAll
    static void stop() throws Exception {
        BridgeTeardown.stop(comptoir, TOKEN, rc, discord, () -> {
            if (rc != null) {
                assertThat(rc.undescribedRoutes()).as("routes outside the spec subset")
                        .allMatch(r -> r.equals("GET /api/info") || r.contains("/file-upload/") || r.contains("/avatar/"));
            }
        });
    }

    /** The ghost of a Rocket.Chat user: its ID with upper-case letters escaped as the engine does. */
    private static String ghost(FakeUser user) {
        StringBuilder sb = new StringBuilder("@_rocketchat_");
        for (char c : user.id().toCharArray()) {
            sb.append(Character.isUpperCase(c) ? "_" + Character.toLowerCase(c) : String.valueOf(c));
        }
        return sb.append(':').append(Rig.SERVER_NAME).toString();
    }

    private static void link(String room, String network, String channel, String name) {
        String cmd = alice.sendText(room, "!bridge link " + network + " " + channel);
        alice.awaitEvent(room, Events.noticeReply(bot, cmd, "linked to #" + name + " on "
                + ("discord".equals(network) ? "Discord" : "Rocket.Chat")), WAIT);
    }

    private static FakeMessage onRocket(FakeRoom room, String text) {
        return rc.awaitMessageIn(room.id(), m -> m.authorId().equals(rc.bot().id()) && m.text().contains(text), WAIT);
    }

    private static long createdWith(String text) {
        return rc.created().stream().filter(m -> m.text().contains(text)).count();
    }

    private static long onMatrixCount(String room, Predicate<JsonNode> p) {
        return alice.roomMessages(room).stream().filter(p).count();
    }

    @Test
    @Order(1)
    void textCrossesBothWaysOnceWithTheSendersName() throws Exception {
        alice.sendText(generalRoom, "Bonjour depuis Matrix");
        FakeMessage posted = onRocket(general, "Bonjour depuis Matrix");
        assertThat(posted.alias()).isEqualTo("Alice Matrix");
        assertThat(posted.id()).matches("[0-9A-Za-z]{17}");

        rc.userSays(general.id(), "alice", "*Salut* depuis Rocket.Chat, @bob");
        JsonNode m = alice.awaitEvent(generalRoom, Events.newMessageFrom(ghost(rAlice), "depuis Rocket.Chat"), WAIT);
        assertThat(m.path("content").path("formatted_body").asText()).contains("<strong>Salut</strong>")
                .contains("https://matrix.to/#/" + ghost(rBob));
        assertThat(alice.displayName(ghost(rAlice))).contains("Alice (Rocket.Chat)");
        rc.userSays(general.id(), "bob", "point final");
        alice.awaitEvent(generalRoom, Events.newMessageFrom(ghost(rBob), "point final"), WAIT);
        assertThat(createdWith("Bonjour depuis Matrix")).isEqualTo(1);
        assertThat(onMatrixCount(generalRoom, Events.bodyContains("Bonjour depuis Matrix"))).isEqualTo(1);
        assertThat(onMatrixCount(generalRoom, Events.bodyContains("depuis Rocket.Chat"))).isEqualTo(1);
    }

    @Test
    @Order(2)
    void editsAndDeletesCrossBothWays() throws Exception {
        String original = alice.sendText(generalRoom, "Réunion à 18h");
        FakeMessage posted = onRocket(general, "Réunion à 18h");
        ObjectNode edit = Http.object().put("msgtype", "m.text").put("body", "* Réunion à 19h");
        edit.putObject("m.new_content").put("msgtype", "m.text").put("body", "Réunion à 19h");
        edit.putObject("m.relates_to").put("rel_type", "m.replace").put("event_id", original);
        alice.sendEvent(generalRoom, "m.room.message", edit);
        Events.await(() -> rc.message(posted.id()).orElseThrow().text().equals("Réunion à 19h"), WAIT, "the edit on Rocket.Chat");
        alice.redact(generalRoom, original);
        Events.await(() -> rc.message(posted.id()).orElseThrow().deleted(), WAIT, "the deletion on Rocket.Chat");

        FakeMessage said = rc.userSays(general.id(), "bob", "Livraison lundi");
        JsonNode bridged = alice.awaitEvent(generalRoom, Events.newMessageFrom(ghost(rBob), "Livraison lundi"), WAIT);
        rc.userEdits(said.id(), "Livraison mardi");
        alice.awaitEvent(generalRoom, Events.messageFrom(ghost(rBob)).and(e ->
                e.path("content").path("m.new_content").path("body").asText().equals("Livraison mardi")), WAIT);
        rc.userDeletes(said.id());
        alice.awaitEvent(generalRoom, e -> "m.room.redaction".equals(e.path("type").asText())
                && bridged.path("event_id").asText().equals(e.path("redacts").asText(e.path("content").path("redacts").asText())), WAIT);
    }

    @Test
    @Order(3)
    void threadsAndReactionsCrossBothWays() throws Exception {
        FakeMessage root = rc.userSays(general.id(), "alice", "Inventaire samedi");
        JsonNode rootEvent = alice.awaitEvent(generalRoom, Events.newMessageFrom(ghost(rAlice), "Inventaire samedi"), WAIT);
        rc.userSaysInThread(general.id(), "bob", root.id(), "Je viens à 9h");
        JsonNode inThread = alice.awaitEvent(generalRoom, Events.newMessageFrom(ghost(rBob), "Je viens à 9h"), WAIT);
        assertThat(inThread.path("content").path("m.relates_to").path("rel_type").asText()).isEqualTo("m.thread");
        assertThat(inThread.path("content").path("m.relates_to").path("event_id").asText()).isEqualTo(rootEvent.path("event_id").asText());

        ObjectNode answer = Http.object().put("msgtype", "m.text").put("body", "Moi aussi");
        answer.putObject("m.relates_to").put("rel_type", "m.thread").put("event_id", rootEvent.path("event_id").asText())
                .put("is_falling_back", true).putObject("m.in_reply_to").put("event_id", inThread.path("event_id").asText());
        alice.sendEvent(generalRoom, "m.room.message", answer);
        assertThat(onRocket(general, "Moi aussi").threadId()).isEqualTo(root.id());

        ObjectNode reaction = Http.object();
        reaction.putObject("m.relates_to").put("rel_type", "m.annotation").put("event_id", rootEvent.path("event_id").asText())
                .put("key", "👍");
        String reactionId = alice.sendEvent(generalRoom, "m.reaction", reaction);
        Events.await(() -> rc.message(root.id()).orElseThrow().reactions().containsKey(":thumbsup:"), WAIT, "the reaction");
        alice.redact(generalRoom, reactionId);
        Events.await(() -> rc.message(root.id()).orElseThrow().reactions().isEmpty(), WAIT, "the reaction taken back");
        rc.userReacts(root.id(), "bob", ":tada:", true);
        JsonNode mine = alice.awaitEvent(generalRoom, e -> "m.reaction".equals(e.path("type").asText())
                && ghost(rBob).equals(e.path("sender").asText()), WAIT);
        assertThat(mine.path("content").path("m.relates_to").path("key").asText()).isEqualTo("🎉");
    }

    @Test
    @Order(3)
    void quotedRepliesCrossBothWays() {
        FakeMessage question = rc.userSays(general.id(), "alice", "Qui ferme ce soir ?");
        JsonNode q = alice.awaitEvent(generalRoom, Events.newMessageFrom(ghost(rAlice), "Qui ferme ce soir"), WAIT);
        rc.userQuotes(general.id(), "bob", question.id(), "Moi !");
        JsonNode a = alice.awaitEvent(generalRoom, Events.newMessageFrom(ghost(rBob), "Moi !"), WAIT);
        assertThat(Events.inReplyTo(a)).isEqualTo(q.path("event_id").asText());

        ObjectNode reply = Http.object().put("msgtype", "m.text").put("body", "Je peux aussi");
        reply.putObject("m.relates_to").putObject("m.in_reply_to").put("event_id", q.path("event_id").asText());
        alice.sendEvent(generalRoom, "m.room.message", reply);
        assertThat(onRocket(general, "Je peux aussi").text()).startsWith("[ ](" + rc.url() + "/channel/general?msg=" + question.id() + ")");
    }

    @Test
    @Order(4)
    void aDroppedRealtimeConnectionIsCaughtUpWithEachMessageOnce() throws Exception {
        rc.userSays(general.id(), "alice", "avant la coupure");
        alice.awaitEvent(generalRoom, Events.newMessageFrom(ghost(rAlice), "avant la coupure"), WAIT);
        rc.outage(true);
        rc.dropWebSockets();
        rc.userSays(general.id(), "alice", "pendant la coupure 1");
        rc.userSays(general.id(), "bob", "pendant la coupure 2");
        alice.sendText(generalRoom, "depuis Matrix pendant la coupure");
        Thread.sleep(1500);
        rc.outage(false);
        alice.awaitEvent(generalRoom, Events.newMessageFrom(ghost(rBob), "pendant la coupure 2"), WAIT);
        onRocket(general, "depuis Matrix pendant la coupure");
        rc.userSays(general.id(), "alice", "après la coupure");
        alice.awaitEvent(generalRoom, Events.newMessageFrom(ghost(rAlice), "après la coupure"), WAIT);
        Thread.sleep(1000);
        List<JsonNode> seen = alice.roomMessages(generalRoom);
        assertThat(seen.stream().filter(Events.bodyContains("pendant la coupure 1"))).hasSize(1);
        assertThat(seen.stream().filter(Events.bodyContains("pendant la coupure 2"))).hasSize(1);
        int i1 = indexOf(seen, "pendant la coupure 1");
        int i2 = indexOf(seen, "pendant la coupure 2");
        assertThat(i1).as("caught up in order").isLessThan(i2);
        assertThat(createdWith("depuis Matrix pendant la coupure")).isEqualTo(1);
    }

    private static int indexOf(List<JsonNode> events, String text) {
        for (int i = 0; i < events.size(); i++) {
            if (Events.bodyContains(text).test(events.get(i))) {
                return i;
            }
        }
        return -1;
    }

    @Test
    @Order(5)
    void threeWayEachMessageReachesTheTwoOthersOnce() throws Exception {
        link(troisRoom, "rocketchat", trois.id(), "trois");
        link(troisRoom, "discord", dTrois.id(), "trois (Comptoir)");

        alice.sendText(troisRoom, "Depuis Matrix aux deux");
        onRocket(trois, "Depuis Matrix aux deux");
        discord.awaitMessageIn(dTrois.id(), m -> m.content().contains("Depuis Matrix aux deux"), WAIT);

        rc.userSays(trois.id(), "alice", "Depuis Rocket.Chat aux deux");
        alice.awaitEvent(troisRoom, Events.newMessageFrom(ghost(rAlice), "Depuis Rocket.Chat aux deux"), WAIT);
        discord.awaitMessageIn(dTrois.id(), m -> m.content().contains("Depuis Rocket.Chat aux deux"), WAIT);

        discord.userSays(dTrois.id(), discord.user("dora").id(), "Depuis Discord aux deux");
        onRocket(trois, "Depuis Discord aux deux");
        alice.awaitEvent(troisRoom, Events.bodyContains("Depuis Discord aux deux"), WAIT);

        Thread.sleep(2000); // a doubled copy would arrive by now
        for (String text : List.of("Depuis Matrix aux deux", "Depuis Rocket.Chat aux deux", "Depuis Discord aux deux")) {
            assertThat(createdWith(text)).as("on Rocket.Chat: " + text).isEqualTo(1);
            assertThat(discord.messagesIn(dTrois.id()).stream().filter(m -> m.content().contains(text)).count())
                    .as("on Discord: " + text).isEqualTo(1);
            assertThat(onMatrixCount(troisRoom, Events.bodyContains(text))).as("on Matrix: " + text).isEqualTo(1);
        }
        assertThat(onRocket(trois, "Depuis Discord aux deux").alias()).contains("Dora");
    }

    @Test
    @Order(6)
    void withoutMessageImpersonateNamesAreWrittenInTheTextAndTheStatusSaysSo() {
        rc.impersonatePermission(false);
        try {
            alice.sendText(generalRoom, "Sans usurpation");
            FakeMessage posted = onRocket(general, "Sans usurpation");
            assertThat(posted.text()).isEqualTo("**Alice Matrix**: Sans usurpation");
            assertThat(posted.alias()).isNull();
            assertThat(createdWith("Sans usurpation")).isEqualTo(1);
            String cmd = alice.sendText(generalRoom, "!bridge status");
            alice.awaitEvent(generalRoom, Events.noticeReply(bot, cmd, "message-impersonate"), WAIT);
        } finally {
            rc.impersonatePermission(true);
        }
    }

    @Test
    @Order(7)
    void filesCrossBothWaysAndRoomWideMentionsNeverNotify() {
        byte[] planning = "planning de novembre".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        rc.userUploads(general.id(), "alice", "planning.txt", "text/plain", planning);
        JsonNode file = alice.awaitEvent(generalRoom, Events.messageFrom(ghost(rAlice)).and(Events.msgtype("m.file")), WAIT);
        assertThat(file.path("content").path("body").asText()).isEqualTo("planning.txt");
        assertThat(alice.download(file.path("content").path("url").asText())).isEqualTo(planning);

        byte[] list = "farine, sucre, sel".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String mxc = alice.upload(list, "text/plain", "courses.txt");
        ObjectNode content = Http.object().put("msgtype", "m.file").put("body", "courses.txt").put("filename", "courses.txt")
                .put("url", mxc);
        content.putObject("info").put("mimetype", "text/plain").put("size", list.length);
        alice.sendEvent(generalRoom, "m.room.message", content);
        FakeMessage posted = rc.awaitMessageIn(general.id(), m -> "courses.txt".equals(m.fileName()), WAIT);
        assertThat(rc.fileOf(posted.id())).contains(list);
        assertThat(posted.text()).startsWith("**Alice Matrix**");

        // a caption (MSC2530: a body other than the file name) is the file's description on Rocket.Chat, and back
        byte[] agenda = "1. comptes 2. stocks".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        ObjectNode captioned = Http.object().put("msgtype", "m.file").put("body", "L'ordre du jour de l'AG")
                .put("filename", "odj.txt").put("url", alice.upload(agenda, "text/plain", "odj.txt"));
        captioned.putObject("info").put("mimetype", "text/plain").put("size", agenda.length);
        alice.sendEvent(generalRoom, "m.room.message", captioned);
        FakeMessage withCaption = rc.awaitMessageIn(general.id(), m -> "odj.txt".equals(m.fileName()), WAIT);
        assertThat(withCaption.fileDescription()).isEqualTo("L'ordre du jour de l'AG");
        assertThat(rc.fileOf(withCaption.id())).contains(agenda);
        rc.userUploads(general.id(), "bob", "menu.txt", "text/plain", planning, "Le menu de la semaine");
        JsonNode described = alice.awaitEvent(generalRoom, Events.messageFrom(ghost(rBob)).and(Events.msgtype("m.file")), WAIT);
        assertThat(described.path("content").path("body").asText()).isEqualTo("Le menu de la semaine");
        assertThat(described.path("content").path("filename").asText()).isEqualTo("menu.txt");
        assertThat(alice.download(described.path("content").path("url").asText())).isEqualTo(planning);
        assertThat(onMatrixCount(generalRoom, Events.messageFrom(ghost(rBob)).and(Events.bodyContains("Le menu de la semaine"))))
                .as("one event: the file with its caption, no separate text").isEqualTo(1);
        FakeMessage plan = rc.userUploads(general.id(), "bob", "plan.txt", "text/plain", planning);
        String planEvent = alice.awaitEvent(generalRoom, Events.messageFrom(ghost(rBob))
                .and(e -> "plan.txt".equals(e.path("content").path("filename").asText())), WAIT).path("event_id").asText();
        rc.userEdits(plan.id(), "Plan du magasin");
        JsonNode edited = alice.awaitEvent(generalRoom, e -> planEvent.equals(e.path("content").path("m.relates_to").path("event_id").asText())
                && "m.replace".equals(e.path("content").path("m.relates_to").path("rel_type").asText()), WAIT);
        assertThat(edited.path("content").path("m.new_content").path("body").asText()).isEqualTo("Plan du magasin");
        assertThat(edited.path("content").path("m.new_content").path("msgtype").asText()).as("still a file").isEqualTo("m.file");

        alice.sendText(generalRoom, "Attention @all @here");
        assertThat(onRocket(general, "Attention").text()).doesNotContain("@all").doesNotContain("@here");
        rc.userSays(general.id(), "bob", "Alerte @here @room");
        JsonNode m = alice.awaitEvent(generalRoom, Events.newMessageFrom(ghost(rBob), "Alerte"), WAIT);
        assertThat(m.path("content").path("body").asText()).doesNotContain("@room");
        assertThat(m.path("content").path("m.mentions").path("room").asBoolean(false)).isFalse();
    }

    @Test
    @Order(8)
    void aKilledComptoirLosesAndDoublesNothingOnEitherSide() throws Exception {
        for (int i = 1; i <= 4; i++) {
            alice.sendText(generalRoom, "flux matrix " + i);
            rc.userSays(general.id(), i % 2 == 0 ? "bob" : "alice", "flux rocket " + i);
        }
        comptoir.kill(); // as a crash would, while both directions are busy
        for (int i = 5; i <= 6; i++) {
            alice.sendText(generalRoom, "flux matrix " + i);
            rc.userSays(general.id(), "alice", "flux rocket " + i);
        }
        comptoir.start();
        FakeRocketChat.await(() -> rc.connectedClients() == 1, WAIT, "the bridge back on the realtime API");
        Duration longWait = Duration.ofSeconds(75); // the homeserver retries its transactions with a growing delay
        rc.awaitMessageIn(general.id(), m -> m.authorId().equals(rc.bot().id()) && m.text().contains("flux matrix 6"), longWait);
        alice.awaitEvent(generalRoom, Events.newMessageFrom(ghost(rAlice), "flux rocket 6"), longWait);
        Thread.sleep(2000); // a doubled copy would arrive by now
        List<JsonNode> seen = alice.roomMessages(generalRoom);
        int previous = -1;
        for (int i = 1; i <= 6; i++) {
            assertThat(createdWith("flux matrix " + i)).as("on Rocket.Chat: flux matrix " + i).isEqualTo(1);
            String text = "flux rocket " + i;
            assertThat(seen.stream().filter(Events.bodyContains(text))).as("on Matrix: " + text).hasSize(1);
            int at = indexOf(seen, text);
            assertThat(at).as("in order: " + text).isGreaterThan(previous);
            previous = at;
        }
    }

    @Test
    @Order(9)
    void historyIsImportedWithItsTimestamps() {
        FakeRoom archives = rc.room("archives");
        FakeMessage one = rc.userSays(archives.id(), "alice", "archive un");
        FakeMessage two = rc.userSays(archives.id(), "bob", "archive deux");
        String archivesRoom = alice.createRoom(bot);
        alice.awaitEvent(archivesRoom, Events.membership(bot, "join"), WAIT);
        link(archivesRoom, "rocketchat", archives.id(), "archives");
        alice.sendText(archivesRoom, "!bridge import");
        JsonNode first = alice.awaitEvent(archivesRoom, Events.newMessageFrom(ghost(rAlice), "archive un"), WAIT);
        JsonNode second = alice.awaitEvent(archivesRoom, Events.newMessageFrom(ghost(rBob), "archive deux"), WAIT);
        assertThat(first.path("origin_server_ts").asLong()).isEqualTo(one.ts().toEpochMilli());
        assertThat(second.path("origin_server_ts").asLong()).isEqualTo(two.ts().toEpochMilli());
    }

    private String react(String room, String target, String key) {
        ObjectNode reaction = Http.object();
        reaction.putObject("m.relates_to").put("rel_type", "m.annotation").put("event_id", target).put("key", key);
        return alice.sendEvent(room, "m.reaction", reaction);
    }

    /** The keys of the reactions {@code sender} has on Matrix now (redacted ones have none). */
    private static List<String> reactionKeys(String room, String sender) {
        return alice.roomMessages(room).stream()
                .filter(e -> "m.reaction".equals(e.path("type").asText()) && sender.equals(e.path("sender").asText()))
                .map(e -> e.path("content").path("m.relates_to").path("key").asText(""))
                .filter(k -> !k.isEmpty()).toList();
    }

    @Test
    @Order(10)
    void reactionsOfTheWholeEmojiSetCrossBothWaysAndAreTakenBackAfterARestart() throws Exception {
        FakeMessage m = rc.userSays(general.id(), "bob", "Livraison de fromages jeudi");
        String target = alice.awaitEvent(generalRoom, Events.newMessageFrom(ghost(rBob), "Livraison de fromages"), WAIT)
                .path("event_id").asText();
        String flag = react(generalRoom, target, "🇫🇷");
        react(generalRoom, target, "👍🏽");
        Events.await(() -> rc.message(m.id()).orElseThrow().reactions().keySet().containsAll(List.of(":flag_fr:", ":thumbsup_tone3:")),
                WAIT, "a flag and a skin tone on Rocket.Chat");
        rc.userReacts(m.id(), "alice", ":wave_tone4:", true);
        rc.userReacts(m.id(), "alice", ":woman_technologist:", true);
        rc.userReacts(m.id(), "alice", ":comptoir_logo:", true); // a custom emoji of the server: crosses as its name
        Events.await(() -> reactionKeys(generalRoom, ghost(rAlice)).size() == 3, WAIT, "three reactions on Matrix");
        assertThat(reactionKeys(generalRoom, ghost(rAlice))).containsExactlyInAnyOrder("👋🏾", "👩‍💻", ":comptoir_logo:");

        comptoir.restart(); // the connector forgets; the engine's reaction links remain
        FakeRocketChat.await(() -> rc.subscribers(general.id()) == 1, WAIT, "the bridge back on the realtime API");
        rc.userReacts(m.id(), "alice", ":wave_tone4:", false);
        Events.await(() -> reactionKeys(generalRoom, ghost(rAlice)).size() == 2, WAIT, "the reaction taken back on Matrix");
        assertThat(reactionKeys(generalRoom, ghost(rAlice))).containsExactlyInAnyOrder("👩‍💻", ":comptoir_logo:");
        alice.redact(generalRoom, flag);
        Events.await(() -> !rc.message(m.id()).orElseThrow().reactions().containsKey(":flag_fr:"), WAIT,
                "the flag taken back on Rocket.Chat");
        assertThat(rc.message(m.id()).orElseThrow().reactions()).containsKey(":thumbsup_tone3:");
    }
}
