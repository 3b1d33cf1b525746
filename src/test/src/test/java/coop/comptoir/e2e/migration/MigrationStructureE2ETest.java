package coop.comptoir.e2e.migration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import coop.comptoir.e2e.rig.BridgeConfig;
import coop.comptoir.e2e.rig.BridgeTeardown;
import coop.comptoir.e2e.rig.ComptoirProcess;
import coop.comptoir.e2e.rig.Events;
import coop.comptoir.e2e.rig.MatrixTestClient;
import coop.comptoir.e2e.rig.Rig;
import coop.comptoir.testing.discord.FakeChannel;
import coop.comptoir.testing.discord.FakeDiscord;
import coop.comptoir.testing.discord.FakeMessage;
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
 * Mirroring a Discord server as a Matrix space, through the real Synapse and the fake Discord:
 * {@code !migration structure discord} lists what would be created, {@code … apply} creates the
 * space tree with its join rules and bridges each channel; running it again creates nothing new;
 * {@code !migration invite} posts the invitation on Discord once per period.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MigrationStructureE2ETest {
    private static final Duration WAIT = Duration.ofSeconds(40);
    private static final String TOKEN = "e2e-migration-discord-token-0123456789";
    private static final String ELEMENT = "https://element.coop-du-marche.test";

    private static Rig rig;
    private static FakeDiscord discord;
    private static ComptoirProcess comptoir;
    private static MatrixTestClient alice;
    private static MatrixTestClient bob;
    private static String bot;
    private static String commandRoom;
    private static FakeChannel general;
    private static FakeChannel benevoles;
    private static FakeChannel planning;
    private static FakeChannel bureau;
    private static String space;
    /** Room name → hierarchy entry, from the space's hierarchy as Alice sees it. */
    private static Map<String, JsonNode> tree;

    @BeforeAll
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    static void start() throws Exception {
        rig = Rig.get();
        bot = rig.botUserId();
        discord = FakeDiscord.builder().botToken(TOKEN).guild("Coop du Marché", "general").user("alice", "Alice").start();
        general = discord.channel("general");
        String guild = general.guildId();
        benevoles = discord.addCategory(guild, "Bénévoles");
        planning = discord.addTextChannel(guild, "planning", benevoles.id(), "Les créneaux de la semaine");
        bureau = discord.addTextChannel(guild, "bureau", benevoles.id(), null);
        discord.makePrivate(bureau.id(), true);
        discord.addVoiceChannel(guild, "Vocal");

        alice = rig.newUser("alice");
        bob = rig.newUser("bob");
        commandRoom = alice.createRoom(bot);
        comptoir = rig.comptoir("migration-structure", c -> {
            c.putObject("commands").putArray("admins").add(alice.userId());
            ArrayNode plugins = (ArrayNode) c.withArray("plugins");
            BridgeConfig.discord(plugins, discord, TOKEN, guild).put("max_retry_delay_seconds", 2);
            plugins.addObject().put("type", "migration").put("element_url", ELEMENT).put("invite_every", "14d");
        }).start();
        alice.awaitEvent(commandRoom, Events.membership(bot, "join"), WAIT);
        discord.awaitConnectedClients(1, WAIT);
        // "?" is unknown: the usage (bare !migration is the summary)
        alice.sendUntilAnswered(commandRoom, bot, "!migration ?", "!migration", Duration.ofSeconds(5));
    }

    @AfterAll
    static void stop() throws Exception {
        BridgeTeardown.stop(comptoir, TOKEN, null, discord, () -> assertThat(discord.unknownRoutes()).isEmpty());
    }

    private static JsonNode command(String text, String expected) {
        String id = alice.sendText(commandRoom, text);
        return alice.awaitEvent(commandRoom, Events.noticeReply(bot, id, expected), WAIT);
    }

    /** Room name → entry of the space's hierarchy as {@code user} sees it (what Element shows). */
    private static Map<String, JsonNode> hierarchy(MatrixTestClient user, String root) {
        Map<String, JsonNode> out = new HashMap<>();
        user.spaceHierarchy(root).forEach(r -> out.put(r.path("name").asText(), r));
        return out;
    }

    @Test
    @Order(1)
    void theDryRunListsTheTreeAndCreatesNothing() {
        int before = rig.botRoomCount();
        command("!migration structure discord apply", "!migration structure discord");

        JsonNode preview = command("!migration structure discord", "apply");
        assertThat(preview.path("content").path("body").asText())
                .contains("Espace « Coop du Marché » (sur invitation) — à créer")
                .contains("Sous-espace « Bénévoles » (ouvert aux membres de l'espace) — à créer")
                .contains("#planning (ouvert aux membres de l'espace, relié au pont) — à créer")
                .contains("#bureau (privé : sur invitation, relié au pont) — à créer")
                .contains("#general")
                .contains("#Vocal (pas un salon texte)")
                .contains("5 salons ou espaces à créer");
        assertThat(rig.botRoomCount()).isEqualTo(before);
    }

    @Test
    @Order(2)
    void applyCreatesTheSpaceTreeWithItsJoinRulesAndBridgesEachChannel() throws Exception {
        int before = rig.botRoomCount();
        command("!migration structure discord apply", "");
        alice.awaitEvent(commandRoom, Events.messageFrom(bot).and(Events.bodyContains("Structure en place")), WAIT);
        assertThat(rig.botRoomCount()).isEqualTo(before + 5);

        var invite = alice.awaitInvite(WAIT);
        space = invite.getKey();
        alice.join(space);
        assertThat(alice.state(space, "m.room.create", "").orElseThrow().path("type").asText()).isEqualTo("m.space");
        assertThat(alice.state(space, "m.room.join_rules", "").orElseThrow().path("join_rule").asText()).isEqualTo("invite");
        tree = hierarchy(alice, space);
        assertThat(tree).containsKeys("Coop du Marché", "Bénévoles", "general", "planning", "bureau");
        assertThat(tree.get("Bénévoles").path("room_type").asText()).isEqualTo("m.space");
        assertThat(tree.get("Bénévoles").path("join_rule").asText()).isEqualTo("restricted");
        assertThat(tree.get("planning").path("join_rule").asText()).isEqualTo("restricted");
        assertThat(tree.get("planning").path("topic").asText()).isEqualTo("Les créneaux de la semaine");
        assertThat(tree.get("general").path("join_rule").asText()).isEqualTo("restricted");
        assertThat(tree.get("bureau").path("join_rule").asText()).isEqualTo("invite");
        String subSpace = tree.get("Bénévoles").path("room_id").asText();
        String planningRoom = tree.get("planning").path("room_id").asText();
        alice.join(planningRoom); // restricted: Alice is a member of the space
        assertThat(alice.state(planningRoom, "m.space.parent", subSpace)).isPresent();
        assertThat(alice.state(planningRoom, "m.room.join_rules", "").orElseThrow().path("allow"))
                .extracting(a -> a.path("room_id").asText()).contains(space);

        // a member of the space joins an open room on their own, not a private one
        alice.invite(space, bob.userId());
        bob.join(space);
        bob.join(planningRoom);
        String bureauRoom = tree.get("bureau").path("room_id").asText();
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> bob.join(bureauRoom)))
                .isInstanceOf(MatrixTestClient.MatrixFailure.class).hasMessageContaining("M_FORBIDDEN");

        // the room is bridged: a Discord message arrives in it
        FakeMessage said = discord.userSays(planning.id(), discord.user("alice").id(), "Qui prend le créneau de samedi ?");
        bob.awaitEvent(planningRoom, Events.bodyContains("créneau de samedi"), WAIT);
        assertThat(said.content()).isNotEmpty();
    }

    @Test
    @Order(3)
    void applyingAgainCreatesNothingNewThenOnlyWhatIsNew() throws Exception {
        int before = rig.botRoomCount();
        JsonNode preview = command("!migration structure discord", "apply");
        assertThat(preview.path("content").path("body").asText()).contains("déjà là").contains("Rien de nouveau à créer")
                .doesNotContain("— à créer");
        command("!migration structure discord apply", "");
        alice.awaitEvent(commandRoom, Events.messageFrom(bot).and(Events.bodyContains("rien de nouveau créé")), WAIT);
        assertThat(rig.botRoomCount()).isEqualTo(before);

        FakeChannel cuisine = discord.addTextChannel(general.guildId(), "cuisine", benevoles.id(), null);
        Events.await(() -> command("!migration structure discord", "apply").path("content").path("body").asText()
                .contains("#cuisine"), WAIT, "the new channel in the preview");
        command("!migration structure discord apply", "");
        alice.awaitEvent(commandRoom, Events.messageFrom(bot).and(Events.bodyContains("1 salon ou espace créé")), WAIT);
        assertThat(rig.botRoomCount()).isEqualTo(before + 1);
        assertThat(hierarchy(alice, space)).containsKey("cuisine");
        assertThat(cuisine.id()).isNotBlank();
    }

    @Test
    @Order(4)
    void theInvitationIsPostedOnDiscordOnceThenRefusedWithinThePeriod() {
        JsonNode answer = command("!migration invite", "Invitation postée");
        assertThat(answer.path("content").path("body").asText()).contains("#general").contains("#planning").contains("#bureau");
        String planningRoom = tree.get("planning").path("room_id").asText();
        List<FakeMessage> posted = discord.messagesIn(planning.id()).stream().filter(m -> m.authorId().equals(discord.bot().id()))
                .toList();
        assertThat(posted).singleElement().satisfies(m -> assertThat(m.content())
                .startsWith("Bonjour à toutes et tous").contains("https://matrix.to/#/" + planningRoom).contains(ELEMENT));

        JsonNode again = command("!migration invite planning", "Déjà");
        assertThat(again.path("content").path("body").asText()).contains("#planning (prochaine possible le");
        assertThat(discord.messagesIn(planning.id()).stream().filter(m -> m.authorId().equals(discord.bot().id()))).hasSize(1);
    }
}
