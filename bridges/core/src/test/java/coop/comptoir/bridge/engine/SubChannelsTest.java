package coop.comptoir.bridge.engine;

import coop.comptoir.testing.RecordingMatrixClient;
import static coop.comptoir.bridge.engine.Rig.ADMIN;
import static coop.comptoir.bridge.engine.Rig.ALICE;
import static coop.comptoir.bridge.engine.Rig.BOB;
import static coop.comptoir.bridge.engine.Rig.CHANNEL;
import static coop.comptoir.bridge.engine.Rig.ROOM;
import static coop.comptoir.bridge.engine.Rig.ROOM_ADMIN;
import static coop.comptoir.bridge.engine.Rig.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.id.UserId;
import coop.comptoir.bridge.api.MatrixContent;
import coop.comptoir.bridge.api.MatrixSender;
import coop.comptoir.bridge.api.RemoteChannel;
import coop.comptoir.bridge.api.RemoteChannelId;
import coop.comptoir.bridge.api.RemoteEvent;
import coop.comptoir.bridge.api.RemoteMessageId;
import coop.comptoir.bridge.api.SubChannelCapable;
import coop.comptoir.testing.TestDatabase;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sub-channels (discussions) as the engine handles them: one room each, announced, bridged, kept over a restart. */
class SubChannelsTest {
    static final RoomId SPACE = RoomId.of("!coop:" + Rig.SERVER);
    static final RemoteChannelId POMMES = new RemoteChannelId("pommes");

    /** A network with sub-channels: lists {@link #subs}, creates on demand. */
    static final class Net extends TestConnector implements SubChannelCapable {
        final List<RemoteEvent.SubChannel> subs = new CopyOnWriteArrayList<>();
        final List<String> createdFor = new CopyOnWriteArrayList<>();

        @Override
        public List<RemoteEvent.SubChannel> subChannels(RemoteChannelId parent) {
            return subs.stream().filter(s -> s.channel().equals(parent)).toList();
        }

        @Override
        public RemoteChannel createSubChannel(RemoteChannelId parent, String name, MatrixSender by) {
            RemoteChannel c = new RemoteChannel(new RemoteChannelId("made-" + createdFor.size()), name, "");
            createdFor.add(by.id().value());
            channels.put(c.id(), c);
            subs.add(new RemoteEvent.SubChannel(parent, c, Optional.empty(), Instant.now()));
            return c;
        }

        RemoteEvent.SubChannel open(RemoteChannelId id, String name, Instant at) {
            RemoteChannel c = new RemoteChannel(id, name, "");
            channels.put(id, c);
            RemoteEvent.SubChannel ev = new RemoteEvent.SubChannel(CHANNEL, c, Optional.of(BOB), at);
            subs.add(ev);
            return ev;
        }
    }

    @TempDir
    Path dir;
    final Net net = new Net();
    Rig rig;

    void start() throws Exception {
        rig = new Rig(() -> TestDatabase.open("jdbc:sqlite:" + dir.resolve("t.db"), 2), net, Rig.settings(List.of()), 3);
        ObjectNode via = Rig.JSON.objectNode();
        via.putArray("via").add(Rig.SERVER);
        rig.matrix.putState(ROOM, "m.space.parent", SPACE.value(), via);
        rig.matrix.addMember(SPACE, Rig.BOT); // the bot is in the coop's space, so it may list rooms there
        rig.matrix.putState(ROOM, "m.room.power_levels", "", Rig.JSON.objectNode()
                .set("users", Rig.JSON.objectNode().put(ADMIN.value(), 100).put(ALICE.value(), 0)));
        rig.link();
        rig.start();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (rig != null) {
            rig.close();
        }
    }

    private String answer(UserId who, String command) throws Exception {
        int before = rig.matrix.noticesIn(ROOM).size();
        rig.matrixMessage(who, command);
        await("answer to " + command, () -> rig.matrix.noticesIn(ROOM).size() > before);
        return rig.matrix.noticesIn(ROOM).get(before).body();
    }

    /** The notices after a command: its answer and, as the queue may be quicker, an announcement. */
    private List<String> notices(UserId who, String command, String expected) throws Exception {
        int before = rig.matrix.noticesIn(ROOM).size();
        rig.matrixMessage(who, command);
        await("answer to " + command, () -> rig.matrix.noticesIn(ROOM).stream().skip(before).anyMatch(n -> n.body().equals(expected)));
        return rig.matrix.noticesIn(ROOM).stream().skip(before).map(RecordingMatrixClient.Sent::body).toList();
    }

    private List<RecordingMatrixClient.Sent> announcements(String name) {
        return rig.matrix.noticesIn(ROOM).stream().filter(n -> n.body().startsWith("Nouvelle discussion") && n.body().contains(name))
                .toList();
    }

    @Test
    void aSubChannelGetsOneRoomInTheSpaceAnnouncedInTheParentBridgedAndKeptOverARestart() throws Exception {
        start();
        RemoteEvent.SubChannel ev = net.open(POMMES, "Commande de pommes", Instant.now().plusSeconds(1));
        net.addHistory(new RemoteEvent.Message(POMMES, new RemoteMessageId("p1"), BOB, Instant.now(),
                MatrixContent.text("premier message"), Optional.empty(), Optional.empty(), List.of()));
        rig.remote(ev);
        rig.remote(ev); // a replay
        await("the discussion's portal", () -> rig.engine.roomOf(POMMES).isPresent());
        RoomId room = rig.engine.roomOf(POMMES).orElseThrow();
        await("the first message, said before the room existed", () -> rig.matrix.chatIn(room).stream()
                .anyMatch(m -> m.body().contains("premier message")));
        await("the announcement", () -> !announcements("Commande de pommes").isEmpty());

        ObjectNode request = rig.matrix.createdRooms().get(0).request();
        assertThat(request.path("name").asText()).isEqualTo("Commande de pommes");
        assertThat(rig.matrix.getState(room, "m.space.parent", SPACE.value())).isPresent();
        assertThat(rig.matrix.getState(SPACE, "m.space.child", room.value())).as("listed in the space").isPresent();
        ObjectNode rules = rig.matrix.getState(room, "m.room.join_rules", "").orElseThrow();
        assertThat(rules.path("join_rule").asText()).isEqualTo("restricted");
        assertThat(rules.path("allow").findValuesAsText("room_id")).contains(ROOM.value(), SPACE.value());
        ObjectNode levels = rig.matrix.getState(room, "m.room.power_levels", "").orElseThrow();
        assertThat(levels.path("users").path(ADMIN.value()).asInt()).as("the parent's admin").isEqualTo(100);
        assertThat(levels.path("users").path(Rig.BOT.value()).asInt()).isEqualTo(100);
        assertThat(levels.path("users").has(ALICE.value())).isFalse();
        RecordingMatrixClient.Sent notice = announcements("Commande de pommes").get(0);
        assertThat(notice.body()).isEqualTo("Nouvelle discussion sur Discord : « Commande de pommes » https://matrix.to/#/"
                + room.value() + "?via=" + Rig.SERVER + " — rejoignez-la pour y participer.");
        assertThat(notice.content().path("formatted_body").asText()).contains("<a href=\"https://matrix.to/#/" + room.value());

        rig.matrixMessage(room, ALICE, "réponse depuis Matrix");
        await("posted in the discussion", () -> net.posted.stream()
                .anyMatch(p -> p.channel().equals(POMMES) && p.body().contains("réponse depuis Matrix")));

        rig.restart();
        rig.remote(ev);
        rig.remote(new RemoteEvent.Message(POMMES, new RemoteMessageId("p2"), BOB, Instant.now(),
                MatrixContent.text("après le redémarrage"), Optional.empty(), Optional.empty(), List.of()));
        await("still bridged after a restart", () -> rig.matrix.chatIn(room).stream()
                .anyMatch(m -> m.body().contains("après le redémarrage")));
        Rig.settle();
        assertThat(rig.matrix.createdRooms()).as("one room, however often announced").hasSize(1);
        assertThat(announcements("Commande de pommes")).hasSize(1);
        assertThat(rig.matrix.chatIn(room).stream().filter(m -> m.body().contains("premier message"))).hasSize(1);
    }

    @Test
    void newSubChannelsAreFoundAtStartOlderOnesWaitForTheCommand() throws Exception {
        net.open(new RemoteChannelId("ancienne"), "Ancienne", Instant.now().minusSeconds(3600));
        rig = new Rig(() -> TestDatabase.open("jdbc:sqlite:" + dir.resolve("t.db"), 2), net, Rig.settings(List.of()), 3);
        rig.link();
        net.open(new RemoteChannelId("pendant"), "Pendant la pause", Instant.now().plusSeconds(1));
        rig.start();
        await("the one opened while away", () -> rig.engine.roomOf(new RemoteChannelId("pendant")).isPresent());
        Rig.settle();
        assertThat(rig.engine.roomOf(new RemoteChannelId("ancienne"))).as("older than the link").isEmpty();

        assertThat(answer(ADMIN, "!bridge status")).contains("Une discussion ouverte avant la liaison n'est pas encore ici : « Ancienne »");
        assertThat(answer(ROOM_ADMIN, "!bridge discussions import")).isEqualTo(CommandsTest.FOR_ADMINS);
        assertThat(answer(ADMIN, "!bridge discussions import Autre")).isEqualTo("Aucune discussion à relier.");
        notices(ADMIN, "!bridge discussions import", "Une discussion en cours d'ouverture ici.");
        await("the older one, on demand", () -> rig.engine.roomOf(new RemoteChannelId("ancienne")).isPresent());
        assertThat(rig.matrix.createdRooms()).hasSize(2);
    }

    @Test
    void bridgeDiscussionCreatesItOnTheNetworkForComptoirsAdministratorsOnly() throws Exception {
        start();
        assertThat(answer(ROOM_ADMIN, "!bridge discussion Inventaire")).isEqualTo(CommandsTest.FOR_ADMINS);
        assertThat(net.createdFor).isEmpty();
        assertThat(answer(ADMIN, "!bridge discussion")).isEqualTo("Utilisation : !bridge discussion <nom de la discussion>");
        notices(ADMIN, "!pont discussion Inventaire du samedi",
                "Discussion « Inventaire du samedi » créée sur Discord ; son salon arrive ici dans un instant.");
        assertThat(net.createdFor).containsExactly(ADMIN.value());
        await("its room", () -> rig.engine.roomOf(new RemoteChannelId("made-0")).isPresent());
        await("announced", () -> !announcements("Inventaire du samedi").isEmpty());
        assertThat(net.posted).as("the command itself is not bridged").isEmpty();
    }
}
