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
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * After {@code !migration structure discord apply}, through the real Synapse and the fake Discord
 * (CHANNEL_UPDATE and CHANNEL_DELETE on its gateway): a channel renamed or given a new topic
 * renames its room, a category renamed renames its sub-space, a channel deleted unlinks its
 * portal and the room, which stays with its history, is told.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ChannelChangesE2ETest {
    private static final Duration WAIT = Duration.ofSeconds(40);
    private static final String TOKEN = "e2e-channel-changes-discord-token-0123456789";

    private static Rig rig;
    private static FakeDiscord discord;
    private static ComptoirProcess comptoir;
    private static MatrixTestClient alice;
    private static String bot;
    private static String commandRoom;

    @BeforeAll
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    static void start() throws Exception {
        rig = Rig.get();
        bot = rig.botUserId();
        discord = FakeDiscord.builder().botToken(TOKEN).guild("Coop des Halles", "general").user("alice", "Alice").start();
        String guild = discord.channel("general").guildId();
        alice = rig.newUser("alice");
        commandRoom = alice.createRoom(bot);
        comptoir = rig.comptoir("channel-changes", c -> {
            c.putObject("commands").putArray("admins").add(alice.userId());
            ArrayNode plugins = (ArrayNode) c.withArray("plugins");
            BridgeConfig.discord(plugins, discord, TOKEN, guild).put("max_retry_delay_seconds", 2);
            plugins.addObject().put("type", "migration");
        }).start();
        alice.awaitEvent(commandRoom, Events.membership(bot, "join"), WAIT);
        discord.awaitConnectedClients(1, WAIT);
    }

    @AfterAll
    static void stop() throws Exception {
        BridgeTeardown.stop(comptoir, TOKEN, null, discord, () -> assertThat(discord.unknownRoutes()).isEmpty());
    }

    private static String text(Optional<JsonNode> content, String field) {
        return content.map(c -> c.path(field).asText()).orElse("");
    }

    /** Room name → room ID in the space's hierarchy as Alice sees it. */
    private static Map<String, String> hierarchy(String space) {
        Map<String, String> out = new HashMap<>();
        alice.spaceHierarchy(space).forEach(r -> out.put(r.path("name").asText(), r.path("room_id").asText()));
        return out;
    }

    @Test
    void renamesAndTopicsFollowAndADeletedChannelLeavesItsRoomWithANotice() throws Exception {
        String guild = discord.channel("general").guildId();
        FakeChannel rayons = discord.addCategory(guild, "Rayons");
        FakeChannel vrac = discord.addTextChannel(guild, "vrac", rayons.id(), "Le vrac");
        FakeChannel frais = discord.addTextChannel(guild, "frais", rayons.id(), null);
        Events.await(() -> {
            String id = alice.sendText(commandRoom, "!migration structure discord");
            try {
                return alice.awaitEvent(commandRoom, Events.noticeReply(bot, id, "apply"), Duration.ofSeconds(8)).path("content")
                        .path("body").asText().contains("#frais");
            } catch (AssertionError unanswered) {
                return false; // asked again
            }
        }, Duration.ofSeconds(60), "the channels in the preview");
        alice.sendText(commandRoom, "!migration structure discord apply");
        alice.awaitEvent(commandRoom, Events.messageFrom(bot).and(Events.bodyContains("Structure en place")), WAIT);
        String space = alice.awaitInvite(WAIT).getKey();
        alice.join(space);
        Map<String, String> tree = hierarchy(space);
        String subSpace = tree.get("Rayons");
        String vracRoom = tree.get("vrac");
        String fraisRoom = tree.get("frais");
        alice.join(subSpace);
        alice.join(vracRoom);
        alice.join(fraisRoom);

        // a channel renamed, with a new topic: the room follows (state set by the bot)
        discord.editChannel(vrac.id(), "vrac-et-epices", "Commandes groupées du vrac");
        Events.await(() -> text(alice.state(vracRoom, "m.room.name", ""), "name").equals("vrac-et-epices"), WAIT, "room renamed");
        Events.await(() -> text(alice.state(vracRoom, "m.room.topic", ""), "topic").equals("Commandes groupées du vrac"), WAIT,
                "topic changed");
        alice.awaitEvent(vracRoom, e -> e.path("type").asText().equals("m.room.name") && e.path("sender").asText().equals(bot), WAIT);

        // a category renamed: its sub-space follows
        discord.editChannel(rayons.id(), "Rayons et stocks", null);
        Events.await(() -> text(alice.state(subSpace, "m.room.name", ""), "name").equals("Rayons et stocks"), WAIT,
                "sub-space renamed");

        // still bridged before the deletion: a Discord message arrives
        discord.userSays(frais.id(), discord.user("alice").id(), "Livraison des yaourts demain");
        alice.awaitEvent(fraisRoom, Events.bodyContains("Livraison des yaourts"), WAIT);

        // a channel deleted: the portal is unlinked, the room stays with its history and is told
        discord.deleteChannel(frais.id());
        JsonNode notice = alice.awaitEvent(fraisRoom, Events.messageFrom(bot).and(Events.bodyContains("a été supprimé sur Discord")),
                WAIT);
        assertThat(notice.path("content").path("body").asText())
                .isEqualTo("Le salon #frais a été supprimé sur Discord : le pont est délié. Ce salon reste ici, avec tout son historique.");
        String id = alice.sendText(fraisRoom, "!bridge status");
        alice.awaitEvent(fraisRoom, Events.noticeReply(bot, id, "n'est pas relié à Discord"), WAIT);
        assertThat(alice.state(fraisRoom, "m.room.create", "")).isPresent();
    }
}
