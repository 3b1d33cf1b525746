package coop.comptoir.internal.matrix;

import static coop.comptoir.internal.matrix.MockHomeserver.BOT;
import static coop.comptoir.internal.matrix.MockHomeserver.TOKEN;
import static coop.comptoir.internal.matrix.MockHomeserver.body;
import static coop.comptoir.internal.matrix.MockHomeserver.json;
import static coop.comptoir.internal.matrix.MockHomeserver.object;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import coop.comptoir.api.id.EventId;
import coop.comptoir.api.id.MxcUri;
import coop.comptoir.api.id.RoomAlias;
import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.id.UserId;
import coop.comptoir.api.matrix.MatrixClient;
import coop.comptoir.api.matrix.MatrixException;
import coop.comptoir.api.matrix.OutgoingMessage;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import okhttp3.Headers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What goes out on the wire for each call family, and how answers are read. */
class HttpMatrixClientTest {
    private static final RoomId ROOM = RoomId.of("!room:example.org");
    private static final UserId GHOST = UserId.of("@_discord_42:example.org");
    private static final EventId EVENT = EventId.of("$abc/def+ghi");

    private final MockHomeserver hs = new MockHomeserver();
    private final MatrixClient client = hs.client;

    @AfterEach
    void stop() {
        hs.close();
    }

    @Test
    void sendPutsTheMessageWithTokenInHeaderOnly() {
        hs.answer(200, "{\"event_id\":\"$sent\"}");

        EventId id = client.send(ROOM, OutgoingMessage.text("hello"), "txn1");

        RecordedRequest r = hs.take();
        assertThat(r.getMethod()).isEqualTo("PUT");
        assertThat(r.getTarget()).isEqualTo("/_matrix/client/v3/rooms/!room:example.org/send/m.room.message/txn1");
        assertThat(r.getHeaders().get("Content-Type")).startsWith("application/json");
        assertThat(r.getTarget()).doesNotContain(TOKEN);
        assertThat(body(r)).isEqualTo(json("""
                {"msgtype":"m.text","body":"hello","m.mentions":{}}"""));
        assertThat(id).isEqualTo(EventId.of("$sent"));
        assertThat(hs.exchanges).containsExactly("PUT /_matrix/client/v3/rooms/{roomId}/send/{eventType}/{txnId} 200");
    }

    @Test
    void aLoneSurrogateGoesOutAsTheReplacementCharacterSinceSynapseFailsOnIt() {
        hs.answer(200, "{\"event_id\":\"$sent\"}");

        client.send(ROOM, OutgoingMessage.html("a\uD800b \uDFFFc 🎉", "<b>x\uDBFF</b>"), "txn1");

        String wire = hs.take().getBody().utf8();
        assertThat(wire).doesNotContainIgnoringCase("\\ud800").doesNotContainIgnoringCase("\\udfff")
                .doesNotContainIgnoringCase("\\udbff");
        JsonNode sent = json(wire);
        assertThat(sent.path("body").asText()).isEqualTo("a\uFFFDb \uFFFDc 🎉");
        assertThat(sent.path("formatted_body").asText()).isEqualTo("<b>x\uFFFD</b>");
    }

    @Test
    void missingTxnIdIsRandom() {
        hs.answer(200, "{\"event_id\":\"$1\"}");
        hs.answer(200, "{\"event_id\":\"$2\"}");

        client.send(ROOM, OutgoingMessage.text("a"), null);
        client.send(ROOM, OutgoingMessage.text("a"), null);

        String first = hs.take().getUrl().pathSegments().get(7);
        String second = hs.take().getUrl().pathSegments().get(7);
        assertThat(first).matches("c[0-9a-f]{32}");
        assertThat(second).matches("c[0-9a-f]{32}").isNotEqualTo(first);
    }

    @Test
    void pathSegmentsArePercentEncoded() {
        hs.answer(200, "{\"room_id\":\"!joined:example.org\"}");
        hs.answer(200, "{\"room_id\":\"!r:example.org\"}");
        hs.answer(200, "{\"event_id\":\"$r\"}");
        hs.answer(200, "{\"event_id\":\"$s\"}");
        hs.answer(200, "{\"event_id\":\"$e\"}");

        client.join("#caisse centrale:example.org");
        client.resolveAlias(RoomAlias.of("#b?ar:example.org"));
        client.redact(ROOM, EVENT, null, "t/x n%");
        client.sendState(ROOM, "m.bridge", "discord/123 456", object("{}"));
        client.sendState(ROOM, "m.room.topic", "", object("{\"topic\":\"t\"}"));

        assertThat(hs.take().getTarget()).isEqualTo("/_matrix/client/v3/join/%23caisse%20centrale:example.org");
        assertThat(hs.take().getTarget()).isEqualTo("/_matrix/client/v3/directory/room/%23b%3Far:example.org");
        RecordedRequest redact = hs.take();
        assertThat(redact.getTarget()).isEqualTo("/_matrix/client/v3/rooms/!room:example.org/redact/$abc%2Fdef+ghi/t%2Fx%20n%25");
        assertThat(redact.getUrl().pathSegments()).endsWith("$abc/def+ghi", "t/x n%");
        assertThat(hs.take().getTarget()).isEqualTo("/_matrix/client/v3/rooms/!room:example.org/state/m.bridge/discord%2F123%20456");
        assertThat(hs.take().getTarget()).isEqualTo("/_matrix/client/v3/rooms/!room:example.org/state/m.room.topic/");
    }

    @Test
    void dotSegmentsAreRefusedRatherThanSilentlyDropped() {
        assertThatThrownBy(() -> client.getState(ROOM, "m.bridge", ".."))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> client.send(ROOM, OutgoingMessage.text("x"), "."))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> client.send(ROOM, OutgoingMessage.text("x"), ""))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(hs.server.getRequestCount()).isZero();
    }

    @Test
    void ghostClientAssertsItsIdentityOnEveryCall() {
        hs.answer(200, "{\"event_id\":\"$1\"}");
        hs.answer(200, "{}");
        hs.answer(200, "{\"content_uri\":\"mxc://example.org/abc\"}");

        MatrixClient ghost = client.as(GHOST);
        ghost.send(ROOM, OutgoingMessage.text("hi"), "t1");
        ghost.setDisplayName("Ghost");
        ghost.upload(new byte[] {1}, "image/png", "a.png");

        assertThat(ghost.userId()).isEqualTo(GHOST);
        assertThat(client.userId()).isEqualTo(BOT);
        assertThat(hs.take().getUrl().queryParameter("user_id")).isEqualTo(GHOST.value());
        RecordedRequest profile = hs.take();
        assertThat(profile.getTarget())
                .isEqualTo("/_matrix/client/v3/profile/@_discord_42:example.org/displayname?user_id=%40_discord_42%3Aexample.org");
        assertThat(body(profile)).isEqualTo(json("{\"displayname\":\"Ghost\"}"));
        assertThat(hs.take().getUrl().queryParameter("user_id")).isEqualTo(GHOST.value());
    }

    @Test
    void botClientSendsNoUserId() {
        hs.answer(200, "{\"joined_rooms\":[\"!a:example.org\",\"!b\"]}");

        assertThat(client.joinedRooms()).containsExactly(RoomId.of("!a:example.org"), RoomId.of("!b"));

        RecordedRequest r = hs.take();
        assertThat(r.getMethod()).isEqualTo("GET");
        assertThat(r.getTarget()).isEqualTo("/_matrix/client/v3/joined_rooms");
    }

    @Test
    void timestampGoesOnSendAndStatePutsOnly() {
        hs.answer(200, "{\"event_id\":\"$1\"}");
        hs.answer(200, "{\"event_id\":\"$2\"}");
        hs.answer(200, "{\"event_id\":\"$3\"}");
        hs.answer(200, "{\"event_id\":\"$4\"}");
        hs.answer(200, "{\"topic\":\"t\"}");
        hs.answer(200, "{\"room_id\":\"!r:example.org\"}");

        MatrixClient importer = client.as(GHOST).withTimestamp(1_700_000_000_123L);
        importer.send(ROOM, OutgoingMessage.text("old"), "t1");
        importer.react(ROOM, EVENT, "👍", "t2");
        importer.sendState(ROOM, "m.room.topic", "", object("{\"topic\":\"t\"}"));
        importer.redact(ROOM, EVENT, null, "t3");
        importer.getState(ROOM, "m.room.topic", "");
        importer.join("!r:example.org");

        assertThat(hs.take().getUrl().query()).isEqualTo("user_id=@_discord_42:example.org&ts=1700000000123");
        assertThat(hs.take().getUrl().queryParameter("ts")).isEqualTo("1700000000123");
        assertThat(hs.take().getUrl().queryParameter("ts")).isEqualTo("1700000000123");
        for (int i = 0; i < 3; i++) {
            RecordedRequest r = hs.take();
            assertThat(r.getUrl().queryParameter("ts")).as(r.getRequestLine()).isNull();
            assertThat(r.getUrl().queryParameter("user_id")).isEqualTo(GHOST.value());
        }
    }

    @Test
    void registrationUsesTheAppserviceLoginTypeWithoutIdentityAssertion() {
        hs.answer(200, "{\"user_id\":\"@_discord_42:example.org\"}");

        client.as(GHOST).ensureRegistered();

        RecordedRequest r = hs.take();
        assertThat(r.getMethod()).isEqualTo("POST");
        assertThat(r.getTarget()).isEqualTo("/_matrix/client/v3/register");
        assertThat(body(r)).isEqualTo(json("""
                {"type":"m.login.application_service","username":"_discord_42","inhibit_login":true}"""));
    }

    @Test
    void alreadyRegisteredIsFineButExclusiveIsNot() {
        hs.answer(400, "{\"errcode\":\"M_USER_IN_USE\",\"error\":\"User ID already taken.\"}");
        hs.answer(400, "{\"errcode\":\"M_EXCLUSIVE\",\"error\":\"This user ID is reserved by an application service.\"}");

        client.as(GHOST).ensureRegistered();
        assertThatThrownBy(() -> client.as(UserId.of("@alice:example.org")).ensureRegistered())
                .isInstanceOfSatisfying(MatrixException.class, e -> {
                    assertThat(e.errcode()).isEqualTo("M_EXCLUSIVE");
                    assertThat(e.status()).isEqualTo(400);
                });
        assertThat(hs.sleeps).isEmpty();
    }

    @Test
    void membershipCalls() {
        hs.answer(200, "{\"room_id\":\"!joined:example.org\"}");
        hs.answer(200, "{}");
        hs.answer(200, "{}");
        hs.answer(200, "{}");
        hs.answer(200, "{}");

        assertThat(client.join("!joined:example.org")).isEqualTo(RoomId.of("!joined:example.org"));
        client.invite(ROOM, GHOST);
        client.kick(ROOM, GHOST, "spam");
        client.kick(ROOM, GHOST, null);
        client.leave(ROOM);

        assertRequest("POST", "/_matrix/client/v3/join/!joined:example.org", "{}");
        assertRequest("POST", "/_matrix/client/v3/rooms/!room:example.org/invite", "{\"user_id\":\"@_discord_42:example.org\"}");
        assertRequest("POST", "/_matrix/client/v3/rooms/!room:example.org/kick",
                "{\"user_id\":\"@_discord_42:example.org\",\"reason\":\"spam\"}");
        assertRequest("POST", "/_matrix/client/v3/rooms/!room:example.org/kick", "{\"user_id\":\"@_discord_42:example.org\"}");
        assertRequest("POST", "/_matrix/client/v3/rooms/!room:example.org/leave", "{}");
    }

    @Test
    void createRoomAndResolveAlias() {
        hs.answer(200, "{\"room_id\":\"!new:example.org\"}");
        hs.answer(404, NOT_ENCRYPTED);
        hs.answer(200, "{\"room_id\":\"!aliased:example.org\",\"servers\":[\"example.org\"]}");
        String request = "{\"name\":\"Caisse\",\"preset\":\"private_chat\",\"invite\":[\"@a:example.org\"]}";

        assertThat(client.createRoom(object(request))).isEqualTo(RoomId.of("!new:example.org"));
        assertThat(client.resolveAlias(RoomAlias.of("#caisse:example.org"))).isEqualTo(RoomId.of("!aliased:example.org"));

        assertRequest("POST", "/_matrix/client/v3/createRoom", request);
        assertRequest("GET", "/_matrix/client/v3/rooms/!new:example.org/state/m.room.encryption/", null);
        assertRequest("GET", "/_matrix/client/v3/directory/room/%23caisse:example.org", null);
    }

    private static final String NOT_ENCRYPTED = "{\"errcode\":\"M_NOT_FOUND\",\"error\":\"Event not found.\"}";

    @Test
    void aDirectChatIsATrustedPrivateChatWithTheMemberInvitedAndNoEncryption() {
        hs.answer(200, "{\"room_id\":\"!dm:example.org\"}");
        hs.answer(404, NOT_ENCRYPTED);

        assertThat(client.createDirectChat(UserId.of("@zoe:example.org"))).isEqualTo(RoomId.of("!dm:example.org"));

        assertRequest("POST", "/_matrix/client/v3/createRoom",
                "{\"preset\":\"trusted_private_chat\",\"is_direct\":true,\"invite\":[\"@zoe:example.org\"]}");
    }

    @Test
    void createRoomRefusesToAskForEncryptionItCouldNotRead() {
        String request = "{\"preset\":\"private_chat\",\"initial_state\":[{\"type\":\"m.room.encryption\",\"state_key\":\"\","
                + "\"content\":{\"algorithm\":\"m.megolm.v1.aes-sha2\"}}]}";

        assertThatThrownBy(() -> client.createRoom(object(request)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot read end-to-end encrypted rooms");
        assertThat(hs.server.getRequestCount()).isZero();
    }

    @Test
    void aRoomTheHomeserverEncryptsAnywayIsKeptWithAWarning() {
        hs.answer(200, "{\"room_id\":\"!forced:example.org\"}");
        hs.answer(200, "{\"algorithm\":\"m.megolm.v1.aes-sha2\"}");
        ch.qos.logback.classic.Logger logger =
                (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(HttpMatrixClient.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs =
                new ch.qos.logback.core.read.ListAppender<>();
        logs.start();
        logger.addAppender(logs);
        try {
            assertThat(client.createDirectChat(UserId.of("@zoe:example.org"))).isEqualTo(RoomId.of("!forced:example.org"));
        } finally {
            logger.detachAppender(logs);
        }

        assertThat(logs.list).singleElement().satisfies(e -> {
            assertThat(e.getLevel()).isEqualTo(ch.qos.logback.classic.Level.WARN);
            assertThat(e.getFormattedMessage()).contains("!forced:example.org", "end-to-end encrypted",
                    "encryption_enabled_by_default_for_room_type", "cannot read");
        });
    }

    /** {@code encryption.enabled}: the bot reads encrypted rooms, so the rooms it opens may be encrypted. */
    @Test
    void withEncryptionOnTheBotsDirectChatsAreEncryptedAndNobodyIsWarned() {
        hs.client.encryptWith((room, type, content) -> null);
        hs.answer(200, "{\"room_id\":\"!dm:example.org\"}");
        ch.qos.logback.classic.Logger logger =
                (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(HttpMatrixClient.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs =
                new ch.qos.logback.core.read.ListAppender<>();
        logs.start();
        logger.addAppender(logs);
        try {
            assertThat(client.createDirectChat(UserId.of("@zoe:example.org"))).isEqualTo(RoomId.of("!dm:example.org"));
        } finally {
            logger.detachAppender(logs);
        }

        assertRequest("POST", "/_matrix/client/v3/createRoom",
                "{\"preset\":\"trusted_private_chat\",\"is_direct\":true,\"invite\":[\"@zoe:example.org\"],"
                        + "\"initial_state\":[{\"type\":\"m.room.encryption\",\"state_key\":\"\","
                        + "\"content\":{\"algorithm\":\"m.megolm.v1.aes-sha2\"}}]}");
        assertThat(logs.list).as("no 'cannot read' warning: the bot reads it").isEmpty();
    }

    @Test
    void withEncryptionOnARoomMayBeCreatedEncryptedButAGhostsDirectChatStaysPlain() {
        hs.client.encryptWith((room, type, content) -> null);
        String request = "{\"preset\":\"private_chat\",\"initial_state\":[{\"type\":\"m.room.encryption\",\"state_key\":\"\","
                + "\"content\":{\"algorithm\":\"m.megolm.v1.aes-sha2\"}}]}";
        hs.answer(200, "{\"room_id\":\"!enc:example.org\"}");
        assertThat(client.createRoom(object(request))).isEqualTo(RoomId.of("!enc:example.org"));
        assertRequest("POST", "/_matrix/client/v3/createRoom", request);

        // a ghost cannot encrypt: what it opens stays plain, so that the bridge reads the answers
        hs.answer(200, "{\"room_id\":\"!gdm:example.org\"}");
        hs.answer(404, NOT_ENCRYPTED);
        hs.client.as(GHOST).createDirectChat(UserId.of("@zoe:example.org"));
        assertThat(body(hs.take()).has("initial_state")).as("a ghost's direct chat asks for no encryption").isFalse();
    }

    @Test
    void stateReadsAndWrites() {
        hs.answer(200, "{\"event_id\":\"$state\"}");
        hs.answer(200, "{\"name\":\"Caisse\"}");
        hs.answer(404, "{\"errcode\":\"M_NOT_FOUND\",\"error\":\"Event not found.\"}");
        hs.answer(403, "{\"errcode\":\"M_FORBIDDEN\",\"error\":\"You are not in the room.\"}");

        assertThat(client.sendState(ROOM, "m.room.name", "", object("{\"name\":\"Caisse\"}")))
                .isEqualTo(EventId.of("$state"));
        assertThat(client.getState(ROOM, "m.room.name", "")).contains(object("{\"name\":\"Caisse\"}"));
        assertThat(client.getState(ROOM, "m.room.topic", "")).isEqualTo(Optional.empty());
        assertThatThrownBy(() -> client.getState(ROOM, "m.room.topic", ""))
                .isInstanceOfSatisfying(MatrixException.class, e -> assertThat(e.errcode()).isEqualTo("M_FORBIDDEN"));

        assertRequest("PUT", "/_matrix/client/v3/rooms/!room:example.org/state/m.room.name/", "{\"name\":\"Caisse\"}");
        assertRequest("GET", "/_matrix/client/v3/rooms/!room:example.org/state/m.room.name/", null);
    }

    @Test
    void membersAndEvents() {
        hs.answer(200, """
                {"joined":{"@a:example.org":{"display_name":"A"},"@b:example.org":{}}}""");
        hs.answer(200, "{\"event_id\":\"$abc/def+ghi\",\"type\":\"m.room.message\",\"room_id\":\"!room:example.org\","
                + "\"sender\":\"@a:example.org\",\"origin_server_ts\":1700000000000,\"content\":{\"msgtype\":\"m.text\",\"body\":\"x\"}}");

        assertThat(client.joinedMembers(ROOM)).containsExactly(UserId.of("@a:example.org"), UserId.of("@b:example.org"));
        assertThat(client.getEvent(ROOM, EVENT).path("content").path("body").asText()).isEqualTo("x");

        assertRequest("GET", "/_matrix/client/v3/rooms/!room:example.org/joined_members", null);
        assertRequest("GET", "/_matrix/client/v3/rooms/!room:example.org/event/$abc%2Fdef+ghi", null);
    }

    @Test
    void redactWithReason() {
        hs.answer(200, "{\"event_id\":\"$redaction\"}");

        assertThat(client.redact(ROOM, EventId.of("$x"), "off topic", "r1")).isEqualTo(EventId.of("$redaction"));

        assertRequest("PUT", "/_matrix/client/v3/rooms/!room:example.org/redact/$x/r1", "{\"reason\":\"off topic\"}");
    }

    @Test
    void reactionIsAnAnnotation() {
        hs.answer(200, "{\"event_id\":\"$re\"}");

        client.react(ROOM, EventId.of("$target"), "👍", "k1");

        assertRequest("PUT", "/_matrix/client/v3/rooms/!room:example.org/send/m.reaction/k1", """
                {"m.relates_to":{"rel_type":"m.annotation","event_id":"$target","key":"👍"}}""");
    }

    @Test
    void editReplacesWithFallbackAndNewContent() {
        hs.answer(200, "{\"event_id\":\"$edit\"}");

        client.edit(ROOM, EventId.of("$orig"),
                OutgoingMessage.noticeHtml("new text", "<b>new</b> text").mentioning(GHOST), "e1");

        assertRequest("PUT", "/_matrix/client/v3/rooms/!room:example.org/send/m.room.message/e1", """
                {"msgtype":"m.notice","body":"* new text",
                 "format":"org.matrix.custom.html","formatted_body":"* <b>new</b> text",
                 "m.mentions":{},
                 "m.new_content":{"msgtype":"m.notice","body":"new text",
                   "format":"org.matrix.custom.html","formatted_body":"<b>new</b> text",
                   "m.mentions":{"user_ids":["@_discord_42:example.org"]}},
                 "m.relates_to":{"rel_type":"m.replace","event_id":"$orig"}}""");
    }

    @Test
    void replyAndThreadGoOutWithTheirRelations() {
        hs.answer(200, "{\"event_id\":\"$1\"}");
        hs.answer(200, "{\"event_id\":\"$2\"}");

        client.send(ROOM, OutgoingMessage.text("yes").replyingTo(EventId.of("$q")), "a");
        client.send(ROOM, OutgoingMessage.text("in thread").inThread(EventId.of("$root")), "b");

        assertRequest("PUT", "/_matrix/client/v3/rooms/!room:example.org/send/m.room.message/a", """
                {"msgtype":"m.text","body":"yes","m.mentions":{},
                 "m.relates_to":{"m.in_reply_to":{"event_id":"$q"}}}""");
        assertRequest("PUT", "/_matrix/client/v3/rooms/!room:example.org/send/m.room.message/b", """
                {"msgtype":"m.text","body":"in thread","m.mentions":{},
                 "m.relates_to":{"rel_type":"m.thread","event_id":"$root",
                   "m.in_reply_to":{"event_id":"$root"},"is_falling_back":true}}""");
    }

    @Test
    void profile() {
        hs.answer(200, "{}");
        hs.answer(200, "{}");

        client.setDisplayName("Comptoir");
        client.setAvatarUrl(MxcUri.parse("mxc://example.org/avatar1"));

        assertRequest("PUT", "/_matrix/client/v3/profile/@comptoir:example.org/displayname", "{\"displayname\":\"Comptoir\"}");
        assertRequest("PUT", "/_matrix/client/v3/profile/@comptoir:example.org/avatar_url",
                "{\"avatar_url\":\"mxc://example.org/avatar1\"}");
    }

    @Test
    void powerLevelFromUsersMapThenUsersDefault() {
        String create = "{\"type\":\"m.room.create\",\"sender\":\"@founder:example.org\",\"content\":{\"room_version\":\"11\"}}";
        String levels = "{\"users\":{\"@mod:example.org\":50,\"@founder:example.org\":100},\"users_default\":5}";
        hs.answer(200, create);
        hs.answer(200, levels);
        hs.answer(200, create);
        hs.answer(200, levels);

        assertThat(client.powerLevel(ROOM, UserId.of("@mod:example.org"))).isEqualTo(50);
        assertThat(client.powerLevel(ROOM, UserId.of("@someone:example.org"))).isEqualTo(5);

        RecordedRequest first = hs.take();
        assertThat(first.getTarget()).isEqualTo("/_matrix/client/v3/rooms/!room:example.org/state/m.room.create/?format=event");
        assertThat(hs.take().getTarget()).isEqualTo("/_matrix/client/v3/rooms/!room:example.org/state/m.room.power_levels/");
    }

    @Test
    void powerLevelDefaultsToZeroAndCreatorTo100WithoutPowerLevels() {
        String create = "{\"sender\":\"@founder:example.org\",\"content\":{\"room_version\":\"10\"}}";
        hs.answer(200, create);
        hs.answer(200, "{\"users\":{}}");
        hs.answer(200, create);
        hs.answer(404, "{\"errcode\":\"M_NOT_FOUND\",\"error\":\"no\"}");
        hs.answer(200, create);
        hs.answer(404, "{\"errcode\":\"M_NOT_FOUND\",\"error\":\"no\"}");

        assertThat(client.powerLevel(ROOM, UserId.of("@x:example.org"))).isZero();
        assertThat(client.powerLevel(ROOM, UserId.of("@founder:example.org"))).isEqualTo(100);
        assertThat(client.powerLevel(ROOM, UserId.of("@x:example.org"))).isZero();
    }

    @Test
    void roomVersion12CreatorsAreAboveEveryone() {
        String create = """
                {"sender":"@founder:example.org",
                 "content":{"room_version":"12","additional_creators":["@cofounder:example.org"]}}""";
        String levels = "{\"users\":{\"@mod:example.org\":100}}";
        hs.answer(200, create);
        hs.answer(200, create);
        hs.answer(200, create);
        hs.answer(200, levels);

        RoomId v12 = RoomId.of("!hashOfTheCreateEvent");
        assertThat(client.powerLevel(v12, UserId.of("@founder:example.org"))).isEqualTo(Long.MAX_VALUE);
        assertThat(client.powerLevel(v12, UserId.of("@cofounder:example.org"))).isEqualTo(Long.MAX_VALUE);
        assertThat(client.powerLevel(v12, UserId.of("@mod:example.org"))).isEqualTo(100);
        assertThat(hs.server.getRequestCount()).isEqualTo(4);
    }

    @Test
    void olderRoomVersionsGiveCreatorsNoSpecialRank() {
        hs.answer(200, "{\"sender\":\"@founder:example.org\",\"content\":{\"room_version\":\"11\",\"additional_creators\":[\"@c:example.org\"]}}");
        hs.answer(200, "{\"users\":{\"@founder:example.org\":100}}");

        assertThat(client.powerLevel(ROOM, UserId.of("@c:example.org"))).isZero();
    }

    @Test
    void uploadSendsRawBytesAndDownloadIsAuthenticated() {
        hs.answer(200, "{\"content_uri\":\"mxc://example.org/AbC123\"}");
        hs.answer(new MockResponse(200, Headers.of("Content-Type", "image/png"), "PNGDATA"));

        MxcUri uri = client.upload("PNGDATA".getBytes(StandardCharsets.UTF_8), "image/png", "logo caisse.png");
        byte[] data = client.download(uri, 7);

        assertThat(uri).isEqualTo(new MxcUri("example.org", "AbC123"));
        assertThat(new String(data, StandardCharsets.UTF_8)).isEqualTo("PNGDATA");
        RecordedRequest up = hs.take();
        assertThat(up.getMethod()).isEqualTo("POST");
        assertThat(up.getTarget()).isEqualTo("/_matrix/media/v3/upload?filename=logo%20caisse.png");
        assertThat(up.getHeaders().get("Content-Type")).isEqualTo("image/png");
        assertThat(up.getBody().utf8()).isEqualTo("PNGDATA");
        RecordedRequest down = hs.take();
        assertThat(down.getMethod()).isEqualTo("GET");
        assertThat(down.getTarget()).isEqualTo("/_matrix/client/v1/media/download/example.org/AbC123");
    }

    @Test
    void pingReturnsTheRoundTrip() {
        hs.answer(200, "{\"duration_ms\":123}");

        assertThat(client.ping("comptoir", "ping-1")).isEqualTo(123);

        assertRequest("POST", "/_matrix/client/v1/appservice/comptoir/ping", "{\"transaction_id\":\"ping-1\"}");
    }

    @Test
    void failedPingIsThrownWithoutRetry() {
        hs.answer(502, "{\"errcode\":\"M_CONNECTION_FAILED\",\"error\":\"Connection refused\"}");

        assertThatThrownBy(() -> client.ping("comptoir", null))
                .isInstanceOfSatisfying(MatrixException.class, e -> {
                    assertThat(e.errcode()).isEqualTo("M_CONNECTION_FAILED");
                    assertThat(e.status()).isEqualTo(502);
                });
        assertThat(hs.server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void escapeHatchKeepsPathAndQueryAndAssertsIdentity() {
        hs.answer(200, "{\"chunk\":[],\"start\":\"t1-2_3\"}");
        hs.answer(200, "{\"user_id\":\"@comptoir:example.org\"}");

        assertThat(client.as(GHOST).request("get", "/_matrix/client/v3/rooms/%21room:example.org/messages?dir=b&limit=5", null)
                .has("chunk")).isTrue();
        client.request("POST", "/_matrix/client/v3/account/whoami", null);

        RecordedRequest r = hs.take();
        assertThat(r.getMethod()).isEqualTo("GET");
        assertThat(r.getTarget()).isEqualTo(
                "/_matrix/client/v3/rooms/%21room:example.org/messages?dir=b&limit=5&user_id=%40_discord_42%3Aexample.org");
        assertRequest("POST", "/_matrix/client/v3/account/whoami", "{}");
        assertThat(hs.exchanges).containsOnly("GET /_matrix/{custom} 200", "POST /_matrix/{custom} 200");
        assertThatThrownBy(() -> client.request("GET", "/other", null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void homeserverPathPrefixIsKept() {
        HttpMatrixClient prefixed = new HttpMatrixClient(hs.server.url("/matrix-proxy/"), TOKEN, BOT,
                new okhttp3.OkHttpClient(), MockHomeserver.MAPPER, RetryPolicy.none(), null);
        hs.answer(200, "{\"joined_rooms\":[]}");

        prefixed.joinedRooms();

        assertThat(hs.take().getTarget()).isEqualTo("/matrix-proxy/_matrix/client/v3/joined_rooms");
    }

    @Test
    void errorsCarryErrcodeButNeverTheToken() {
        hs.answer(403, "{\"errcode\":\"M_FORBIDDEN\",\"error\":\"Not allowed\"}");
        hs.answerOffSpec(new MockResponse(404, Headers.of(), "<html>nope</html>"), "a reverse proxy's own error page");

        assertThatThrownBy(() -> client.invite(ROOM, GHOST))
                .isInstanceOfSatisfying(MatrixException.class, e -> {
                    assertThat(e.status()).isEqualTo(403);
                    assertThat(e.errcode()).isEqualTo("M_FORBIDDEN");
                    assertThat(e.getMessage()).contains("Not allowed").doesNotContain(TOKEN);
                });
        assertThatThrownBy(() -> client.leave(ROOM))
                .isInstanceOfSatisfying(MatrixException.class, e -> {
                    assertThat(e.errcode()).isEqualTo("M_UNKNOWN");
                    assertThat(e.getMessage()).contains("POST /_matrix/client/v3/rooms/{roomId}/leave answered HTTP 404");
                });
        assertThat(client.toString()).doesNotContain(TOKEN);
    }

    @Test
    void answerWithoutTheExpectedFieldIsABadResponse() {
        hs.answerOffSpec(200, "{}", "a send answered without its event_id: the client must refuse it");

        assertThatThrownBy(() -> client.send(ROOM, OutgoingMessage.text("x"), "t"))
                .isInstanceOfSatisfying(MatrixException.class,
                        e -> assertThat(e.errcode()).isEqualTo(HttpMatrixClient.BAD_RESPONSE));
    }

    @Test
    void tokenIsValidatedWithoutBeingEchoed() {
        assertThatThrownBy(() -> new HttpMatrixClient(hs.server.url("/"), "bad token\n", BOT,
                new okhttp3.OkHttpClient(), MockHomeserver.MAPPER, RetryPolicy.none(), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("bad token");
    }

    private void assertRequest(String method, String target, String jsonBody) {
        RecordedRequest r = hs.take();
        assertThat(r.getMethod()).as(r.getRequestLine()).isEqualTo(method);
        assertThat(r.getTarget()).isEqualTo(target);
        if (jsonBody == null) {
            assertThat(body(r)).as("body of " + r.getRequestLine()).isNull();
        } else {
            assertThat(body(r)).as("body of " + r.getRequestLine()).isEqualTo(json(jsonBody));
        }
    }
}
