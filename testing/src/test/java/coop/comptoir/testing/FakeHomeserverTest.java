package coop.comptoir.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.api.id.EventId;
import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.id.UserId;
import coop.comptoir.api.matrix.MatrixClient;
import coop.comptoir.api.matrix.MatrixException;
import coop.comptoir.api.matrix.OutgoingMessage;
import org.junit.jupiter.api.Test;

/** The homeserver behind a {@link RecordingMatrixClient}: membership, failures, live answers, new rooms. */
class FakeHomeserverTest {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final UserId BOT = UserId.of("@comptoir:coop.example");
    private static final UserId GHOST = UserId.of("@_discord_1:coop.example");
    private static final RoomId ROOM = RoomId.of("!salle:coop.example");
    private final RecordingMatrixClient matrix = new RecordingMatrixClient(BOT);

    private static MatrixException forbidden() {
        return new MatrixException(403, "M_FORBIDDEN", "refused by the test");
    }

    @Test
    void withStrictMembershipNonMembersCannotSendOrSetStateAndTheUninvitedCannotJoin() {
        matrix.strictMembership();
        MatrixClient ghost = matrix.as(GHOST);
        assertThatThrownBy(() -> matrix.send(ROOM, OutgoingMessage.text("avant"), "t0"))
                .as("the bot is no exception").isInstanceOfSatisfying(MatrixException.class,
                        e -> assertThat(e.errcode()).isEqualTo("M_FORBIDDEN"));
        matrix.addMember(ROOM, BOT);
        assertThatThrownBy(() -> ghost.send(ROOM, OutgoingMessage.text("intrus"), "t1"))
                .isInstanceOfSatisfying(MatrixException.class, e -> {
                    assertThat(e.status()).isEqualTo(403);
                    assertThat(e.errcode()).isEqualTo("M_FORBIDDEN");
                });
        assertThatThrownBy(() -> ghost.sendState(ROOM, "m.room.topic", "", JSON.objectNode().put("topic", "x")))
                .isInstanceOf(MatrixException.class);
        assertThatThrownBy(() -> ghost.join(ROOM.value())).as("not invited, invite-only by default")
                .isInstanceOfSatisfying(MatrixException.class, e -> assertThat(e.errcode()).isEqualTo("M_FORBIDDEN"));
        assertThat(matrix.sent()).isEmpty();

        matrix.invite(ROOM, GHOST);
        ghost.join(ROOM.value());
        ghost.send(ROOM, OutgoingMessage.text("invité"), "t2");
        assertThat(matrix.bodiesIn(ROOM)).containsExactly("invité");
        assertThat(matrix.getState(ROOM, "m.room.member", GHOST.value()).orElseThrow().path("membership").asText())
                .isEqualTo("join");
        assertThatThrownBy(() -> matrix.invite(ROOM, GHOST)).as("already in the room").isInstanceOf(MatrixException.class);

        ghost.leave(ROOM);
        assertThatThrownBy(() -> ghost.join(ROOM.value())).as("the invite was used").isInstanceOf(MatrixException.class);
    }

    @Test
    void withStrictMembershipTheJoinRuleLetsInPublicAndRestrictedRoomsMembers() {
        matrix.strictMembership();
        RoomId space = RoomId.of("!espace:coop.example");
        RoomId open = RoomId.of("!ouvert:coop.example");
        RoomId restricted = RoomId.of("!reserve:coop.example");
        matrix.putState(open, "m.room.join_rules", "", JSON.objectNode().put("join_rule", "public"));
        ObjectNode rule = JSON.objectNode().put("join_rule", "restricted");
        rule.putArray("allow").addObject().put("type", "m.room_membership").put("room_id", space.value());
        matrix.putState(restricted, "m.room.join_rules", "", rule);
        MatrixClient ghost = matrix.as(GHOST);

        assertThat(ghost.join(open.value())).isEqualTo(open);
        assertThatThrownBy(() -> ghost.join(restricted.value())).isInstanceOf(MatrixException.class);
        matrix.addMember(space, GHOST);
        assertThat(ghost.join(restricted.value())).isEqualTo(restricted);
    }

    @Test
    void byDefaultAnyoneSendsAndJoinsAnywhere() {
        matrix.as(GHOST).join(ROOM.value());
        matrix.as(GHOST).send(ROOM, OutgoingMessage.text("libre"), "t1");
        matrix.send(RoomId.of("!ailleurs:coop.example"), OutgoingMessage.text("aussi"), "t2");
        assertThat(matrix.sent()).hasSize(2);
    }

    @Test
    void failuresChosenByTheTestHitTheCallsNamedForAsLongAsAsked() {
        MatrixException tooMany = new MatrixException(429, "M_LIMIT_EXCEEDED", "slow down");
        matrix.failNext(2, tooMany, MatrixCall.CREATE_ROOM, MatrixCall.UPLOAD);
        assertThatThrownBy(() -> matrix.upload(new byte[1], "image/png", "a.png")).isSameAs(tooMany);
        matrix.send(ROOM, OutgoingMessage.text("passe"), "t1");
        assertThatThrownBy(() -> matrix.createRoom(JSON.objectNode())).isSameAs(tooMany);
        assertThat(matrix.createRoom(JSON.objectNode())).isNotNull();
        assertThat(matrix.createdRooms()).hasSize(1);

        matrix.failUntilCleared(forbidden(), MatrixCall.STATE);
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> matrix.sendState(ROOM, "m.room.topic", "", JSON.objectNode()))
                    .isInstanceOfSatisfying(MatrixException.class, e -> assertThat(e.status()).isEqualTo(403));
        }
        matrix.clearFaults();
        matrix.sendState(ROOM, "m.room.topic", "", JSON.objectNode().put("topic", "ok"));
        assertThat(matrix.getState(ROOM, "m.room.topic", "")).isPresent();

        matrix.failNext(1, forbidden());
        assertThatThrownBy(() -> matrix.joinedRooms()).as("no kind named: every call").isInstanceOf(MatrixException.class);
        assertThat(matrix.failuresLeft()).isZero();
    }

    @Test
    void joinedMembersAndRoomStateAreAnsweredFromWhatTheHomeserverHolds() {
        UserId alice = UserId.of("@alice:coop.example");
        matrix.addMember(ROOM, BOT).addMember(ROOM, alice).addMember(ROOM, GHOST);
        matrix.memberProfile(ROOM, alice, "Alice", null);
        matrix.as(GHOST).setDisplayName("Bob (Discord)");
        matrix.sendState(ROOM, "m.room.topic", "", JSON.objectNode().put("topic", "Le café"));

        JsonNode joined = matrix.request("GET", "/_matrix/client/v3/rooms/%21salle%3Acoop.example/joined_members", null)
                .path("joined");
        assertThat(joined.size()).isEqualTo(3);
        assertThat(joined.path(alice.value()).path("display_name").asText()).isEqualTo("Alice");
        assertThat(joined.path(GHOST.value()).path("display_name").asText()).isEqualTo("Bob (Discord)");

        JsonNode state = matrix.request("GET", "/_matrix/client/v3/rooms/%21salle%3Acoop.example/state", null);
        assertThat(state.findValuesAsText("type")).contains("m.room.topic", "m.room.member");
        matrix.kick(ROOM, GHOST, null);
        assertThat(matrix.request("GET", "/_matrix/client/v3/rooms/%21salle%3Acoop.example/joined_members", null)
                .path("joined").has(GHOST.value())).as("live, not canned").isFalse();

        matrix.answer("GET", "/_matrix/client/v3/rooms/%21salle%3Acoop.example/joined_members", JSON.objectNode());
        assertThat(matrix.request("GET", "/_matrix/client/v3/rooms/%21salle%3Acoop.example/joined_members", null).size())
                .as("a given answer wins").isZero();
    }

    @Test
    void aNewRoomHasItsCreatorAsAdministratorAndTheRequestedState() {
        ObjectNode request = JSON.objectNode().put("name", "Discussion").put("preset", "private_chat");
        request.putObject("power_level_content_override").putObject("users").put("@admin:coop.example", 100);
        request.putArray("initial_state").addObject().put("type", "m.room.join_rules").put("state_key", "")
                .putObject("content").put("join_rule", "restricted");
        RoomId room = matrix.createRoom(request);

        ObjectNode levels = matrix.getState(room, "m.room.power_levels", "").orElseThrow();
        assertThat(levels.path("users").path(BOT.value()).asInt()).isEqualTo(100);
        assertThat(levels.path("users").path("@admin:coop.example").asInt()).isEqualTo(100);
        assertThat(matrix.getState(room, "m.room.join_rules", "").orElseThrow().path("join_rule").asText())
                .as("initial_state after the preset").isEqualTo("restricted");
        assertThat(matrix.getState(room, "m.room.name", "").orElseThrow().path("name").asText()).isEqualTo("Discussion");
        assertThat(matrix.joinedMembers(room)).containsExactly(BOT);
        assertThat(matrix.sent()).as("set up, not sent").isEmpty();
    }

    @Test
    void onlyTheBotReadsEncryptedRoomsAndOnlyWhenAsked() {
        assertThat(matrix.readsEncryptedRooms()).isFalse();
        matrix.readEncryptedRooms(true);
        assertThat(matrix.readsEncryptedRooms()).isTrue();
        assertThat(matrix.as(GHOST).readsEncryptedRooms()).isFalse();
    }

    @Test
    void chatLeavesOutNoticesAndEditsAndEventsLeaveOutState() {
        EventId said = matrix.as(GHOST).send(ROOM, OutgoingMessage.text("bonjour"), "t1");
        matrix.send(ROOM, OutgoingMessage.notice("note du bot"), "t2");
        matrix.as(GHOST).edit(ROOM, said, OutgoingMessage.text("bonjour à toutes et tous"), "t3");
        matrix.as(GHOST).react(ROOM, said, "👍", "t4");
        matrix.sendState(ROOM, "m.room.topic", "", JSON.objectNode());

        assertThat(matrix.chatIn(ROOM)).extracting(RecordingMatrixClient.Sent::body).containsExactly("bonjour");
        assertThat(matrix.eventsIn(ROOM)).extracting(RecordingMatrixClient.Sent::type)
                .containsExactly("m.room.message", "m.room.message", "m.room.message", "m.reaction");
        assertThat(matrix.eventsIn(ROOM).get(3).relatesTo().path("key").asText()).isEqualTo("👍");
        assertThat(matrix.eventsIn(ROOM).get(1).isNotice()).isTrue();
    }

    @Test
    void anEventSentWithATimestampCarriesIt() {
        matrix.withTimestamp(1_600_000_000_000L).send(ROOM, OutgoingMessage.text("ancien"), "t1");
        assertThat(matrix.sent().get(0).timestamp()).isEqualTo(1_600_000_000_000L);
    }
    @Test
    void aProfileIsAnsweredWithTheNameAndAvatarTheUserSet() {
        matrix.as(GHOST).setDisplayName("Bob (Discord)");
        matrix.as(GHOST).setAvatarUrl(coop.comptoir.api.id.MxcUri.parse("mxc://coop.example/bob"));
        JsonNode profile = matrix.request("GET", "/_matrix/client/v3/profile/%40_discord_1%3Acoop.example", null);
        assertThat(profile.path("displayname").asText()).isEqualTo("Bob (Discord)");
        assertThat(profile.path("avatar_url").asText()).isEqualTo("mxc://coop.example/bob");
        assertThat(matrix.request("GET", "/_matrix/client/v3/profile/%40nobody%3Acoop.example", null).size()).isZero();
    }
}
