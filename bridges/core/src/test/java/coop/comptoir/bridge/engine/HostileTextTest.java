package coop.comptoir.bridge.engine;

import coop.comptoir.testing.RecordingMatrixClient;
import static coop.comptoir.bridge.engine.Rig.ROOM;
import static coop.comptoir.bridge.engine.Rig.await;
import static org.assertj.core.api.Assertions.assertThat;

import coop.comptoir.api.id.UserId;
import coop.comptoir.bridge.api.MatrixContent;
import coop.comptoir.bridge.api.RemoteEvent;
import coop.comptoir.bridge.api.RemoteMessageId;
import coop.comptoir.bridge.api.RemoteUser;
import coop.comptoir.bridge.api.RemoteUserId;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Remote text a homeserver would refuse as it is: too long for one event, or a name no one should bear. */
class HostileTextTest extends LinkedEngineTest {
    @Test
    void aRemoteMessageTooLongForOneMatrixEventIsCutWithAWordAndTheNextOneStillComes() {
        String huge = "Lorem ipsum é🎉 ".repeat(700_000); // about 10 MB
        rig.remote(Rig.remoteMessage("1", Rig.BOB, huge));
        rig.remote(Rig.remoteMessage("2", Rig.BOB, "après"));
        await("both sent", () -> rig.matrix.chatIn(ROOM).size() == 2);
        RecordingMatrixClient.Sent cut = rig.matrix.chatIn(ROOM).get(0);
        assertThat(cut.content().toString().getBytes(StandardCharsets.UTF_8).length).isLessThan(ToMatrix.MAX_TEXT_BYTES + 1_000);
        assertThat(cut.body()).startsWith("Lorem ipsum é🎉 Lorem").contains("trop long pour Matrix").doesNotContain("\uFFFD");
        assertThat(rig.matrix.chatIn(ROOM).get(1).body()).isEqualTo("après");
    }

    @Test
    void formattingTooLargeForOneEventIsDroppedAndTheTextKept() {
        String deep = "<blockquote><b>".repeat(5_000) + "au fond";
        MatrixContent c = new MatrixContent("m.text", "au fond", Optional.of(deep), Set.of());
        rig.remote(new RemoteEvent.Message(Rig.CHANNEL, new RemoteMessageId("1"), Rig.BOB, Instant.ofEpochSecond(1_600_000_001L), c,
                Optional.empty(), Optional.empty(), List.of()));
        await("sent", () -> rig.matrix.chatIn(ROOM).size() == 1);
        RecordingMatrixClient.Sent sent = rig.matrix.chatIn(ROOM).get(0);
        assertThat(sent.body()).isEqualTo("au fond");
        assertThat(sent.content().has("formatted_body")).isFalse();
    }

    @Test
    void aGhostsNameLosesInvisibleAndDirectionCharactersAndStaysShort() {
        RemoteUser tricky = new RemoteUser(new RemoteUserId("43"), "\u2067Ali\u200Bce\u202E\u2069", Optional.empty());
        RemoteUser longName = new RemoteUser(new RemoteUserId("44"), "Bob".repeat(2_000), Optional.empty());
        RemoteUser invisible = new RemoteUser(new RemoteUserId("45"), "\u200B\u200E", Optional.empty());
        rig.remote(Rig.remoteMessage("1", tricky, "salut"));
        rig.remote(Rig.remoteMessage("2", longName, "salut"));
        rig.remote(Rig.remoteMessage("3", invisible, "salut"));
        await("sent", () -> rig.matrix.chatIn(ROOM).size() == 3);
        assertThat(rig.matrix.displayName(UserId.of("@_discord_43:coop.example"))).contains("Alice (Discord)");
        String shortened = rig.matrix.displayName(UserId.of("@_discord_44:coop.example")).orElseThrow();
        assertThat(shortened).hasSizeLessThanOrEqualTo(Ghosts.MAX_NAME + " (Discord)".length() + 1).startsWith("BobBob")
                .endsWith("… (Discord)");
        assertThat(rig.matrix.displayName(UserId.of("@_discord_45:coop.example"))).contains("45 (Discord)");
    }

    @Test
    void aFamilyEmojiKeepsItsJoiners() {
        RemoteUser family = new RemoteUser(new RemoteUserId("46"), "Zoé 👩\u200D👩\u200D👧", Optional.empty());
        rig.remote(Rig.remoteMessage("1", family, "salut"));
        await("sent", () -> rig.matrix.chatIn(ROOM).size() == 1);
        assertThat(rig.matrix.displayName(UserId.of("@_discord_46:coop.example"))).contains("Zoé 👩\u200D👩\u200D👧 (Discord)");
    }
}
