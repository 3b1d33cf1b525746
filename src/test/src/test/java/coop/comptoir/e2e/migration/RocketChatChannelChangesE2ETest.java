package coop.comptoir.e2e.migration;

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
import coop.comptoir.testing.rocketchat.FakeRocketChat;
import coop.comptoir.testing.rocketchat.FakeRoom;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Through the real Synapse and the fake Rocket.Chat (its {@code stream-notify-user} events): a
 * room renamed on Rocket.Chat renames its Matrix room, but a name an admin set by hand on Matrix
 * stays (the topic, never set by hand there, follows); an archived channel and a deleted group
 * unlink their portals and the rooms, which keep their history, are told.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class RocketChatChannelChangesE2ETest {
    private static final Duration WAIT = Duration.ofSeconds(40);
    private static final String TOKEN = "e2e-rocketchat-channel-changes-token-0123456789";

    private static Rig rig;
    private static FakeRocketChat rc;
    private static ComptoirProcess comptoir;
    private static MatrixTestClient alice;
    private static String bot;

    @BeforeAll
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    static void start() throws Exception {
        rig = Rig.get();
        bot = rig.botUserId();
        rc = FakeRocketChat.start(TOKEN);
        alice = rig.newUser("alice");
        comptoir = rig.comptoir("rocketchat-channel-changes", c -> {
            c.putObject("commands").putArray("admins").add(alice.userId());
            ((ArrayNode) c.withArray("plugins")).addObject().put("type", "rocketchat").put("id", "rocketchat").put("server_url", rc.url())
                    .put("user_id", rc.bot().id()).put("token", TOKEN).put("max_retry_delay", "2s");
        }).start();
        FakeRocketChat.await(() -> rc.connectedClients() == 1, WAIT, "the bridge on the realtime API");
    }

    @AfterAll
    static void stop() throws Exception {
        BridgeTeardown.stop(comptoir, TOKEN, rc, null, () -> { });
    }

    /** A room Alice makes, the bot a moderator in it (it sets the name and topic), named by her when {@code name} is given. */
    private static String room(String name) throws Exception {
        ObjectNode body = Http.object().put("preset", "private_chat");
        body.putArray("invite").add(bot);
        body.putObject("power_level_content_override").putObject("users").put(bot, 50); // Alice, the creator, is at the top
        if (name != null) {
            body.put("name", name);
        }
        String room = alice.createRoom(body);
        alice.awaitEvent(room, Events.membership(bot, "join"), WAIT);
        return room;
    }

    private static void link(String room, FakeRoom channel) throws Exception {
        Events.await(() -> {
            String cmd = alice.sendText(room, "!bridge link rocketchat " + channel.id());
            try {
                alice.awaitEvent(room, Events.noticeReply(bot, cmd, "#" + channel.name()), Duration.ofSeconds(8));
                return true;
            } catch (AssertionError unanswered) {
                return false; // asked again
            }
        }, Duration.ofSeconds(60), "the link of #" + channel.name());
    }

    private static String text(Optional<JsonNode> content, String field) {
        return content.map(c -> c.path(field).asText()).orElse("");
    }

    @Test
    void renamesFollowUnlessTheNameWasSetOnMatrixAndArchivedOrDeletedRoomsUnlink() throws Exception {
        FakeRoom general = rc.room("general");
        FakeRoom bureau = rc.room("bureau");
        String generalRoom = room(null);
        String bureauRoom = room("Bureau (nommé sur Matrix)");
        link(generalRoom, general);
        link(bureauRoom, bureau);

        rc.renameRoom(general.id(), "alice", "Général et café");
        Events.await(() -> text(alice.state(generalRoom, "m.room.name", ""), "name").equals("Général et café"), WAIT, "room renamed");
        alice.awaitEvent(generalRoom, e -> e.path("type").asText().equals("m.room.name") && e.path("sender").asText().equals(bot), WAIT);

        rc.renameRoom(bureau.id(), "alice", "bureau-collegial");
        rc.topic(bureau.id(), "Réunions du jeudi");
        Events.await(() -> text(alice.state(bureauRoom, "m.room.topic", ""), "topic").equals("Réunions du jeudi"), WAIT, "topic set");
        assertThat(text(alice.state(bureauRoom, "m.room.name", ""), "name")).isEqualTo("Bureau (nommé sur Matrix)");

        rc.userSays(general.id(), "alice", "Encore relié avant l'archivage");
        alice.awaitEvent(generalRoom, Events.bodyContains("Encore relié avant"), WAIT);
        rc.archiveRoom(general.id(), "alice");
        JsonNode archived = alice.awaitEvent(generalRoom, Events.messageFrom(bot).and(Events.bodyContains("archivé")), WAIT);
        assertThat(archived.path("content").path("body").asText()).isEqualTo(
                "Le salon #Général et café a été archivé sur Rocket.Chat : le pont est délié. Ce salon reste ici, avec tout son historique.");
        String id = alice.sendText(generalRoom, "!bridge status");
        alice.awaitEvent(generalRoom, Events.noticeReply(bot, id, "n'est pas relié à Rocket.Chat"), WAIT);

        rc.deleteRoom(bureau.id(), true);
        alice.awaitEvent(bureauRoom, Events.messageFrom(bot).and(Events.bodyContains("#bureau-collegial a été supprimé sur Rocket.Chat")),
                WAIT);
        assertThat(alice.roomMessages(generalRoom)).anyMatch(e -> e.path("content").path("body").asText().contains("Encore relié"));
        rc.assertNoSpecViolations();
    }
}
