package coop.comptoir.e2e.discord;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.e2e.rig.ComptoirProcess;
import coop.comptoir.e2e.rig.Events;
import coop.comptoir.e2e.rig.Http;
import coop.comptoir.e2e.rig.MatrixTestClient;
import coop.comptoir.e2e.rig.Rig;
import coop.comptoir.testing.discord.FakeChannel;
import coop.comptoir.testing.discord.FakeDiscord;
import coop.comptoir.testing.discord.FakeMessage;
import coop.comptoir.testing.discord.FakeUser;
import coop.comptoir.testing.discord.RecordedCall;
import java.nio.charset.StandardCharsets;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The Discord bridge through the real Synapse: Comptoir runs from the shaded jar as a subprocess and
 * its Discord connector talks to a fake Discord (REST, Gateway, CDN) in this JVM. Rooms are linked
 * with {@code !bridge link discord <id>}; every request Comptoir makes to Discord is checked against
 * Discord's API description at the end.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DiscordBridgeE2ETest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String TOKEN = "e2e-discord-bot-token-0123456789abcdef";

    private static Rig rig;
    private static FakeDiscord discord;
    private static ComptoirProcess comptoir;
    private static MatrixTestClient alice;
    private static MatrixTestClient bob;
    private static String bot;
    private static FakeUser dAlice;
    private static FakeUser dBob;
    private static FakeChannel general;
    private static FakeChannel fils;
    private static FakeChannel panne;
    private static FakeChannel crash;
    private static FakeChannel archives;
    private static FakeChannel annonces;
    private static String generalRoom;
    private static String filsRoom;
    /** A tiny PNG (the 8-byte signature and an IHDR chunk's start): enough for the type to be told. */
    private static final byte[] AVATAR = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
    private static String panneRoom;
    private static String crashRoom;
    private static String archivesRoom;
    private static String annoncesRoom;

    @BeforeAll
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    static void start() throws Exception {
        rig = Rig.get();
        bot = rig.botUserId();
        discord = FakeDiscord.builder().botToken(TOKEN).guild("Comptoir", "general", "fils", "panne", "crash", "archives", "annonces")
                .user("alice", "Alice").user("bob", "Bob").start();
        if (discord.spec().isEmpty()) {
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException("CI=true but Discord's API description is missing: set -Dcomptoir.shared.dir");
            }
            System.out.println("skipped: Comptoir's requests to Discord are not checked against Discord's API description"
                    + " (../shared/spec/discord/openapi.json not found)");
        }
        dAlice = discord.user("alice");
        dBob = discord.user("bob");
        general = discord.channel("general");
        fils = discord.channel("fils");
        panne = discord.channel("panne");
        crash = discord.channel("crash");
        archives = discord.channel("archives");
        annonces = discord.channel("annonces");

        alice = rig.newUser("alice");
        alice.setDisplayName("Alice Matrix");
        alice.setAvatarUrl(alice.upload(AVATAR, "image/png", "alice.png"));
        bob = rig.newUser("bob");
        generalRoom = alice.createRoom(bot, bob.userId());
        filsRoom = alice.createRoom(bot);
        panneRoom = alice.createRoom(bot);
        crashRoom = alice.createRoom(bot);
        archivesRoom = alice.createRoom(bot);
        annoncesRoom = alice.createRoom(bot);
        bob.join(generalRoom);

        comptoir = rig.comptoir("discord", c -> {
            c.putObject("commands").putArray("admins").add(alice.userId()); // only Comptoir's admins link rooms
            ObjectNode d = ((ArrayNode) c.withArray("plugins")).addObject();
            d.put("type", "discord").put("id", "discord").put("token", TOKEN).put("language", "en")
                    .put("guild_id", general.guildId())
                    .put("max_retry_delay", "2s")
                    .put("api_base_url", discord.restBaseUrl()).put("gateway_url", discord.gatewayUrl())
                    .put("cdn_url", discord.cdnBaseUrl())
                    .put("public_address", rig.appserviceUrl());
            d.putArray("links").addObject().put("room", annoncesRoom).put("channel", annonces.id());
        }).start();
        for (String room : List.of(generalRoom, filsRoom, panneRoom, crashRoom, archivesRoom, annoncesRoom)) {
            alice.awaitEvent(room, Events.membership(bot, "join"), WAIT);
        }
        discord.awaitConnectedClients(1, WAIT);
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (comptoir != null) {
                assertThat(comptoir.logText()).as("Comptoir's log").doesNotContain(TOKEN);
                for (var hook : discord.webhooks(general.id())) {
                    assertThat(comptoir.logText()).as("Comptoir's log").doesNotContain(hook.token());
                }
                comptoir.stop();
            }
            if (discord != null) {
                discord.assertNoSpecViolations();
                assertThat(discord.unknownRoutes()).as("routes the fake does not serve").isEmpty();
            }
        } finally {
            if (discord != null) {
                discord.close();
            }
        }
    }

    private static String comptoirPublicUrl() {
        return rig.appserviceUrl();
    }

    private static String ghost(FakeUser user) {
        return "@_discord_" + user.id() + ":" + Rig.SERVER_NAME;
    }

    private static void link(String room, FakeChannel channel) {
        String cmd = alice.sendText(room, "!bridge link discord " + channel.id());
        alice.awaitEvent(room, Events.noticeReply(bot, cmd, "linked to #" + channel.name()), WAIT);
    }

    private static FakeMessage onDiscord(FakeChannel channel, String text) {
        return discord.awaitMessageIn(channel.id(), m -> m.isWebhookMessage() && m.content().contains(text), WAIT);
    }

    private static JsonNode onMatrix(String room, FakeUser from, String text) {
        return alice.awaitEvent(room, Events.newMessageFrom(ghost(from), text), WAIT);
    }

    private static long count(String room, Predicate<JsonNode> p) {
        return alice.roomMessages(room).stream().filter(p).count();
    }

    @Test
    @Tag("dendrite")
    @Order(1)
    void onlyComptoirsAdministratorsLinkARoom() {
        String refused = bob.sendText(generalRoom, "!bridge link discord " + general.id());
        // the command router answers in its own language: both say which power level it takes
        // (DiscordBridgeSecurityE2ETest: a room admin who is not among commands.admins is refused too)
        alice.awaitEvent(generalRoom, Events.noticeReply(bot, refused, "100"), WAIT);
        String unknown = alice.sendText(generalRoom, "!bridge link discord 123456");
        alice.awaitEvent(generalRoom, Events.noticeReply(bot, unknown, "cannot find the channel 123456"), WAIT);
        link(generalRoom, general);
        link(filsRoom, fils);
        link(panneRoom, panne);
        link(crashRoom, crash);
    }

    @Test
    @Tag("dendrite")
    @Order(2)
    void textCrossesBothWaysWithNamesAndFormattingAndNoEcho() throws Exception {
        alice.sendText(generalRoom, "Bonjour depuis Matrix");
        FakeMessage posted = onDiscord(general, "Bonjour depuis Matrix");
        assertThat(posted.authorName()).isEqualTo("Alice Matrix");
        assertThat(discord.webhooks(general.id())).singleElement().satisfies(w -> assertThat(w.name()).isEqualTo("Comptoir"));
        RecordedCall execute = discord.awaitRequest(c -> c.is("POST", "/webhooks/\\d+/[^/]+"), WAIT);
        assertThat(execute.json().path("username").asText()).isEqualTo("Alice Matrix");
        assertThat(execute.json().path("allowed_mentions").path("parse")).isEmpty();
        // Discord fetches the sender's avatar from Comptoir, which serves it from the homeserver
        String avatarUrl = execute.json().path("avatar_url").asText();
        assertThat(avatarUrl).startsWith(comptoirPublicUrl() + "/_comptoir/plugins/discord/avatar/");
        HttpResponse<byte[]> avatar = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(avatarUrl)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(avatar.statusCode()).isEqualTo(200);
        assertThat(avatar.headers().firstValue("content-type")).contains("image/png");
        assertThat(avatar.body()).isEqualTo(AVATAR);

        discord.userSays(general.id(), dAlice.id(), "**Salut** depuis Discord, " + dBob.mention());
        JsonNode m = onMatrix(generalRoom, dAlice, "depuis Discord");
        assertThat(m.path("content").path("formatted_body").asText()).contains("<strong>Salut</strong>")
                .contains("https://matrix.to/#/" + ghost(dBob));
        assertThat(m.path("content").path("m.mentions").path("user_ids")).extracting(JsonNode::asText).containsExactly(ghost(dBob));
        assertThat(alice.displayName(ghost(dAlice))).contains("Alice (Discord)");

        // the webhook's echo never came back as a ghost's message
        discord.userSays(general.id(), dBob.id(), "point final");
        onMatrix(generalRoom, dBob, "point final");
        assertThat(count(generalRoom, Events.bodyContains("Bonjour depuis Matrix"))).isEqualTo(1);
        assertThat(count(generalRoom, Events.newMessageFrom(ghost(dAlice), "depuis Discord"))).isEqualTo(1);
    }

    @Test
    @Order(3)
    void editsAndDeletesCrossBothWays() throws Exception {
        String original = alice.sendText(generalRoom, "Réunion à 18h");
        FakeMessage posted = onDiscord(general, "Réunion à 18h");
        ObjectNode edit = Http.object().put("msgtype", "m.text").put("body", "* Réunion à 19h");
        edit.putObject("m.new_content").put("msgtype", "m.text").put("body", "Réunion à 19h");
        edit.putObject("m.relates_to").put("rel_type", "m.replace").put("event_id", original);
        alice.sendEvent(generalRoom, "m.room.message", edit);
        Events.await(() -> discord.findMessage(posted.id()).orElseThrow().content().equals("Réunion à 19h"), WAIT,
                "the edit on Discord");

        alice.redact(generalRoom, original);
        Events.await(() -> discord.findMessage(posted.id()).orElseThrow().deleted(), WAIT, "the deletion on Discord");

        FakeMessage said = discord.userSays(general.id(), dBob.id(), "Livraison lundi");
        JsonNode bridged = onMatrix(generalRoom, dBob, "Livraison lundi");
        discord.userEdits(general.id(), said.id(), "Livraison mardi");
        JsonNode edited = alice.awaitEvent(generalRoom, Events.messageFrom(ghost(dBob)).and(e ->
                e.path("content").path("m.new_content").path("body").asText().equals("Livraison mardi")), WAIT);
        assertThat(edited.path("content").path("m.relates_to").path("event_id").asText())
                .isEqualTo(bridged.path("event_id").asText());
        discord.userDeletes(general.id(), said.id());
        alice.awaitEvent(generalRoom, e -> "m.room.redaction".equals(e.path("type").asText())
                && bridged.path("event_id").asText().equals(redacts(e)), WAIT);
    }

    @Test
    @Order(4)
    void repliesCrossBothWays() {
        FakeMessage question = discord.userSays(general.id(), dAlice.id(), "Qui ferme ce soir ?");
        JsonNode q = onMatrix(generalRoom, dAlice, "Qui ferme ce soir");
        FakeMessage answer = discord.userMessage(general.id(), dBob.id()).content("Moi !").replyTo(question.id()).send();
        JsonNode a = onMatrix(generalRoom, dBob, "Moi !");
        assertThat(Events.inReplyTo(a)).isEqualTo(q.path("event_id").asText());
        assertThat(answer.referencedId()).isEqualTo(question.id());

        ObjectNode reply = Http.object().put("msgtype", "m.text").put("body", "Je peux aussi");
        reply.putObject("m.relates_to").putObject("m.in_reply_to").put("event_id", q.path("event_id").asText());
        alice.sendEvent(generalRoom, "m.room.message", reply);
        FakeMessage posted = onDiscord(general, "Je peux aussi");
        assertThat(posted.content()).startsWith("> \u21AA **Alice**: Qui ferme ce soir ?")
                .contains("https://discord.com/channels/" + general.guildId() + "/" + general.id() + "/" + question.id());
    }

    @Test
    @Order(5)
    void massMentionsNeverPing() {
        alice.sendText(generalRoom, "Attention @room @everyone @here");
        FakeMessage posted = onDiscord(general, "Attention");
        assertThat(posted.content()).doesNotContain("@everyone").doesNotContain("@here");
        RecordedCall call = discord.awaitRequest(c -> c.is("POST", "/webhooks/\\d+/[^/]+")
                && c.json() != null && c.json().path("content").asText().contains("Attention"), WAIT);
        assertThat(call.json().path("allowed_mentions").path("parse")).isEmpty();
        assertThat(posted.json()).doesNotContain("\"mention_everyone\":true");

        discord.userSays(general.id(), dAlice.id(), "Alerte @everyone @here @room");
        JsonNode m = onMatrix(generalRoom, dAlice, "Alerte");
        assertThat(m.path("content").path("body").asText()).doesNotContain("@room");
        assertThat(m.path("content").path("m.mentions").path("room").asBoolean(false)).isFalse();
    }

    @Test
    @Order(6)
    void threadsCrossBothWays() {
        FakeMessage root = discord.userSays(fils.id(), dAlice.id(), "Inventaire samedi");
        JsonNode rootEvent = onMatrix(filsRoom, dAlice, "Inventaire samedi");
        FakeChannel thread = discord.userCreatesThread(fils.id(), root.id(), dAlice.id(), "Inventaire");
        discord.userSays(thread.id(), dBob.id(), "Je viens à 9h");
        JsonNode inThread = onMatrix(filsRoom, dBob, "Je viens à 9h");
        assertThat(inThread.path("content").path("m.relates_to").path("rel_type").asText()).isEqualTo("m.thread");
        assertThat(inThread.path("content").path("m.relates_to").path("event_id").asText())
                .isEqualTo(rootEvent.path("event_id").asText());

        ObjectNode answer = Http.object().put("msgtype", "m.text").put("body", "Moi aussi");
        answer.putObject("m.relates_to").put("rel_type", "m.thread").put("event_id", rootEvent.path("event_id").asText())
                .put("is_falling_back", true).putObject("m.in_reply_to").put("event_id", inThread.path("event_id").asText());
        alice.sendEvent(filsRoom, "m.room.message", answer);
        FakeMessage posted = discord.awaitMessageIn(thread.id(), m -> m.isWebhookMessage() && m.content().contains("Moi aussi"), WAIT);
        assertThat(posted.channelId()).isEqualTo(thread.id());
    }

    @Test
    @Order(7)
    void reactionsCrossBothWays() throws Exception {
        FakeMessage said = discord.userSays(fils.id(), dBob.id(), "Arrivage de pommes");
        JsonNode event = onMatrix(filsRoom, dBob, "Arrivage de pommes");
        ObjectNode reaction = Http.object();
        reaction.putObject("m.relates_to").put("rel_type", "m.annotation").put("event_id", event.path("event_id").asText())
                .put("key", "👍");
        String reactionId = alice.sendEvent(filsRoom, "m.reaction", reaction);
        Events.await(() -> !discord.findMessage(said.id()).orElseThrow().reactions().isEmpty(), WAIT, "the bot's reaction");
        assertThat(discord.findMessage(said.id()).orElseThrow().reactions()).singleElement()
                .satisfies(r -> assertThat(r.userIds()).containsExactly(discord.bot().id()));
        alice.redact(filsRoom, reactionId);
        Events.await(() -> discord.findMessage(said.id()).orElseThrow().reactions().isEmpty(), WAIT, "the reaction taken back");

        discord.userReacts(fils.id(), said.id(), dAlice.id(), "🎉");
        JsonNode mine = alice.awaitEvent(filsRoom, e -> "m.reaction".equals(e.path("type").asText())
                && ghost(dAlice).equals(e.path("sender").asText()), WAIT);
        assertThat(mine.path("content").path("m.relates_to").path("key").asText()).isEqualTo("🎉");
        assertThat(mine.path("content").path("m.relates_to").path("event_id").asText()).isEqualTo(event.path("event_id").asText());
    }

    @Test
    @Order(8)
    void filesStickersAndEmbedsCross() {
        byte[] planning = "planning de novembre".getBytes(StandardCharsets.UTF_8);
        discord.userMessage(fils.id(), dAlice.id()).content("le planning").attachment("planning.txt", "text/plain", planning).send();
        JsonNode file = alice.awaitEvent(filsRoom, Events.messageFrom(ghost(dAlice)).and(Events.msgtype("m.file")), WAIT);
        assertThat(file.path("content").path("body").asText()).isEqualTo("planning.txt");
        assertThat(alice.download(file.path("content").path("url").asText())).isEqualTo(planning);

        discord.userMessage(fils.id(), dBob.id()).content("Rappel").sticker("749054660769218631", "Wave", 1)
                .embed("Assemblée générale", "Jeudi 19 h, salle 2", "https://coop.example/ag").send();
        JsonNode rich = onMatrix(filsRoom, dBob, "Rappel");
        assertThat(rich.path("content").path("body").asText()).contains("sticker: Wave").contains("Assemblée générale")
                .contains("Jeudi 19 h, salle 2");
        JsonNode sticker = alice.awaitEvent(filsRoom, Events.messageFrom(ghost(dBob)).and(Events.msgtype("m.image")), WAIT);
        assertThat(sticker.path("content").path("url").asText()).startsWith("mxc://");

        byte[] list = "farine, sucre, sel".getBytes(StandardCharsets.UTF_8);
        String mxc = alice.upload(list, "text/plain", "courses.txt");
        ObjectNode content = Http.object().put("msgtype", "m.file").put("body", "courses.txt").put("filename", "courses.txt")
                .put("url", mxc);
        content.putObject("info").put("mimetype", "text/plain").put("size", list.length);
        alice.sendEvent(filsRoom, "m.room.message", content);
        FakeMessage posted = discord.awaitMessageIn(fils.id(), m -> m.isWebhookMessage() && !m.attachments().isEmpty(), WAIT);
        assertThat(posted.attachments()).singleElement().satisfies(a -> assertThat(a.filename()).isEqualTo("courses.txt"));
        assertThat(posted.authorName()).isEqualTo("Alice Matrix");
        RecordedCall upload = discord.awaitRequest(c -> c.is("POST", "/webhooks/\\d+/[^/]+") && !c.files().isEmpty(), WAIT);
        assertThat(upload.files().get(0).bytes()).isEqualTo(list);
    }

    @Test
    @Order(9)
    void statusTellsTheConnection() {
        String cmd = alice.sendText(generalRoom, "!bridge status");
        JsonNode answer = alice.awaitEvent(generalRoom, Events.noticeReply(bot, cmd, "connected"), WAIT);
        assertThat(answer.path("content").path("body").asText()).contains(general.id());
    }

    @Test
    @Order(9)
    void aLinkWrittenInTheConfigWorksAndStaysUntilTheConfigChanges() {
        discord.userSays(annonces.id(), dAlice.id(), "Fermeture exceptionnelle lundi");
        onMatrix(annoncesRoom, dAlice, "Fermeture exceptionnelle lundi");
        alice.sendText(annoncesRoom, "Merci pour l'info");
        onDiscord(annonces, "Merci pour l'info");
        String cmd = alice.sendText(annoncesRoom, "!bridge unlink");
        alice.awaitEvent(annoncesRoom, Events.noticeReply(bot, cmd, "configuration file"), WAIT);
    }

    @Test
    @Order(11)
    void messagesWrittenDuringAnOutageArriveInOrderAfterIt() throws Exception {
        discord.outage(true);
        try {
            for (int i = 1; i <= 3; i++) {
                alice.sendText(panneRoom, "pendant la panne " + i);
            }
            Thread.sleep(3000);
            assertThat(discord.webhookMessages(panne.id())).isEmpty();
        } finally {
            discord.outage(false);
        }
        Events.await(() -> discord.webhookMessages(panne.id()).size() >= 3, WAIT, "the three queued messages");
        assertThat(discord.webhookMessages(panne.id())).extracting(FakeMessage::content)
                .containsExactly("pendant la panne 1", "pendant la panne 2", "pendant la panne 3");
        discord.awaitConnectedClients(1, WAIT);
    }

    @Test
    @Order(10)
    void messagesPostedWhileComptoirIsDownArriveInOrderAfterARestart() throws Exception {
        discord.userSays(crash.id(), dAlice.id(), "avant la coupure");
        onMatrix(crashRoom, dAlice, "avant la coupure");

        comptoir.kill();
        discord.awaitConnectedClients(0, WAIT);
        List<String> missed = List.of("pendant 1", "pendant 2", "pendant 3");
        for (String text : missed) {
            discord.postWhileOffline(crash.id(), text.endsWith("2") ? dBob.id() : dAlice.id(), text);
        }
        comptoir.start();
        for (String text : missed) {
            onMatrix(crashRoom, text.endsWith("2") ? dBob : dAlice, text);
        }
        discord.userSays(crash.id(), dAlice.id(), "après le redémarrage");
        onMatrix(crashRoom, dAlice, "après le redémarrage");
        List<String> bodies = alice.roomMessages(crashRoom).stream()
                .filter(e -> e.path("sender").asText().startsWith("@_discord_"))
                .filter(e -> "m.room.message".equals(e.path("type").asText()))
                .map(e -> e.path("content").path("body").asText()).toList();
        assertThat(bodies).containsExactly("avant la coupure", "pendant 1", "pendant 2", "pendant 3", "après le redémarrage");
    }

    @Test
    @Tag("dendrite")
    @Order(12)
    void historyIsImportedWithItsTimestamps() {
        FakeMessage one = discord.userSays(archives.id(), dAlice.id(), "archive un");
        FakeMessage two = discord.userSays(archives.id(), dBob.id(), "archive deux");
        link(archivesRoom, archives);
        String cmd = alice.sendText(archivesRoom, "!bridge import");
        JsonNode first = onMatrix(archivesRoom, dAlice, "archive un");
        JsonNode second = onMatrix(archivesRoom, dBob, "archive deux");
        assertThat(first.path("origin_server_ts").asLong()).isEqualTo(timestamp(one));
        assertThat(second.path("origin_server_ts").asLong()).isEqualTo(timestamp(two));
        assertThat(cmd).isNotBlank();
    }

    private static long timestamp(FakeMessage m) {
        try {
            return OffsetDateTime.parse(Http.JSON.readTree(m.json()).path("timestamp").asText()).toInstant().toEpochMilli();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    /** The event a redaction removes (top level before room version 11, in the content since). */
    private static String redacts(JsonNode redaction) {
        String top = redaction.path("redacts").asText("");
        return top.isEmpty() ? redaction.path("content").path("redacts").asText("") : top;
    }

    @Test
    @Order(13)
    void commandsForComptoirAndTheirAnswersStayOnMatrixWhileOtherBangMessagesCross() {
        String help = alice.sendText(generalRoom, "!help");
        alice.awaitEvent(generalRoom, Events.noticeReply(bot, help, "!bridge"), WAIT);
        alice.sendText(generalRoom, "!important: delivery at 9");
        alice.sendText(generalRoom, "after the commands");
        onDiscord(general, "!important: delivery at 9");
        onDiscord(general, "after the commands");
        assertThat(discord.messagesIn(general.id())).noneMatch(m -> m.content().contains("!help") || m.content().contains("!bridge"));
    }
}
