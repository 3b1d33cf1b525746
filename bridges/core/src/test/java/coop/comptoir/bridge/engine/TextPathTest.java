package coop.comptoir.bridge.engine;

import coop.comptoir.testing.RecordingMatrixClient;
import static coop.comptoir.bridge.engine.Rig.ALICE;
import static coop.comptoir.bridge.engine.Rig.BOB;
import static coop.comptoir.bridge.engine.Rig.ROOM;
import static coop.comptoir.bridge.engine.Rig.await;
import static org.assertj.core.api.Assertions.assertThat;

import coop.comptoir.api.id.UserId;
import java.util.List;
import org.junit.jupiter.api.Test;

class TextPathTest extends LinkedEngineTest {
    @Test
    void aMatrixMessageIsPostedOnTheRemoteSideWithItsAuthorsName() throws Exception {
        rig.matrixMessage(ALICE, "Bonjour Discord");
        await("posted", () -> net.posted.size() == 1);
        assertThat(net.posted.get(0).body()).isEqualTo("Bonjour Discord");
        assertThat(net.posted.get(0).message().sender().displayName()).isEqualTo("Alice");
        assertThat(net.posted.get(0).channel()).isEqualTo(Rig.CHANNEL);
    }

    @Test
    void theCacheOfMembersNamesIsBounded() {
        UserId zoe = UserId.of("@zoe:coop.example");
        rig.matrix.memberProfile(ROOM, zoe, "Zoé", null);
        assertThat(rig.engine.displayName(ROOM, zoe)).isEqualTo("Zoé");
        // A name changed without a member event reaching the bridge: the cache still answers.
        rig.matrix.memberProfile(ROOM, zoe, "Zoé L.", null);
        assertThat(rig.engine.displayName(ROOM, zoe)).isEqualTo("Zoé");
        for (int i = 0; i < Members.PROFILES_CACHED; i++) {
            rig.engine.displayName(ROOM, UserId.of("@member" + i + ":coop.example"));
        }
        assertThat(rig.engine.displayName(ROOM, zoe)).as("the least recently used entries leave the cache").isEqualTo("Zoé L.");
    }

    @Test
    void aRemoteMessageIsSentByTheAuthorsGhostWithoutRoomMention() {
        rig.remote(Rig.remoteMessage("1", BOB, "Salut @room"));
        await("sent", () -> rig.matrix.chatIn(ROOM).size() == 1);
        RecordingMatrixClient.Sent s = rig.matrix.chatIn(ROOM).get(0);
        UserId ghost = UserId.of("@_discord_42:coop.example");
        assertThat(s.sender()).isEqualTo(ghost);
        assertThat(s.body()).isEqualTo("Salut @room");
        assertThat(s.content().path("m.mentions").has("room")).isFalse();
        assertThat(s.content().has("m.mentions")).isTrue();
        assertThat(s.timestamp()).isEqualTo(1_600_000_001_000L);
        assertThat(rig.matrix.displayName(ghost)).contains("Bob (Discord)");
    }

    @Test
    void theHomeserversUserQueryFindsKnownGhostsOnly() throws Exception {
        rig.remote(Rig.remoteMessage("1", BOB, "coucou"));
        await("sent", () -> rig.matrix.chatIn(ROOM).size() == 1);
        assertThat(rig.plugin.queryUser(UserId.of("@_discord_42:coop.example"))).isTrue();
        assertThat(rig.plugin.queryUser(UserId.of("@_discord_7:coop.example"))).isFalse();
        assertThat(rig.plugin.queryUser(UserId.of("@alice:coop.example"))).isFalse();
    }

    @Test
    void aGhostKickedFromTheRoomJoinsAgainWhenItNextSpeaks() throws Exception {
        rig.remote(Rig.remoteMessage("1", BOB, "avant"));
        await("first", () -> rig.matrix.chatIn(ROOM).size() == 1);
        UserId ghost = UserId.of("@_discord_42:coop.example");
        rig.matrix.kick(ROOM, ghost, "calme-toi");
        com.fasterxml.jackson.databind.node.ObjectNode kick = Rig.JSON.objectNode()
                .put("type", "m.room.member").put("room_id", ROOM.value()).put("sender", Rig.ADMIN.value())
                .put("state_key", ghost.value()).put("event_id", "$kick").put("origin_server_ts", 1_700_000_000_000L);
        kick.putObject("content").put("membership", "leave");
        rig.deliver(coop.comptoir.api.event.MatrixEvent.of(kick));

        rig.remote(Rig.remoteMessage("2", BOB, "après"));
        await("second", () -> rig.matrix.chatIn(ROOM).size() == 2);
        assertThat(rig.matrix.chatIn(ROOM)).extracting(RecordingMatrixClient.Sent::body).containsExactly("avant", "après");
        assertThat(rig.matrix.noticesIn(ROOM)).isEmpty();
    }
}
