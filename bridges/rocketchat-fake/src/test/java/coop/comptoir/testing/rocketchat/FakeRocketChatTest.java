package coop.comptoir.testing.rocketchat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fake against a plain OkHttp client: REST as the spec says, DDP as the realtime docs say, failures on demand. */
class FakeRocketChatTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final MediaType TYPE = MediaType.get("application/json");
    private final OkHttpClient http = new OkHttpClient();
    private FakeRocketChat rc;
    private FakeRoom general;

    @BeforeEach
    void start() {
        rc = FakeRocketChat.start("tok-123");
        general = rc.room("general");
        assertThat(rc.spec()).as("the shared spec must be found for this test").isPresent();
    }

    @AfterEach
    void stop() {
        rc.close();
    }

    private Response call(String method, String path, String json) throws Exception {
        Request.Builder b = new Request.Builder().url(rc.url() + path).header("X-Auth-Token", "tok-123")
                .header("X-User-Id", rc.bot().id());
        b.method(method, json == null ? null : RequestBody.create(json, TYPE));
        return http.newCall(b.build()).execute();
    }

    @Test
    void aClientChosenIdIsPostedOnceAndEveryCreationIsRecorded() throws Exception {
        String body = "{\"message\":{\"_id\":\"AbCdEfGhIjKlMnOpQ\",\"rid\":\"" + general.id() + "\",\"msg\":\"Bonjour\"}}";
        try (Response r = call("POST", "/api/v1/chat.sendMessage", body)) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(JSON.readTree(r.body().string()).path("message").path("_id").asText()).isEqualTo("AbCdEfGhIjKlMnOpQ");
        }
        try (Response r = call("POST", "/api/v1/chat.sendMessage", body)) {
            assertThat(r.code()).isEqualTo(400);
            assertThat(r.body().string()).contains("error-message-already-exists");
        }
        rc.userSays(general.id(), "alice", "salut");
        assertThat(rc.created()).extracting(FakeMessage::text).containsExactly("Bonjour", "salut");
        rc.assertNoSpecViolations();
    }

    @Test
    void historyIsNewestFirstAfterOldest() throws Exception {
        FakeMessage a = rc.userSays(general.id(), "alice", "un");
        rc.userSays(general.id(), "alice", "deux");
        rc.userSays(general.id(), "bob", "trois");
        try (Response r = call("GET", "/api/v1/channels.history?roomId=" + general.id() + "&oldest=" + a.ts() + "&count=10", null)) {
            JsonNode messages = JSON.readTree(r.body().string()).path("messages");
            assertThat(messages).extracting(m -> m.path("msg").asText()).containsExactly("trois", "deux");
        }
        try (Response r = call("GET", "/api/v1/groups.history?roomId=" + general.id(), null)) {
            assertThat(r.code()).as("a public channel is not a group").isEqualTo(400);
        }
        rc.assertNoSpecViolations();
    }

    @Test
    void aRequestOutsideTheSpecIsReported() throws Exception {
        try (Response r = call("POST", "/api/v1/chat.update", "{\"roomId\":\"" + general.id() + "\",\"msgId\":\"x\"}")) {
            assertThat(r.code()).isEqualTo(400);
        }
        assertThat(rc.specViolations()).anySatisfy(v -> assertThat(v).contains("chat.update").contains("text"));
        assertThatThrownBy(rc::assertNoSpecViolations).isInstanceOf(AssertionError.class);
    }

    @Test
    void answersAreCheckedToo() {
        RocketChatSpec spec = rc.spec().orElseThrow();
        assertThat(spec.checkResponse("POST", "/api/v1/chat.update", 200, "{\"message\":{\"_id\":5},\"success\":true}"))
                .anySatisfy(p -> assertThat(p).contains("_id"));
        assertThat(spec.checkResponse("POST", "/api/v1/chat.update", 200, "{\"message\":{\"_id\":\"x\"},\"success\":true}")).isEmpty();
        assertThat(spec.checkResponse("GET", "/api/v1/no.such", 200, "{}")).isNotEmpty();
    }

    @Test
    void rateLimitOutageAndAuthentication() throws Exception {
        rc.rateLimitNext(1, Duration.ofSeconds(3));
        try (Response r = call("GET", "/api/v1/rooms.info?roomId=" + general.id(), null)) {
            assertThat(r.code()).isEqualTo(429);
            assertThat(r.header("X-RateLimit-Remaining")).isEqualTo("0");
            assertThat(Long.parseLong(r.header("X-RateLimit-Reset"))).isGreaterThan(System.currentTimeMillis() + 1000);
        }
        try (Response r = call("GET", "/api/v1/rooms.info?roomId=" + general.id(), null)) {
            assertThat(r.code()).isEqualTo(200);
        }
        rc.outage(true);
        try (Response r = call("GET", "/api/v1/rooms.info?roomId=" + general.id(), null)) {
            assertThat(r.code()).isEqualTo(503);
        }
        rc.outage(false);
        try (Response r = http.newCall(new Request.Builder().url(rc.url() + "/api/v1/rooms.info?roomId=" + general.id()).build()).execute()) {
            assertThat(r.code()).isEqualTo(401);
        }
        assertThat(rc.undescribedRoutes()).isEmpty();
    }

    @Test
    void realtimeConnectLoginSubscribeAndStream() throws Exception {
        BlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
        WebSocket ws = http.newWebSocket(new Request.Builder().url(rc.url().replace("http", "ws") + "/websocket").build(),
                new WebSocketListener() {
                    @Override
                    public void onMessage(WebSocket webSocket, String text) {
                        try {
                            frames.add(JSON.readTree(text));
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }
                });
        assertThat(next(frames).has("server_id")).isTrue();
        ws.send("{\"msg\":\"connect\",\"version\":\"1\",\"support\":[\"1\"]}");
        assertThat(next(frames).path("msg").asText()).isEqualTo("connected");
        ws.send("{\"msg\":\"sub\",\"id\":\"s0\",\"name\":\"stream-room-messages\",\"params\":[\"" + general.id() + "\",false]}");
        assertThat(next(frames).path("msg").asText()).as("no subscription before login").isEqualTo("nosub");
        ws.send("{\"msg\":\"method\",\"method\":\"login\",\"id\":\"1\",\"params\":[{\"resume\":\"wrong\"}]}");
        assertThat(next(frames).path("error").path("error").asInt()).isEqualTo(403);
        ws.send("{\"msg\":\"method\",\"method\":\"login\",\"id\":\"2\",\"params\":[{\"resume\":\"tok-123\"}]}");
        assertThat(next(frames).path("result").path("id").asText()).isEqualTo(rc.bot().id());
        ws.send("{\"msg\":\"sub\",\"id\":\"s1\",\"name\":\"stream-room-messages\",\"params\":[\"" + general.id() + "\",false]}");
        assertThat(next(frames).path("subs").path(0).asText()).isEqualTo("s1");
        ws.send("{\"msg\":\"sub\",\"id\":\"s2\",\"name\":\"stream-notify-room\",\"params\":[\"" + general.id() + "/deleteMessage\",false]}");
        assertThat(next(frames).path("msg").asText()).isEqualTo("ready");

        FakeMessage m = rc.userSays(general.id(), "alice", "coucou @bob");
        JsonNode changed = next(frames);
        assertThat(changed.path("collection").asText()).isEqualTo("stream-room-messages");
        JsonNode msg = changed.path("fields").path("args").path(0);
        assertThat(msg.path("msg").asText()).isEqualTo("coucou @bob");
        assertThat(msg.path("ts").path("$date").asLong()).isEqualTo(m.ts().toEpochMilli());
        assertThat(msg.path("mentions").path(0).path("username").asText()).isEqualTo("bob");
        rc.userDeletes(m.id());
        JsonNode deleted = next(frames);
        assertThat(deleted.path("fields").path("eventName").asText()).isEqualTo(general.id() + "/deleteMessage");
        assertThat(deleted.path("fields").path("args").path(0).path("_id").asText()).isEqualTo(m.id());

        // a room renamed: the "r" system message, then the bot's own user stream (another user's is refused)
        ws.send("{\"msg\":\"sub\",\"id\":\"s3\",\"name\":\"stream-notify-user\",\"params\":[\"someone/rooms-changed\",false]}");
        assertThat(next(frames).path("msg").asText()).isEqualTo("nosub");
        ws.send("{\"msg\":\"sub\",\"id\":\"s4\",\"name\":\"stream-notify-user\",\"params\":[\"" + rc.bot().id()
                + "/rooms-changed\",false]}");
        assertThat(next(frames).path("subs").path(0).asText()).isEqualTo("s4");
        rc.renameRoom(general.id(), "alice", "Général café");
        JsonNode system = next(frames).path("fields").path("args").path(0);
        assertThat(system.path("t").asText()).isEqualTo("r");
        assertThat(system.path("msg").asText()).isEqualTo("Général café");
        JsonNode roomChanged = next(frames);
        assertThat(roomChanged.path("collection").asText()).isEqualTo("stream-notify-user");
        assertThat(roomChanged.path("fields").path("eventName").asText()).isEqualTo(rc.bot().id() + "/rooms-changed");
        assertThat(roomChanged.path("fields").path("args").path(0).asText()).isEqualTo("updated");
        assertThat(roomChanged.path("fields").path("args").path(1).path("fname").asText()).isEqualTo("Général café");
        assertThat(roomChanged.path("fields").path("args").path(1).path("name").asText()).isEqualTo("general-cafe");

        rc.ping();
        assertThat(next(frames).path("msg").asText()).isEqualTo("ping");
        ws.send("{\"msg\":\"pong\"}");
        FakeRocketChat.await(() -> rc.pongsReceived() == 1, Duration.ofSeconds(5), "the pong");
        rc.dropWebSockets();
        FakeRocketChat.await(() -> rc.connectedClients() == 0, Duration.ofSeconds(5), "the drop");
        List<String> seen = rc.frames();
        assertThat(seen).anyMatch(f -> f.startsWith("<- ") && f.contains("\"resume\""));
    }

    @Test
    void discussionsAreRoomsWithTheirParentAnnouncedInIt() throws Exception {
        FakeRoom byAlice = rc.userOpensDiscussion(general.id(), "alice", "Commande de pommes");
        try (Response r = call("POST", "/api/v1/rooms.createDiscussion",
                "{\"prid\":\"" + general.id() + "\",\"t_name\":\"Inventaire\"}")) {
            assertThat(r.code()).isEqualTo(200);
            JsonNode d = JSON.readTree(r.body().string()).path("discussion");
            assertThat(d.path("prid").asText()).isEqualTo(general.id());
            assertThat(d.path("fname").asText()).isEqualTo("Inventaire");
            assertThat(d.path("_id").asText()).isNotEqualTo(d.path("name").asText()).isNotEmpty();
        }
        try (Response r = call("POST", "/api/v1/rooms.createDiscussion", "{\"prid\":\"nope\",\"t_name\":\"x\"}")) {
            assertThat(r.code()).isEqualTo(400);
        }
        try (Response r = call("GET", "/api/v1/rooms.getDiscussions?roomId=" + general.id(), null)) {
            JsonNode all = JSON.readTree(r.body().string());
            assertThat(all.path("total").asInt()).isEqualTo(2);
            assertThat(all.path("discussions").findValuesAsText("fname")).containsExactly("Commande de pommes", "Inventaire");
        }
        assertThat(rc.discussionsOf(general.id())).extracting(FakeRoom::name).containsExactly("Commande de pommes", "Inventaire");
        try (Response r = call("GET", "/api/v1/channels.history?roomId=" + general.id(), null)) {
            JsonNode created = JSON.readTree(r.body().string()).path("messages");
            assertThat(created).hasSize(2);
            assertThat(created.findValuesAsText("t")).containsOnly("discussion-created");
            assertThat(created.findValuesAsText("drid")).contains(byAlice.id());
        }
        rc.userSays(byAlice.id(), "bob", "j'en prends dix");
        assertThat(rc.messagesIn(byAlice.id())).hasSize(1);
        // Rocket.Chat answers 400 to a bad parent; the description only declares 200 and 401 for this route
        assertThat(rc.specViolations()).singleElement().asString()
                .contains("400 is not declared for POST /api/v1/rooms.createDiscussion");
    }

    private static JsonNode next(BlockingQueue<JsonNode> frames) throws InterruptedException {
        JsonNode f = frames.poll(5, TimeUnit.SECONDS);
        assertThat(f).as("a frame from the fake").isNotNull();
        return f;
    }
}
