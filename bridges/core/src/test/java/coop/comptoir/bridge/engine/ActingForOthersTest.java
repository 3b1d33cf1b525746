package coop.comptoir.bridge.engine;

import static coop.comptoir.bridge.engine.Rig.ALICE;
import static coop.comptoir.bridge.engine.Rig.BOB;
import static coop.comptoir.bridge.engine.Rig.CHANNEL;
import static coop.comptoir.bridge.engine.Rig.ROOM;
import static coop.comptoir.bridge.engine.Rig.await;
import static coop.comptoir.bridge.engine.Rig.remoteMessage;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.api.id.EventId;
import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.id.UserId;
import coop.comptoir.bridge.api.BridgeSettings;
import coop.comptoir.bridge.api.MatrixContent;
import coop.comptoir.bridge.api.RemoteChannelId;
import coop.comptoir.bridge.api.RemoteEvent;
import coop.comptoir.bridge.api.RemoteMessageId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A member acting on what another member wrote: edits and redactions of someone else's message,
 * redactions read from the field the room version does not authorise, and relations pointing into
 * another portal's room. What Matrix itself would refuse or ignore must not reach the remote side.
 */
class ActingForOthersTest extends LinkedEngineTest {
    /** A member of the room, on another homeserver: its server may send whatever it likes. */
    static final UserId MALLORY = UserId.of("@mallory:evil.example");
    static final UserId MOD = UserId.of("@mod:coop.example");
    static final RoomId OTHER_ROOM = RoomId.of("!autre:coop.example");
    static final RemoteChannelId OTHER_CHANNEL = new RemoteChannelId("666");

    /** Sends a Matrix message and waits until it is the {@code count}th posted on the remote side. */
    private EventId post(UserId who, String body, int count) throws Exception {
        EventId id = rig.matrixMessage(who, body);
        await("posted " + body, () -> net.posted.size() == count);
        return id;
    }

    private ObjectNode edit(EventId original, String newBody) {
        ObjectNode c = Rig.text("* " + newBody);
        c.set("m.new_content", Rig.text(newBody));
        c.putObject("m.relates_to").put("rel_type", "m.replace").put("event_id", original.value());
        return c;
    }

    @Test
    void anEditOfSomeoneElsesMessageIsNotCarried() throws Exception {
        EventId original = rig.matrixMessage(ALICE, "Réunion à 18h");
        await("posted", () -> net.posted.size() == 1);
        rig.deliver(rig.event("m.room.message", MALLORY, edit(original, "Réunion annulée")));
        rig.deliver(rig.event("m.room.message", ALICE, edit(original, "Réunion à 19h")));
        await("Alice's edit", () -> !net.edited.isEmpty());
        Rig.settle();
        assertThat(net.edited).containsExactly(new TestConnector.Edited(net.posted.get(0).id(), "Réunion à 19h"));
    }

    @Test
    void aRedactionIsReadWhereRoomVersion10AuthorisesIt() throws Exception {
        EventId alices = post(ALICE, "le message d'Alice", 1);
        EventId own = post(MALLORY, "le mien", 2);
        RemoteMessageId ownCopy = net.posted.get(1).id();
        // the server authorised the top level (Mallory's own message); the content is only a copy
        rig.redaction(ROOM, MALLORY, own, alices);
        await("deleted", () -> !net.deleted.isEmpty());
        Rig.settle();
        assertThat(net.deleted).containsExactly(ownCopy);
    }

    @Test
    void fromRoomVersion11TheContentIsWhatCounts() throws Exception {
        rig.roomVersion(ROOM, "11");
        EventId alices = post(ALICE, "le message d'Alice", 1);
        EventId own = post(MALLORY, "le mien", 2);
        RemoteMessageId ownCopy = net.posted.get(1).id();
        rig.redaction(ROOM, MALLORY, alices, own);
        await("deleted", () -> !net.deleted.isEmpty());
        Rig.settle();
        assertThat(net.deleted).containsExactly(ownCopy);
    }

    @Test
    void aRedactionOfSomeoneElsesMessageNeedsTheRoomsRedactPowerLevel() throws Exception {
        rig.matrix.setPowerLevel(ROOM, MOD, 50);
        EventId first = rig.matrixMessage(ALICE, "un");
        EventId second = rig.matrixMessage(ALICE, "deux");
        EventId third = rig.matrixMessage(ALICE, "trois");
        await("posted", () -> net.posted.size() == 3);
        rig.redaction(ROOM, MALLORY, first, null); // power level 0, as over federation
        rig.redaction(ROOM, MOD, second, null); // 50: enough by default
        await("the moderator's deletion", () -> net.deleted.size() == 1);
        rig.matrix.putState(ROOM, "m.room.power_levels", "", Rig.JSON.objectNode().put("redact", 75));
        rig.redaction(ROOM, MOD, third, null); // the room asks 75 now
        rig.redaction(ROOM, ALICE, third, null);
        await("Alice's own deletion", () -> net.deleted.size() == 2);
        Rig.settle();
        assertThat(net.deleted).containsExactly(net.posted.get(1).id(), net.posted.get(2).id());
    }

    @Test
    void aReactionIsTakenBackOnlyByItsAuthorOrAModerator() throws Exception {
        rig.remote(remoteMessage("1", BOB, "bonne idée ?"));
        await("sent", () -> rig.matrix.chatIn(ROOM).size() == 1);
        EventId target = rig.matrix.chatIn(ROOM).get(0).eventId();
        ObjectNode c = Rig.JSON.objectNode();
        c.putObject("m.relates_to").put("rel_type", "m.annotation").put("event_id", target.value()).put("key", "👍");
        EventId thumbs = rig.deliver(rig.event("m.reaction", ALICE, c));
        await("reacted", () -> net.reacted.size() == 1);
        rig.redaction(ROOM, MALLORY, thumbs, null);
        Rig.settle();
        assertThat(net.reacted).hasSize(1);
        rig.redaction(ROOM, ALICE, thumbs, null);
        await("taken back", () -> net.reacted.size() == 2);
        assertThat(net.reacted.get(1).add()).isFalse();
    }

    @Test
    void nothingFromOneRoomPointsAtAnotherPortalsMessages() throws Exception {
        rig.matrix.addMember(OTHER_ROOM, Rig.BOT); // as in every room it bridges
        rig.engine.link(OTHER_ROOM, OTHER_CHANNEL, Rig.ADMIN);
        rig.matrix.setPowerLevel(OTHER_ROOM, MALLORY, 100); // her own room
        EventId alices = rig.matrixMessage(ALICE, "réservé à l'équipe");
        await("posted", () -> net.posted.size() == 1);
        rig.remote(remoteMessage("1", BOB, "dans l'équipe"));
        await("sent", () -> rig.matrix.chatIn(ROOM).size() == 1);
        EventId bobs = rig.matrix.chatIn(ROOM).get(0).eventId();

        // from the other room: an edit, a redaction, a reply, a thread and a reaction aimed at ROOM's messages
        rig.deliver(rig.event(OTHER_ROOM, "m.room.message", ALICE, edit(alices, "modifié d'ailleurs")));
        rig.redaction(OTHER_ROOM, MALLORY, alices, alices);
        ObjectNode reply = Rig.text("une réponse");
        reply.putObject("m.relates_to").putObject("m.in_reply_to").put("event_id", bobs.value());
        rig.deliver(rig.event(OTHER_ROOM, "m.room.message", MALLORY, reply));
        ObjectNode thread = Rig.text("un fil");
        thread.putObject("m.relates_to").put("rel_type", "m.thread").put("event_id", bobs.value()).put("is_falling_back", true)
                .putObject("m.in_reply_to").put("event_id", bobs.value());
        rig.deliver(rig.event(OTHER_ROOM, "m.room.message", MALLORY, thread));
        ObjectNode reaction = Rig.JSON.objectNode();
        reaction.putObject("m.relates_to").put("rel_type", "m.annotation").put("event_id", bobs.value()).put("key", "👎");
        rig.deliver(rig.event(OTHER_ROOM, "m.reaction", MALLORY, reaction));
        await("the other room's messages", () -> net.posted.size() == 3);
        Rig.settle();
        assertThat(net.edited).isEmpty();
        assertThat(net.deleted).isEmpty();
        assertThat(net.reacted).isEmpty();
        assertThat(net.posted.get(1).channel()).isEqualTo(OTHER_CHANNEL);
        assertThat(net.posted.get(1).message().replyTo()).isEmpty();
        assertThat(net.posted.get(2).message().threadRoot()).isEmpty();

        // and the other way: a remote message of the other channel pointing at this channel's messages
        rig.remote(new RemoteEvent.Message(OTHER_CHANNEL, new RemoteMessageId("2"), BOB, Instant.now(),
                MatrixContent.text("réponse d'ailleurs"), Optional.of(new RemoteMessageId("1")), Optional.empty(), List.of()));
        rig.remote(new RemoteEvent.Edit(OTHER_CHANNEL, new RemoteMessageId("1"), BOB, Instant.now(), MatrixContent.text("changé")));
        rig.remote(new RemoteEvent.Reaction(OTHER_CHANNEL, new RemoteMessageId("1"), BOB, "🎉", Optional.empty(), true));
        rig.remote(new RemoteEvent.Delete(OTHER_CHANNEL, new RemoteMessageId("1")));
        await("copied", () -> rig.matrix.chatIn(OTHER_ROOM).size() == 1);
        Rig.settle();
        assertThat(rig.matrix.eventsIn(OTHER_ROOM)).singleElement().satisfies(s -> {
            assertThat(s.body()).isEqualTo("réponse d'ailleurs");
            assertThat(s.relatesTo().isMissingNode()).isTrue();
        });
        assertThat(rig.matrix.eventsIn(ROOM)).singleElement().satisfies(s -> assertThat(s.body()).isEqualTo("dans l'équipe"));
    }

    @Test
    void aRemoteDeletionRemovesOnlyTheBridgesOwnCopiesByDefault() throws Exception {
        EventId alices = post(ALICE, "écrit sur Matrix", 1);
        RemoteMessageId copy = net.posted.get(0).id();
        rig.remote(remoteMessage("1", BOB, "écrit à distance"));
        await("sent", () -> rig.matrix.chatIn(ROOM).size() == 1);
        EventId ghosts = rig.matrix.chatIn(ROOM).get(0).eventId();

        rig.remote(new RemoteEvent.Delete(CHANNEL, copy)); // a moderator over there removes Alice's copy
        rig.remote(new RemoteEvent.Delete(CHANNEL, new RemoteMessageId("1")));
        await("the copy redacted", () -> redacted(ghosts));
        await("Alice told", () -> rig.matrix.noticesIn(ROOM).size() == 1);
        Rig.settle();
        assertThat(redacted(alices)).as("Alice's own message").isFalse();
        assertThat(rig.matrix.noticesIn(ROOM).get(0).body()).isEqualTo(
                "Ce message a été supprimé sur Discord ; il reste visible ici.");
        assertThat(rig.matrix.noticesIn(ROOM).get(0).relatesTo().path("m.in_reply_to").path("event_id").asText())
                .isEqualTo(alices.value());
    }

    @Test
    void withTheOptionARemoteDeletionAlsoRedactsTheMatrixOriginal() throws Exception {
        rig.close();
        BridgeSettings s = Rig.settings(List.of());
        rig = Rig.linkedOnSqlite(java.nio.file.Files.createDirectories(dir.resolve("option")), net, new BridgeSettings(s.ghostPrefix(), s.ghostNameTemplate(),
                s.links(), s.maxRetryDelay(), s.language(), s.publicAddress(), true));
        EventId alices = post(ALICE, "écrit sur Matrix", 1);
        rig.remote(new RemoteEvent.Delete(CHANNEL, net.posted.get(0).id()));
        await("the original redacted", () -> redacted(alices));
        assertThat(rig.matrix.eventsIn(ROOM)).filteredOn(x -> x.type().equals("m.room.redaction")).singleElement()
                .satisfies(x -> assertThat(x.sender()).isEqualTo(Rig.BOT));
        assertThat(rig.matrix.noticesIn(ROOM)).isEmpty();
    }

    @Test
    void aMemberWhoTakesSomeoneElsesNameIsToldApartOnTheRemoteSide() throws Exception {
        rig.matrix.addMember(ROOM, ALICE).addMember(ROOM, MALLORY);
        rig.matrix.memberProfile(ROOM, MALLORY, "Al\u200Bice ", null); // looks the same
        post(MALLORY, "c'est moi, Alice", 1);
        assertThat(net.posted.get(0).message().sender().displayName()).isEqualTo("Al\u200Bice (@mallory:evil.example)");

        rig.matrix.memberProfile(ROOM, MALLORY, "Mallory", null);
        ObjectNode member = Rig.JSON.objectNode().put("membership", "join").put("displayname", "Mallory");
        ObjectNode json = rig.event("m.room.member", MALLORY, member).json().deepCopy().put("state_key", MALLORY.value());
        rig.deliver(coop.comptoir.api.event.MatrixEvent.of(json));
        post(MALLORY, "pardon", 2);
        post(ALICE, "bon", 3);
        assertThat(net.posted.get(1).message().sender().displayName()).isEqualTo("Mallory");
        assertThat(net.posted.get(2).message().sender().displayName()).isEqualTo("Alice");
    }

    private boolean redacted(EventId event) {
        return rig.matrix.eventsIn(ROOM).stream()
                .anyMatch(s -> s.type().equals("m.room.redaction") && s.content().path("redacts").asText().equals(event.value()));
    }
}
