package coop.comptoir.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import coop.comptoir.api.id.EventId;
import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.id.UserId;
import coop.comptoir.api.matrix.MatrixException;
import coop.comptoir.api.matrix.OutgoingMessage;
import org.junit.jupiter.api.Test;

/** The recording client behaves as a homeserver would where a plugin's retries depend on it. */
class RecordingMatrixClientTest {
    private static final RoomId ROOM = RoomId.of("!salle:coop.example");
    private final RecordingMatrixClient matrix = new RecordingMatrixClient(UserId.of("@comptoir:coop.example"));

    @Test
    void aTransactionSentAgainIsAnsweredWithTheFirstEventAndNotPostedTwice() {
        EventId first = matrix.send(ROOM, OutgoingMessage.text("Bonjour"), "t1");
        EventId again = matrix.send(ROOM, OutgoingMessage.text("Bonjour"), "t1");
        matrix.send(ROOM, OutgoingMessage.text("Bonjour"), "t2");

        assertThat(again).isEqualTo(first);
        assertThat(matrix.bodiesIn(ROOM)).containsExactly("Bonjour", "Bonjour");
    }

    @Test
    void askedFailuresHappenBeforeOrAfterTheWorkAsAskedThenStop() {
        matrix.failNext(1);
        assertThatThrownBy(() -> matrix.send(ROOM, OutgoingMessage.text("a"), "t1"))
                .isInstanceOfSatisfying(MatrixException.class, e -> assertThat(e.status()).isEqualTo(502));
        assertThat(matrix.sent()).as("failed before the work").isEmpty();
        assertThat(matrix.failuresLeft()).isZero();

        matrix.loseNextAnswers(1);
        assertThatThrownBy(() -> matrix.send(ROOM, OutgoingMessage.text("a"), "t1")).isInstanceOf(MatrixException.class);
        assertThat(matrix.bodiesIn(ROOM)).as("done, the answer lost").containsExactly("a");
        EventId retried = matrix.send(ROOM, OutgoingMessage.text("a"), "t1");
        assertThat(matrix.sent()).singleElement().satisfies(s -> assertThat(s.eventId()).isEqualTo(retried));

        matrix.failIn(ROOM, new IllegalStateException("a bug"));
        assertThatThrownBy(() -> matrix.send(ROOM, OutgoingMessage.text("b"), "t2")).hasMessage("a bug");
        matrix.clearFaults();
        matrix.send(ROOM, OutgoingMessage.text("b"), "t2");
        assertThat(matrix.bodiesIn(ROOM)).containsExactly("a", "b");
    }

    @Test
    void aHomeserverRestartForgetsTransactionIdsSoARetryMakesASecondEvent() {
        matrix.loseNextAnswers(1);
        assertThatThrownBy(() -> matrix.send(ROOM, OutgoingMessage.text("a"), "t1")).isInstanceOf(MatrixException.class);
        matrix.forgetTransactionIds();
        matrix.send(ROOM, OutgoingMessage.text("a"), "t1");

        assertThat(matrix.bodiesIn(ROOM)).as("what Synapse shows after its restart").containsExactly("a", "a");
    }

    @Test
    void roomMessagesAreReadBackNewestFirstThroughTheFilterAndPageByPage() {
        UserId ghost = UserId.of("@_discord_1:coop.example");
        matrix.send(ROOM, OutgoingMessage.text("un"), "t1");
        EventId two = matrix.as(ghost).send(ROOM, OutgoingMessage.text("deux"), "t2");
        matrix.as(ghost).react(ROOM, two, "👍", "t3");
        EventId four = matrix.as(ghost).withTimestamp(1_600_000_000_000L).send(ROOM, OutgoingMessage.text("quatre"), "t4");
        String filter = java.net.URLEncoder.encode("{\"types\":[\"m.room.message\"],\"senders\":[\"" + ghost + "\"]}",
                java.nio.charset.StandardCharsets.UTF_8);
        String path = "/_matrix/client/v3/rooms/" + ROOM.value() + "/messages?dir=b&limit=1&filter=" + filter;

        com.fasterxml.jackson.databind.JsonNode first = matrix.request("GET", path, null);
        assertThat(first.path("chunk")).singleElement().satisfies(e -> {
            assertThat(e.path("event_id").asText()).isEqualTo(four.value());
            assertThat(e.path("content").path("body").asText()).isEqualTo("quatre");
            assertThat(e.path("origin_server_ts").asLong()).isEqualTo(1_600_000_000_000L);
        });
        com.fasterxml.jackson.databind.JsonNode second = matrix.request("GET", path + "&from=" + first.path("end").asText(), null);
        assertThat(second.path("chunk")).singleElement()
                .satisfies(e -> assertThat(e.path("event_id").asText()).isEqualTo(two.value()));
        com.fasterxml.jackson.databind.JsonNode last = matrix.request("GET", path + "&from=" + second.path("end").asText(), null);
        assertThat(last.path("chunk")).as("the bot's message is not the ghost's").isEmpty();
        assertThat(last.has("end")).as("no more history").isFalse();
        assertThat(matrix.request("GET", "/_matrix/client/v3/rooms/" + ROOM.value() + "/messages?dir=f", null).path("chunk"))
                .extracting(e -> e.path("type").asText()).containsExactly("m.room.message", "m.room.message", "m.reaction",
                        "m.room.message");
    }

    @Test
    void anEditShowsItsNewTextAndWhatItReplaces() {
        EventId original = matrix.send(ROOM, OutgoingMessage.text("Il manque 2 personnes"), "t1");
        matrix.edit(ROOM, original, OutgoingMessage.text("Il manque 1 personne"), "t2");

        assertThat(matrix.postsIn(ROOM)).singleElement().satisfies(s -> assertThat(s.replaces()).isNull());
        assertThat(matrix.editsIn(ROOM)).singleElement().satisfies(s -> {
            assertThat(s.replaces()).isEqualTo(original);
            assertThat(s.text()).isEqualTo("Il manque 1 personne");
            assertThat(s.body()).isEqualTo("* Il manque 1 personne");
        });
    }

    @Test
    void aRequestIsRecordedAndAnsweredByTheLongestPrefixGiven() {
        matrix.answer("GET", "/_matrix/client/v3/publicRooms", PluginConfigs.yaml("chunk: []"))
                .answer("GET", "/_matrix/client/v3/publicRooms?since=", PluginConfigs.yaml("chunk: [{room_id: '!b:x'}]"));

        assertThat(matrix.request("GET", "/_matrix/client/v3/publicRooms?limit=50", null).path("chunk")).isEmpty();
        assertThat(matrix.request("GET", "/_matrix/client/v3/publicRooms?since=n1", null).path("chunk")).hasSize(1);
        assertThatThrownBy(() -> matrix.request("POST", "/_matrix/client/v3/publicRooms", null))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThat(matrix.requests()).extracting(RecordingMatrixClient.Request::method).containsExactly("GET", "GET", "POST");
    }

    @Test
    void aCreatedRoomKeepsItsRequest() {
        RoomId dm = matrix.createDirectChat(UserId.of("@alice:coop.example"));
        assertThat(matrix.createdRooms()).singleElement().satisfies(c -> {
            assertThat(c.room()).isEqualTo(dm);
            assertThat(c.request().path("is_direct").asBoolean()).isTrue();
        });
    }

    @Test
    void timestampsAvatarsAndNoticesAreKeptForTheTestToReadBack() {
        UserId ghost = UserId.of("@_discord_42:coop.example");
        EventId copied = matrix.as(ghost).withTimestamp(1_600_000_000_000L).send(ROOM, OutgoingMessage.text("Salut"), "t1");
        EventId live = matrix.as(ghost).send(ROOM, OutgoingMessage.text("Encore"), "t2");
        matrix.send(ROOM, OutgoingMessage.notice("Lien établi"), "t3");
        matrix.as(ghost).setAvatarUrl(new coop.comptoir.api.id.MxcUri("coop.example", "bob"));

        assertThat(matrix.timestampOf(copied)).contains(1_600_000_000_000L);
        assertThat(matrix.timestampOf(live)).isEmpty();
        assertThat(matrix.sent()).extracting(RecordingMatrixClient.Sent::sender).containsExactly(ghost, ghost, matrix.userId());
        assertThat(matrix.noticesIn(ROOM)).extracting(RecordingMatrixClient.Sent::body).containsExactly("Lien établi");
        assertThat(matrix.avatarUrl(ghost)).hasValueSatisfying(a -> assertThat(a.toString()).isEqualTo("mxc://coop.example/bob"));
        assertThat(matrix.avatarUrl(matrix.userId())).isEmpty();
    }

    @Test
    void stateSetUpByTheTestIsReadBackButNotCountedAsSent() {
        matrix.putState(ROOM, "m.room.create", "",
                com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("room_version", "10"));

        assertThat(matrix.getState(ROOM, "m.room.create", "")).hasValueSatisfying(
                c -> assertThat(c.path("room_version").asText()).isEqualTo("10"));
        assertThat(matrix.getState(ROOM, "m.room.name", "")).isEmpty();
        assertThat(matrix.sent()).isEmpty();
    }
}
