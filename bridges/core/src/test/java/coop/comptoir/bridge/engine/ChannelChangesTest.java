package coop.comptoir.bridge.engine;

import static coop.comptoir.bridge.engine.Rig.CHANNEL;
import static coop.comptoir.bridge.engine.Rig.ROOM;
import static coop.comptoir.bridge.engine.Rig.await;
import static org.assertj.core.api.Assertions.assertThat;

import coop.comptoir.api.id.RoomId;
import coop.comptoir.bridge.api.RemoteChannel;
import coop.comptoir.bridge.api.RemoteChannelId;
import coop.comptoir.bridge.imports.ImportRuns;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A remote channel renamed, its topic changed, or deleted after it was bridged; a mirrored category renamed. */
class ChannelChangesTest {
    @TempDir
    Path dir;
    final TestConnector net = new TestConnector();
    Rig rig;

    @BeforeEach
    void start() throws Exception {
        net.channels.put(CHANNEL, new RemoteChannel(CHANNEL, "general", ""));
        rig = Rig.linkedOnSqlite(dir, net, Rig.settings(List.of()));
    }

    @AfterEach
    void stop() throws Exception {
        rig.close();
    }

    private Optional<String> state(RoomId room, String type, String field) {
        return rig.matrix.getState(room, type, "").map(c -> c.path(field).asText());
    }

    @Test
    void aRenameOrANewTopicOnTheOldSideRenamesTheRoom() {
        // told of the new name with the old topic (as JDA does when both change at once): the topic is read again
        net.channels.put(CHANNEL, new RemoteChannel(CHANNEL, "epicerie-vrac (Coop)", "Commandes groupées du vrac"));
        rig.engine.channelChanged(new RemoteChannel(CHANNEL, "epicerie-vrac", ""));
        await("room renamed", () -> state(ROOM, "m.room.name", "name").equals(Optional.of("epicerie-vrac")));
        await("topic set", () -> state(ROOM, "m.room.topic", "topic").equals(Optional.of("Commandes groupées du vrac")));

        net.channels.put(CHANNEL, new RemoteChannel(CHANNEL, "epicerie-vrac (Coop)", ""));
        rig.engine.channelChanged(new RemoteChannel(CHANNEL, "epicerie-vrac", ""));
        await("topic cleared", () -> state(ROOM, "m.room.topic", "topic").equals(Optional.of("")));
        assertThat(state(ROOM, "m.room.name", "name")).contains("epicerie-vrac");
        assertThat(rig.engine.portals.byRoom(ROOM)).isPresent();
    }

    @Test
    void aCategoryMirroredAsASubSpaceRenamesItAndOtherChannelsAreLeftAlone() {
        RoomId space = RoomId.of("!rayons:" + Rig.SERVER);
        rig.matrix.addMember(space, Rig.BOT); // the bot made the sub-space, so it is in it
        ImportRuns.mirroredCategory(rig.engine.ctx.database(), "discord", "700", space);
        rig.engine.channelChanged(new RemoteChannel(new RemoteChannelId("701"), "inconnu", "rien"));
        rig.engine.channelChanged(new RemoteChannel(new RemoteChannelId("700"), "Rayons & stocks", ""));
        await("sub-space renamed", () -> state(space, "m.room.name", "name").equals(Optional.of("Rayons & stocks")));
        assertThat(state(space, "m.room.topic", "topic")).isEmpty();
        assertThat(state(ROOM, "m.room.name", "name")).isEmpty();
    }

    @Test
    void aDeletedChannelUnlinksThePortalAndTellsTheRoomWhichKeepsItsHistory() throws Exception {
        rig.engine.channelDeleted(new RemoteChannel(CHANNEL, "general", ""));
        await("room told", () -> !rig.matrix.noticesIn(ROOM).isEmpty());
        assertThat(rig.matrix.noticesIn(ROOM).get(0).body())
                .isEqualTo("Le salon #general a été supprimé sur Discord : le pont est délié. Ce salon reste ici, avec tout son historique.");
        assertThat(rig.engine.portals.byRoom(ROOM)).isEmpty();

        rig.engine.channelDeleted(new RemoteChannel(CHANNEL, "general", "")); // told once only
        rig.engine.channelChanged(new RemoteChannel(CHANNEL, "renamed-after", ""));
        Thread.sleep(500); // the engine's executor has had its turn
        assertThat(rig.matrix.noticesIn(ROOM)).hasSize(1);
        assertThat(state(ROOM, "m.room.name", "name")).isEmpty();
    }

    @Test
    void aNameOrTopicSetByHandOnMatrixIsKeptWhileOneTheBotSetFollows() throws Exception {
        rig.matrix.addMember(ROOM, Rig.ROOM_ADMIN);
        rig.matrix.as(Rig.ROOM_ADMIN).sendState(ROOM, "m.room.name", "", Rig.JSON.objectNode().put("name", "Épicerie (Matrix)"));
        net.channels.put(CHANNEL, new RemoteChannel(CHANNEL, "epicerie", "Le vrac"));
        rig.engine.channelChanged(new RemoteChannel(CHANNEL, "epicerie", "Le vrac"));
        await("topic set", () -> state(ROOM, "m.room.topic", "topic").equals(Optional.of("Le vrac")));
        assertThat(state(ROOM, "m.room.name", "name")).as("hand-set name kept").contains("Épicerie (Matrix)");

        // a topic the bot set follows again; one set by hand afterwards stays
        net.channels.put(CHANNEL, new RemoteChannel(CHANNEL, "epicerie", "Le vrac et les épices"));
        rig.engine.channelChanged(new RemoteChannel(CHANNEL, "epicerie", "Le vrac et les épices"));
        await("topic followed", () -> state(ROOM, "m.room.topic", "topic").equals(Optional.of("Le vrac et les épices")));
        rig.matrix.as(Rig.ROOM_ADMIN).sendState(ROOM, "m.room.topic", "", Rig.JSON.objectNode().put("topic", "Écrit ici"));
        net.channels.put(CHANNEL, new RemoteChannel(CHANNEL, "epicerie-2", "Autre"));
        rig.engine.channelChanged(new RemoteChannel(CHANNEL, "epicerie-2", "Autre"));

        // a name cleared by hand lets the old side name the room again
        rig.matrix.as(Rig.ROOM_ADMIN).sendState(ROOM, "m.room.name", "", Rig.JSON.objectNode().put("name", ""));
        net.channels.put(CHANNEL, new RemoteChannel(CHANNEL, "epicerie-3", "Autre"));
        rig.engine.channelChanged(new RemoteChannel(CHANNEL, "epicerie-3", "Autre"));
        await("cleared name followed", () -> state(ROOM, "m.room.name", "name").equals(Optional.of("epicerie-3")));
        assertThat(state(ROOM, "m.room.topic", "topic")).contains("Écrit ici");
    }

    @Test
    void anArchivedChannelUnlinksThePortalWithItsOwnNotice() {
        rig.engine.channelArchived(new RemoteChannel(CHANNEL, "general", ""));
        await("room told", () -> !rig.matrix.noticesIn(ROOM).isEmpty());
        assertThat(rig.matrix.noticesIn(ROOM).get(0).body())
                .isEqualTo("Le salon #general a été archivé sur Discord : le pont est délié. Ce salon reste ici, avec tout son historique.");
        assertThat(rig.engine.portals.byRoom(ROOM)).isEmpty();
    }
}
