package coop.comptoir.bridge.engine;

import coop.comptoir.testing.RecordingMatrixClient;
import static coop.comptoir.bridge.engine.Rig.ALICE;
import static coop.comptoir.bridge.engine.Rig.BOB;
import static coop.comptoir.bridge.engine.Rig.CHANNEL;
import static coop.comptoir.bridge.engine.Rig.ROOM;
import static coop.comptoir.bridge.engine.Rig.await;
import static coop.comptoir.bridge.engine.Rig.remoteMessage;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.api.id.EventId;
import coop.comptoir.api.id.UserId;
import coop.comptoir.bridge.api.CarriedReaction;
import coop.comptoir.bridge.api.MatrixContent;
import coop.comptoir.bridge.api.RemoteChannelId;
import coop.comptoir.bridge.api.RemoteEvent;
import coop.comptoir.bridge.api.RemoteMessageId;
import coop.comptoir.testing.TestDatabase;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Replies, threads, edits, deletions and reactions, mapped through the message links both ways. */
class RelationsTest extends LinkedEngineTest {
    static final UserId GHOST = UserId.of("@_discord_42:coop.example");
    private RecordingMatrixClient.Sent remoteToMatrix(RemoteEvent.Message m) {
        int before = rig.matrix.chatIn(ROOM).size();
        rig.remote(m);
        await("sent", () -> rig.matrix.chatIn(ROOM).size() == before + 1);
        return rig.matrix.chatIn(ROOM).get(before);
    }

    private ObjectNode relatesTo(ObjectNode content, String relType, EventId target) {
        ObjectNode rel = content.putObject("m.relates_to");
        if (relType != null) {
            rel.put("rel_type", relType).put("event_id", target.value());
        }
        return rel;
    }

    @Test
    void remoteRepliesAndThreadsBecomeMatrixRepliesAndThreads() {
        RecordingMatrixClient.Sent root = remoteToMatrix(remoteMessage("1", BOB, "question"));
        RecordingMatrixClient.Sent reply = remoteToMatrix(new RemoteEvent.Message(CHANNEL, new RemoteMessageId("2"), BOB, Instant.now(),
                MatrixContent.text("réponse"), Optional.of(new RemoteMessageId("1")), Optional.empty(), List.of()));
        RecordingMatrixClient.Sent inThread = remoteToMatrix(new RemoteEvent.Message(CHANNEL, new RemoteMessageId("3"), BOB, Instant.now(),
                MatrixContent.text("dans le fil"), Optional.empty(), Optional.of(new RemoteMessageId("1")), List.of()));
        assertThat(reply.relatesTo().path("m.in_reply_to").path("event_id").asText()).isEqualTo(root.eventId().value());
        assertThat(inThread.relatesTo().path("rel_type").asText()).isEqualTo("m.thread");
        assertThat(inThread.relatesTo().path("event_id").asText()).isEqualTo(root.eventId().value());
    }

    @Test
    void matrixRepliesAndThreadsPointAtTheRemoteMessages() throws Exception {
        RecordingMatrixClient.Sent root = remoteToMatrix(remoteMessage("1", BOB, "question"));
        ObjectNode reply = Rig.text("> <@_discord_42:coop.example> question\n\nréponse");
        relatesTo(reply, null, null).putObject("m.in_reply_to").put("event_id", root.eventId().value());
        rig.deliver(rig.event("m.room.message", ALICE, reply));
        ObjectNode thread = Rig.text("dans le fil");
        ObjectNode rel = relatesTo(thread, "m.thread", root.eventId());
        rel.put("is_falling_back", true).putObject("m.in_reply_to").put("event_id", root.eventId().value());
        rig.deliver(rig.event("m.room.message", ALICE, thread));
        await("posted", () -> net.posted.size() == 2);
        assertThat(net.posted.get(0).body()).isEqualTo("réponse");
        assertThat(net.posted.get(0).message().replyTo()).contains(new RemoteMessageId("1"));
        assertThat(net.posted.get(1).message().threadRoot()).contains(new RemoteMessageId("1"));
        assertThat(net.posted.get(1).message().replyTo()).isEmpty();
    }

    @Test
    void editsCrossBothWays() throws Exception {
        RecordingMatrixClient.Sent fromRemote = remoteToMatrix(remoteMessage("1", BOB, "premier jet"));
        rig.remote(new RemoteEvent.Edit(CHANNEL, new RemoteMessageId("1"), BOB, Instant.now(), MatrixContent.text("version finale")));
        await("edit", () -> rig.matrix.eventsIn(ROOM).stream().anyMatch(s -> s.content().has("m.new_content")));
        RecordingMatrixClient.Sent edit = rig.matrix.eventsIn(ROOM).stream().filter(s -> s.content().has("m.new_content")).findFirst().orElseThrow();
        assertThat(edit.sender()).isEqualTo(GHOST);
        assertThat(edit.relatesTo().path("event_id").asText()).isEqualTo(fromRemote.eventId().value());
        assertThat(edit.content().path("m.new_content").path("body").asText()).isEqualTo("version finale");

        EventId original = rig.matrixMessage(ALICE, "coquille");
        await("posted", () -> net.posted.size() == 1);
        ObjectNode c = Rig.text("* correction");
        c.set("m.new_content", Rig.text("correction"));
        relatesTo(c, "m.replace", original);
        rig.deliver(rig.event("m.room.message", ALICE, c));
        await("edited", () -> net.edited.size() == 1);
        assertThat(net.edited.get(0)).isEqualTo(new TestConnector.Edited(net.posted.get(0).id(), "correction"));
        assertThat(net.posted).hasSize(1);
    }

    @Test
    void deletionsCrossBothWays() throws Exception {
        RecordingMatrixClient.Sent fromRemote = remoteToMatrix(remoteMessage("1", BOB, "oups"));
        rig.remote(new RemoteEvent.Delete(CHANNEL, new RemoteMessageId("1")));
        await("redacted", () -> rig.matrix.eventsIn(ROOM).stream().anyMatch(s -> s.type().equals("m.room.redaction")));
        RecordingMatrixClient.Sent redaction = rig.matrix.eventsIn(ROOM).stream().filter(s -> s.type().equals("m.room.redaction")).findFirst().orElseThrow();
        assertThat(redaction.content().path("redacts").asText()).isEqualTo(fromRemote.eventId().value());
        assertThat(redaction.sender()).isEqualTo(GHOST);

        EventId mine = rig.matrixMessage(ALICE, "à effacer");
        await("posted", () -> net.posted.size() == 1);
        rig.redaction(ROOM, ALICE, mine, null);
        await("deleted", () -> net.deleted.size() == 1);
        assertThat(net.deleted).containsExactly(net.posted.get(0).id());
    }

    @Test
    void reactionsCrossBothWaysAndCanBeTakenBack() throws Exception {
        RecordingMatrixClient.Sent fromRemote = remoteToMatrix(remoteMessage("1", BOB, "bonne idée ?"));
        rig.remote(new RemoteEvent.Reaction(CHANNEL, new RemoteMessageId("1"), BOB, ":coop:", Optional.empty(), true));
        await("reaction", () -> rig.matrix.eventsIn(ROOM).stream().anyMatch(s -> s.type().equals("m.reaction")));
        RecordingMatrixClient.Sent reaction = rig.matrix.eventsIn(ROOM).stream().filter(s -> s.type().equals("m.reaction")).findFirst().orElseThrow();
        assertThat(reaction.sender()).isEqualTo(GHOST);
        assertThat(reaction.relatesTo().path("key").asText()).isEqualTo(":coop:");
        assertThat(reaction.relatesTo().path("event_id").asText()).isEqualTo(fromRemote.eventId().value());
        rig.remote(new RemoteEvent.Reaction(CHANNEL, new RemoteMessageId("1"), BOB, ":coop:", Optional.empty(), false));
        await("reaction removed", () -> rig.matrix.eventsIn(ROOM).stream()
                .anyMatch(s -> s.type().equals("m.room.redaction") && s.content().path("redacts").asText().equals(reaction.eventId().value())));

        ObjectNode c = Rig.JSON.objectNode();
        c.putObject("m.relates_to").put("rel_type", "m.annotation").put("event_id", fromRemote.eventId().value()).put("key", "👍");
        EventId thumbs = rig.deliver(rig.event("m.reaction", ALICE, c));
        await("reacted", () -> net.reacted.size() == 1);
        assertThat(net.reacted.get(0).key()).isEqualTo("👍");
        assertThat(net.reacted.get(0).id()).isEqualTo(new RemoteMessageId("1"));
        assertThat(net.reacted.get(0).add()).isTrue();
        assertThat(net.reacted.get(0).sender().displayName()).isEqualTo("Alice");
        rig.redaction(ROOM, ALICE, thumbs, null);
        await("unreacted", () -> net.reacted.size() == 2);
        assertThat(net.reacted.get(1).add()).isFalse();
    }

    @Test
    void theConnectorIsToldWhichReactionsWereCarriedAlsoAfterARestart() throws Exception {
        RecordingMatrixClient.Sent fromRemote = remoteToMatrix(remoteMessage("1", BOB, "on commande ?"));
        RemoteMessageId one = new RemoteMessageId("1");
        rig.remote(new RemoteEvent.Reaction(CHANNEL, one, BOB, "🇫🇷", Optional.empty(), true));
        ObjectNode c = Rig.JSON.objectNode();
        c.putObject("m.relates_to").put("rel_type", "m.annotation").put("event_id", fromRemote.eventId().value()).put("key", "👍🏽");
        EventId thumbs = rig.deliver(rig.event("m.reaction", ALICE, c));
        await("both carried", () -> rig.engine.reactionsOn(CHANNEL, one).size() == 2);

        rig.restart();
        assertThat(rig.engine.reactionsOn(CHANNEL, one)).containsExactlyInAnyOrder(
                new CarriedReaction(BOB.id().value(), "🇫🇷", false), new CarriedReaction(ALICE.value(), "👍🏽", true));
        assertThat(rig.engine.reactionsOn(new RemoteChannelId("other"), one)).isEmpty();
        rig.redaction(ROOM, ALICE, thumbs, null);
        await("taken back", () -> rig.engine.reactionsOn(CHANNEL, one).size() == 1);
    }

    @Test
    void aNetworkWithoutEditsSaysSoOnceAndPostsNothing() throws Exception {
        rig.close();
        TestConnector.Plain plain = new TestConnector.Plain();
        rig = new Rig(() -> TestDatabase.open("jdbc:sqlite:" + dir.resolve("plain.db"), 2), plain,
                Rig.settings(List.of()), 3);
        rig.link();
        rig.start();
        EventId original = rig.matrixMessage(ALICE, "texte");
        await("posted", () -> plain.posted.size() == 1);
        for (int i = 0; i < 2; i++) {
            ObjectNode c = Rig.text("* texte " + i);
            c.set("m.new_content", Rig.text("texte " + i));
            relatesTo(c, "m.replace", original);
            rig.deliver(rig.event("m.room.message", ALICE, c));
        }
        await("notice", () -> rig.matrix.noticesIn(ROOM).size() == 1);
        Rig.settle();
        assertThat(rig.matrix.noticesIn(ROOM)).extracting(RecordingMatrixClient.Sent::body)
                .containsExactly("Les modifications ne sont pas transmises sur Rocketchat : la première version y reste.");
        assertThat(plain.posted).hasSize(1);
    }
}
