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
import coop.comptoir.testing.rocketchat.FakeMessage;
import coop.comptoir.testing.rocketchat.FakeRocketChat;
import coop.comptoir.testing.rocketchat.FakeRoom;
import coop.comptoir.testing.rocketchat.FakeUser;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Rocket.Chat discussions through the real Synapse: a discussion becomes a Matrix room in the
 * parent's space, announced in the parent, bridged both ways; {@code !bridge discussion} opens one
 * from Matrix; older ones are listed and brought over on demand; a restart keeps them. Texts in
 * French (the default). Counts are taken on the fake, which keeps every message ever created.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RocketChatDiscussionsE2ETest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String TOKEN = "e2e-rocketchat-discussions-token-0123456789";
    private static final Pattern LINK = Pattern.compile("matrix\\.to/#/(![^?\"\\s]+)");

    private static Rig rig;
    private static FakeRocketChat rc;
    private static ComptoirProcess comptoir;
    private static MatrixTestClient alice;
    private static MatrixTestClient bea;
    private static String bot;
    private static FakeUser rBob;
    private static FakeRoom general;
    private static String space;
    private static String generalRoom;
    private static FakeRoom pommes;
    private static String pommesRoom;

    @BeforeAll
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    static void start() throws Exception {
        rig = Rig.get();
        bot = rig.botUserId();
        rc = FakeRocketChat.start(TOKEN, "trois");
        rBob = rc.user("bob");
        general = rc.room("general");

        alice = rig.newUser("alice-disc");
        alice.setDisplayName("Alice Matrix");
        bea = rig.newUser("bea-disc");
        ObjectNode spaceBody = Http.object().put("preset", "private_chat").put("name", "La Coop");
        spaceBody.putObject("creation_content").put("type", "m.space");
        spaceBody.putArray("invite").add(bot);
        // Synapse's default room version (12) gives the creator power without listing them
        spaceBody.putObject("power_level_content_override").putObject("users").put(bot, 100);
        space = alice.createRoom(spaceBody);
        generalRoom = alice.createRoom(bot, bea.userId());
        ObjectNode via = Http.object();
        via.putArray("via").add(Rig.SERVER_NAME);
        alice.sendState(space, "m.space.child", generalRoom, via);
        alice.sendState(generalRoom, "m.space.parent", space, via);
        bea.join(generalRoom);

        comptoir = rig.comptoir("rcdisc", c -> {
            c.putObject("commands").putArray("admins").add(alice.userId());
            ArrayNode plugins = (ArrayNode) c.withArray("plugins");
            plugins.addObject().put("type", "rocketchat").put("id", "rocketchat").put("server_url", rc.url())
                    .put("user_id", rc.bot().id()).put("token", TOKEN).put("max_retry_delay", "2s");
        }).start();
        alice.awaitEvent(generalRoom, Events.membership(bot, "join"), WAIT);
        alice.awaitEvent(space, Events.membership(bot, "join"), WAIT);
        FakeRocketChat.await(() -> rc.connectedClients() == 1, WAIT, "the bridge on the realtime API");
        link(generalRoom, general.id(), "general");
    }

    @AfterAll
    static void stop() throws Exception {
        BridgeTeardown.stop(comptoir, TOKEN, rc, null, null);
    }

    private static void link(String room, String channel, String name) {
        String cmd = alice.sendText(room, "!bridge link rocketchat " + channel);
        alice.awaitEvent(room, Events.noticeReply(bot, cmd, "relié à #" + name + " sur Rocket.Chat"), WAIT);
    }

    private static String ghost(FakeUser user) {
        StringBuilder sb = new StringBuilder("@_rocketchat_");
        for (char c : user.id().toCharArray()) {
            sb.append(Character.isUpperCase(c) ? "_" + Character.toLowerCase(c) : String.valueOf(c));
        }
        return sb.append(':').append(Rig.SERVER_NAME).toString();
    }

    private static Predicate<JsonNode> announcement(String name) {
        return Events.messageFrom(bot).and(Events.msgtype("m.notice")).and(Events.bodyContains("Nouvelle discussion"))
                .and(Events.bodyContains(name));
    }

    /** Waits for the announcement of a discussion in {@code parent}, joins its room and returns the room's ID. */
    private static String joinAnnounced(String parent, String name) {
        JsonNode notice = alice.awaitEvent(parent, announcement(name), WAIT);
        Matcher m = LINK.matcher(notice.path("content").path("formatted_body").asText());
        assertThat(m.find()).as("a link to the room in " + notice).isTrue();
        String room = m.group(1);
        alice.join(room);
        return room;
    }

    private static long created(String roomId, String text) {
        return rc.created().stream().filter(x -> x.roomId().equals(roomId) && x.text().contains(text)).count();
    }

    private static long onMatrix(String room, Predicate<JsonNode> p) {
        return alice.roomMessages(room).stream().filter(p).count();
    }

    @Test
    @Order(1)
    void aDiscussionOpenedOnRocketChatBecomesARoomOfTheSpaceBridgedBothWaysOnce() throws Exception {
        pommes = rc.userOpensDiscussion(general.id(), "alice", "Commande de pommes");
        rc.userSays(pommes.id(), "bob", "premier message, avant que le salon existe");
        pommesRoom = joinAnnounced(generalRoom, "Commande de pommes");

        assertThat(alice.state(pommesRoom, "m.room.name", "").orElseThrow().path("name").asText()).isEqualTo("Commande de pommes");
        assertThat(alice.state(pommesRoom, "m.space.parent", space)).as("in the parent's space").isPresent();
        assertThat(alice.state(space, "m.space.child", pommesRoom)).as("listed by the space").isPresent();
        assertThat(alice.state(pommesRoom, "m.room.join_rules", "").orElseThrow().path("join_rule").asText()).isEqualTo("restricted");

        alice.awaitEvent(pommesRoom, Events.newMessageFrom(ghost(rBob), "premier message"), WAIT);
        alice.sendText(pommesRoom, "Réponse depuis Matrix");
        FakeMessage posted = rc.awaitMessageIn(pommes.id(), x -> x.authorId().equals(rc.bot().id())
                && x.text().contains("Réponse depuis Matrix"), WAIT);
        assertThat(posted.alias()).isEqualTo("Alice Matrix");
        FakeMessage later = rc.userSays(pommes.id(), "bob", "deuxième message");
        alice.awaitEvent(pommesRoom, Events.newMessageFrom(ghost(rBob), "deuxième message"), WAIT);
        rc.userEdits(later.id(), "deuxième message, corrigé");
        alice.awaitEvent(pommesRoom, Events.messageFrom(ghost(rBob)).and(Events.bodyContains("corrigé")), WAIT);
        rc.userSaysInThread(pommes.id(), "alice", later.id(), "dans le fil de la discussion");
        JsonNode inThread = alice.awaitEvent(pommesRoom, Events.newMessageFrom(ghost(rc.user("alice")), "dans le fil"), WAIT);
        assertThat(inThread.path("content").path("m.relates_to").path("rel_type").asText()).isEqualTo("m.thread");
        Thread.sleep(1500); // a doubled copy would arrive by now

        assertThat(created(pommes.id(), "Réponse depuis Matrix")).isEqualTo(1);
        assertThat(onMatrix(pommesRoom, Events.newMessageFrom(ghost(rBob), "premier message"))).isEqualTo(1);
        assertThat(onMatrix(pommesRoom, Events.newMessageFrom(ghost(rBob), "deuxième message"))).isEqualTo(1);
        assertThat(onMatrix(generalRoom, announcement("Commande de pommes"))).as("announced once").isEqualTo(1);
        assertThat(onMatrix(generalRoom, Events.messageFrom(ghost(rc.user("alice"))))).as("the system message is not a message")
                .isZero();
        assertThat(created(general.id(), "Réponse depuis Matrix")).as("nothing leaks into the parent").isZero();
    }

    @Test
    @Order(2)
    void bridgeDiscussionFromMatrixOpensItOnRocketChatAndItsRoom() throws Exception {
        String refused = bea.sendText(generalRoom, "!bridge discussion Pas pour moi");
        bea.awaitEvent(generalRoom, Events.messageFrom(bot).and(Events.repliesTo(refused)), WAIT);

        String cmd = alice.sendText(generalRoom, "!bridge discussion Inventaire du samedi");
        alice.awaitEvent(generalRoom, Events.noticeReply(bot, cmd, "Discussion « Inventaire du samedi » créée sur Rocket.Chat"), WAIT);
        FakeRoom inventaire = rc.discussionsOf(general.id()).stream().filter(d -> d.name().equals("Inventaire du samedi"))
                .findFirst().orElseThrow();
        String room = joinAnnounced(generalRoom, "Inventaire du samedi");
        alice.sendText(room, "Qui vient samedi ?");
        rc.awaitMessageIn(inventaire.id(), x -> x.text().contains("Qui vient samedi"), WAIT);
        rc.userSays(inventaire.id(), "bob", "Moi !");
        alice.awaitEvent(room, Events.newMessageFrom(ghost(rBob), "Moi !"), WAIT);
        Thread.sleep(1500);
        assertThat(created(inventaire.id(), "Qui vient samedi")).isEqualTo(1);
        assertThat(onMatrix(room, Events.newMessageFrom(ghost(rBob), "Moi !"))).isEqualTo(1);
        assertThat(onMatrix(generalRoom, announcement("Inventaire du samedi"))).isEqualTo(1);
        assertThat(rc.discussionsOf(general.id())).extracting(FakeRoom::name).doesNotContain("Pas pour moi");
        assertThat(created(general.id(), "!bridge")).as("commands are not bridged").isZero();
    }

    @Test
    @Order(3)
    void olderDiscussionsAreListedByStatusAndBroughtOverOnDemand() throws Exception {
        FakeRoom trois = rc.room("trois");
        FakeRoom ancienne = rc.userOpensDiscussion(trois.id(), "bob", "Ancienne discussion");
        String troisRoom = alice.createRoom(bot);
        alice.awaitEvent(troisRoom, Events.membership(bot, "join"), WAIT);
        link(troisRoom, trois.id(), "trois");

        String status = alice.sendText(troisRoom, "!bridge status");
        alice.awaitEvent(troisRoom, Events.noticeReply(bot, status, "« Ancienne discussion »"), WAIT);
        Thread.sleep(1500);
        assertThat(onMatrix(troisRoom, announcement("Ancienne discussion"))).as("not opened on link").isZero();

        String bring = alice.sendText(troisRoom, "!bridge discussions import");
        alice.awaitEvent(troisRoom, Events.noticeReply(bot, bring, "Une discussion en cours d'ouverture"), WAIT);
        String room = joinAnnounced(troisRoom, "Ancienne discussion");
        rc.userSays(ancienne.id(), "bob", "on reprend");
        alice.awaitEvent(room, Events.newMessageFrom(ghost(rBob), "on reprend"), WAIT);
    }

    @Test
    @Order(4)
    void aRestartKeepsTheDiscussionPortalsAndOpensWhatCameMeanwhile() throws Exception {
        comptoir.stop();
        rc.userSays(pommes.id(), "bob", "pendant l'arrêt");
        rc.userOpensDiscussion(general.id(), "bob", "Ouverte pendant la pause");
        comptoir.start();
        FakeRocketChat.await(() -> rc.connectedClients() == 1, WAIT, "the bridge back on the realtime API");
        alice.awaitEvent(pommesRoom, Events.newMessageFrom(ghost(rBob), "pendant l'arrêt"), WAIT);
        alice.sendText(pommesRoom, "Après le redémarrage");
        rc.awaitMessageIn(pommes.id(), x -> x.authorId().equals(rc.bot().id()) && x.text().contains("Après le redémarrage"), WAIT);
        joinAnnounced(generalRoom, "Ouverte pendant la pause");
        Thread.sleep(1500);
        assertThat(created(pommes.id(), "Après le redémarrage")).isEqualTo(1);
        assertThat(onMatrix(pommesRoom, Events.newMessageFrom(ghost(rBob), "pendant l'arrêt"))).isEqualTo(1);
        assertThat(onMatrix(generalRoom, announcement("Commande de pommes"))).as("no second room").isEqualTo(1);
        assertThat(onMatrix(generalRoom, announcement("Ouverte pendant la pause"))).isEqualTo(1);
    }
}
