package coop.comptoir.e2e.migration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Leaving Rocket.Chat, through the real Synapse and the fake Rocket.Chat: {@code !migration
 * structure rocketchat} previews then mirrors the server (public channels open to the space's
 * members, private groups invite-only, a team as a sub-space, a discussion and a group the bot is not
 * in listed apart, a channel already bridged adopted); a second apply creates nothing;
 * {@code !bridge retire} posts the final notice on Rocket.Chat in the bot's name and answers who
 * still writes there; {@code !migration invite} posts the invitation there too.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RocketChatMigrationE2ETest {
    private static final Duration WAIT = Duration.ofSeconds(40);
    private static final String TOKEN = "e2e-migration-rocketchat-token-0123456789";
    private static final String ELEMENT = "https://element.coop-du-marche.test";

    private static Rig rig;
    private static FakeRocketChat rc;
    private static ComptoirProcess comptoir;
    private static MatrixTestClient alice;
    private static MatrixTestClient bob;
    private static String bot;
    private static String commandRoom;
    private static String bureauRoom;
    private static FakeRoom planning;
    private static Map<String, JsonNode> tree;

    @BeforeAll
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    static void start() throws Exception {
        rig = Rig.get();
        bot = rig.botUserId();
        rc = FakeRocketChat.start(TOKEN);
        FakeRoom team = rc.addTeam("Bénévoles", false);
        planning = rc.addRoomToTeam(team.id(), "planning", false);
        rc.topic(planning.id(), "Les créneaux de la semaine");
        rc.addRoomToTeam(team.id(), "caisse", true);
        rc.addRoom("direction", true, true);
        rc.userOpensDiscussion(rc.room("general").id(), "alice", "Commande de pommes");

        alice = rig.newUser("alice-rcmig");
        bob = rig.newUser("bob-rcmig");
        commandRoom = alice.createRoom(bot);
        bureauRoom = alice.createRoom(bot);
        alice.sendState(bureauRoom, "m.room.name", "", Http.object().put("name", "bureau"));
        comptoir = rig.comptoir("migration-rocketchat", c -> {
            c.putObject("commands").putArray("admins").add(alice.userId());
            ArrayNode plugins = (ArrayNode) c.withArray("plugins");
            BridgeConfig.rocketChat(plugins, rc, TOKEN).put("max_retry_delay", "2s");
            plugins.addObject().put("type", "migration").put("element_url", ELEMENT);
        }).start();
        alice.awaitEvent(commandRoom, Events.membership(bot, "join"), WAIT);
        alice.awaitEvent(bureauRoom, Events.membership(bot, "join"), WAIT);
        FakeRocketChat.await(() -> rc.connectedClients() == 1, WAIT, "the bridge on the realtime API");
        alice.sendUntilAnswered(commandRoom, bot, "!migration ?", "!migration", Duration.ofSeconds(5));
        String link = alice.sendText(bureauRoom, "!bridge link rocketchat " + rc.room("bureau").id());
        alice.awaitEvent(bureauRoom, Events.noticeReply(bot, link, "relié à #bureau"), WAIT);
    }

    @AfterAll
    static void stop() throws Exception {
        BridgeTeardown.stop(comptoir, TOKEN, rc, null, null);
    }

    private static JsonNode command(String room, String text, String expected) {
        String id = alice.sendText(room, text);
        return alice.awaitEvent(room, Events.noticeReply(bot, id, expected), WAIT);
    }

    /** Name → entry; a room named as its space (a team's own room) is kept under "#name". */
    private static Map<String, JsonNode> hierarchy(MatrixTestClient user, String root) {
        Map<String, JsonNode> out = new HashMap<>();
        user.spaceHierarchy(root).forEach(r -> out.put((r.path("room_type").asText().equals("m.space") ? "" : "#") + r.path("name").asText(), r));
        return out;
    }

    @Test
    @Order(1)
    void theDryRunShowsChannelsGroupsTheTeamAndWhatIsLeftApart() {
        int before = rig.botRoomCount();
        String body = command(commandRoom, "!migration structure rocketchat", "apply").path("content").path("body").asText();
        assertThat(body)
                .contains("Espace « 127.0.0.1 » (sur invitation) — à créer")
                .contains("#general (ouvert aux membres de l'espace, relié au pont) — à créer")
                .contains("#bureau (privé : sur invitation, relié au pont) — déjà relié, ajouté à l'espace")
                .contains("Sous-espace « Bénévoles » (ouvert aux membres de l'espace) — à créer")
                .contains("#planning (ouvert aux membres de l'espace, relié au pont) — à créer")
                .contains("#caisse (privé : sur invitation, relié au pont) — à créer")
                .contains("#Commande de pommes (une discussion : elle suit son salon")
                .contains("#direction (le bot n'y a pas accès)")
                .contains("6 salons ou espaces à créer");
        assertThat(rig.botRoomCount()).isEqualTo(before);
    }

    @Test
    @Order(2)
    void applyMirrorsTheServerWithItsJoinRulesAndBridgesEachChannel() throws Exception {
        int before = rig.botRoomCount();
        command(commandRoom, "!migration structure rocketchat apply", "");
        alice.awaitEvent(commandRoom, Events.messageFrom(bot).and(Events.bodyContains("Structure en place")), WAIT);
        assertThat(rig.botRoomCount()).isEqualTo(before + 6);

        String space = alice.awaitInvite(WAIT).getKey();
        alice.join(space);
        tree = hierarchy(alice, space);
        assertThat(tree).containsOnlyKeys("127.0.0.1", "Bénévoles", "#Bénévoles", "#general", "#bureau", "#planning", "#caisse");
        assertThat(tree.get("#bureau").path("room_id").asText()).as("adopted, not created again").isEqualTo(bureauRoom);
        assertThat(tree.get("#general").path("join_rule").asText()).isEqualTo("restricted");
        assertThat(tree.get("#planning").path("join_rule").asText()).isEqualTo("restricted");
        assertThat(tree.get("#planning").path("topic").asText()).isEqualTo("Les créneaux de la semaine");
        assertThat(tree.get("#caisse").path("join_rule").asText()).isEqualTo("invite");
        assertThat(tree.get("Bénévoles").path("join_rule").asText()).isEqualTo("restricted");

        String planningRoom = tree.get("#planning").path("room_id").asText();
        alice.invite(space, bob.userId());
        bob.join(space);
        bob.join(planningRoom); // restricted: a member of the space joins on their own
        rc.userSays(planning.id(), "bob", "Qui prend le créneau de samedi ?");
        bob.awaitEvent(planningRoom, Events.bodyContains("créneau de samedi"), WAIT);
    }

    @Test
    @Order(3)
    void applyingAgainCreatesNothing() {
        int before = rig.botRoomCount();
        assertThat(command(commandRoom, "!migration structure rocketchat", "apply").path("content").path("body").asText())
                .contains("Rien de nouveau à créer").doesNotContain("— à créer");
        command(commandRoom, "!migration structure rocketchat apply", "");
        alice.awaitEvent(commandRoom, Events.messageFrom(bot).and(Events.bodyContains("rien de nouveau créé")), WAIT);
        assertThat(rig.botRoomCount()).isEqualTo(before);
    }

    @Test
    @Order(4)
    void retiringPostsTheFinalNoticeOnRocketChatAndAnswersWhoStillWritesThere() throws Exception {
        String planningRoom = tree.get("#planning").path("room_id").asText();
        alice.join(planningRoom);
        command(planningRoom, "!bridge retire confirm", "Fermeture engagée");
        String link = "https://matrix.to/#/" + planningRoom + "?via=";
        // the bot's own posts without another's name (the command itself crossed, under Alice's name)
        List<FakeMessage> notices = rc.messagesIn(planning.id()).stream().filter(m -> m.authorId().equals(rc.bot().id()))
                .filter(m -> m.alias() == null).toList();
        assertThat(notices).singleElement().satisfies(m -> assertThat(m.text()).startsWith("C'est le grand départ").contains(link));

        FakeMessage late = rc.userSays(planning.id(), "bob", "il y a encore quelqu'un ici ?");
        FakeMessage told = rc.awaitMessageIn(planning.id(), m -> m.authorId().equals(rc.bot().id()) && m.text().contains("?msg=" + late.id()),
                WAIT);
        assertThat(told.text()).contains("Ce salon a déménagé sur Matrix").contains(link);
        Thread.sleep(1000);
        assertThat(alice.roomMessages(planningRoom)).noneMatch(e -> e.path("content").path("body").asText().contains("encore quelqu'un")
                || e.path("content").path("body").asText().contains("grand départ"));
    }

    @Test
    @Order(5)
    void theInvitationIsPostedOnRocketChatInTheBotsName() {
        String generalRoom = tree.get("#general").path("room_id").asText();
        command(commandRoom, "!migration invite general", "Invitation postée");
        String general = rc.room("general").id();
        assertThat(rc.messagesIn(general).stream().filter(m -> m.authorId().equals(rc.bot().id()) && m.alias() == null))
                .singleElement().satisfies(m -> assertThat(m.text()).startsWith("Bonjour à toutes et tous")
                        .contains("https://matrix.to/#/" + generalRoom).contains(ELEMENT));
    }
}
