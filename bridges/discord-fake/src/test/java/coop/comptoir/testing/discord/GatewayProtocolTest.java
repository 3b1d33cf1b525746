package coop.comptoir.testing.discord;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Gateway at the payload level, with a bare WebSocket client. */
class GatewayProtocolTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final OkHttpClient HTTP = new OkHttpClient();
    private static final long ALL = Gateway.GUILDS | Gateway.GUILD_MESSAGES | Gateway.GUILD_MESSAGE_REACTIONS
            | Gateway.MESSAGE_CONTENT;

    private final FakeDiscord discord = FakeDiscord.builder().withoutSpec().start();

    @AfterEach
    void close() {
        discord.close();
    }

    /** A raw Gateway client: every payload received, and the close code. */
    static final class Client extends WebSocketListener {
        final BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        final WebSocket socket;

        Client(String url) {
            socket = HTTP.newWebSocket(new Request.Builder().url(url + "?v=10&encoding=json").build(), this);
        }

        @Override
        public void onMessage(WebSocket webSocket, String text) {
            try {
                received.add(JSON.readTree(text));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void onClosing(WebSocket webSocket, int code, String reason) {
            closed.complete(code);
            webSocket.close(code, null);
        }

        @Override
        public void onFailure(WebSocket webSocket, Throwable t, Response response) {
            closed.complete(-1);
        }

        JsonNode next() throws InterruptedException {
            JsonNode n = received.poll(5, TimeUnit.SECONDS);
            assertThat(n).as("a Gateway payload").isNotNull();
            return n;
        }

        JsonNode nextDispatch(String type) throws InterruptedException {
            while (true) {
                JsonNode n = next();
                if (n.path("op").asInt() == 0 && type.equals(n.path("t").asText())) {
                    return n;
                }
            }
        }

        void send(String json) {
            socket.send(json);
        }

        void identify(String token, long intents) {
            send("{\"op\":2,\"d\":{\"token\":\"" + token + "\",\"intents\":" + intents
                    + ",\"properties\":{\"os\":\"linux\",\"browser\":\"test\",\"device\":\"test\"}}}");
        }
    }

    private Client identified(long intents) throws InterruptedException {
        Client c = new Client(discord.gatewayUrl());
        assertThat(c.next().path("op").asInt()).isEqualTo(10);
        c.identify(discord.botToken(), intents);
        return c;
    }

    @Test
    void helloIdentifyReadyGuildCreateAndHeartbeats() throws Exception {
        Client c = new Client(discord.gatewayUrl());
        JsonNode hello = c.next();
        assertThat(hello.path("op").asInt()).isEqualTo(10);
        assertThat(hello.path("d").path("heartbeat_interval").asLong()).isEqualTo(41_250);

        c.identify(discord.botToken(), ALL);
        JsonNode ready = c.next();
        assertThat(ready.path("t").asText()).isEqualTo("READY");
        assertThat(ready.path("s").asInt()).isEqualTo(1);
        assertThat(ready.path("d").path("user").path("id").asText()).isEqualTo(discord.bot().id());
        assertThat(ready.path("d").path("resume_gateway_url").asText()).endsWith("/gateway-resume");
        assertThat(ready.path("d").path("guilds").get(0).path("unavailable").asBoolean()).isTrue();
        JsonNode guild = c.next();
        assertThat(guild.path("t").asText()).isEqualTo("GUILD_CREATE");
        assertThat(guild.path("s").asInt()).isEqualTo(2);
        assertThat(guild.path("d").path("channels")).extracting(n -> n.path("name").asText()).containsExactly("general", "annonces");
        assertThat(guild.path("d").path("roles").get(0).path("id").asText()).isEqualTo(discord.guild().id());

        c.send("{\"op\":1,\"d\":2}");
        assertThat(c.next().path("op").asInt()).isEqualTo(11);
        discord.requestHeartbeat();
        assertThat(c.next().path("op").asInt()).isEqualTo(1);

        discord.userSays(discord.channel("general").id(), discord.user("alice").id(), "salut");
        JsonNode create = c.nextDispatch("MESSAGE_CREATE");
        assertThat(create.path("s").asInt()).isEqualTo(3);
        assertThat(create.path("d").path("guild_id").asText()).isEqualTo(discord.guild().id());
        assertThat(create.path("d").has("member")).isTrue();
        assertThat(create.path("d").path("content").asText()).isEqualTo("salut");
    }

    @Test
    void aWrongTokenIsClosedWith4004() throws Exception {
        Client c = new Client(discord.gatewayUrl());
        c.next();
        c.identify("not-the-token", ALL);
        assertThat(c.closed.get(5, TimeUnit.SECONDS)).isEqualTo(4004);
        assertThat(discord.gatewayFrames()).noneMatch(f -> f.json() != null && f.json().contains("not-the-token"));
    }

    @Test
    void payloadsBeforeIdentifyAndUnknownOpcodesAreClosed() throws Exception {
        Client c = new Client(discord.gatewayUrl());
        c.next();
        c.send("{\"op\":3,\"d\":{}}");
        assertThat(c.closed.get(5, TimeUnit.SECONDS)).isEqualTo(4003);

        Client other = identified(ALL);
        other.nextDispatch("GUILD_CREATE");
        other.send("{\"op\":42,\"d\":null}");
        assertThat(other.closed.get(5, TimeUnit.SECONDS)).isEqualTo(4001);
    }

    @Test
    void resumeReplaysWhatWasMissedThenResumed() throws Exception {
        Client first = identified(ALL);
        String sessionId = first.nextDispatch("READY").path("d").path("session_id").asText();
        first.nextDispatch("GUILD_CREATE");
        discord.disconnect();
        assertThat(first.closed.get(5, TimeUnit.SECONDS)).isEqualTo(-1);

        String general = discord.channel("general").id();
        discord.userSays(general, discord.user("alice").id(), "un");
        discord.userSays(general, discord.user("bob").id(), "deux");

        Client second = new Client(discord.gatewayUrl().replace("/gateway", "/gateway-resume"));
        second.next();
        second.send("{\"op\":6,\"d\":{\"token\":\"" + discord.botToken() + "\",\"session_id\":\"" + sessionId + "\",\"seq\":2}}");
        JsonNode one = second.next();
        JsonNode two = second.next();
        JsonNode resumed = second.next();
        assertThat(one.path("s").asInt()).isEqualTo(3);
        assertThat(one.path("d").path("content").asText()).isEqualTo("un");
        assertThat(two.path("s").asInt()).isEqualTo(4);
        assertThat(resumed.path("t").asText()).isEqualTo("RESUMED");
        assertThat(resumed.path("s").asInt()).isEqualTo(5);

        Client stranger = new Client(discord.gatewayUrl());
        stranger.next();
        stranger.send("{\"op\":6,\"d\":{\"token\":\"" + discord.botToken() + "\",\"session_id\":\"nope\",\"seq\":1}}");
        JsonNode invalid = stranger.next();
        assertThat(invalid.path("op").asInt()).isEqualTo(9);
        assertThat(invalid.path("d").asBoolean(true)).isFalse();
    }

    @Test
    void invalidSessionAndReconnectAreSentOnDemand() throws Exception {
        Client c = identified(ALL);
        c.nextDispatch("GUILD_CREATE");
        discord.sendReconnect();
        assertThat(c.next().path("op").asInt()).isEqualTo(7);
        discord.sendInvalidSession(false);
        JsonNode invalid = c.next();
        assertThat(invalid.path("op").asInt()).isEqualTo(9);
        assertThat(invalid.path("d").asBoolean()).isFalse();
    }

    @Test
    void intentsFilterEventsAndMessageContentIsPrivileged() throws Exception {
        Client noContent = identified(Gateway.GUILDS | Gateway.GUILD_MESSAGES);
        noContent.nextDispatch("GUILD_CREATE");
        String general = discord.channel("general").id();
        FakeMessage m = discord.userSays(general, discord.user("alice").id(), "secret");
        JsonNode create = noContent.nextDispatch("MESSAGE_CREATE");
        assertThat(create.path("d").path("content").asText()).isEmpty();

        discord.userSays(general, discord.user("alice").id(), "hé " + discord.bot().mention());
        assertThat(noContent.nextDispatch("MESSAGE_CREATE").path("d").path("content").asText()).startsWith("hé ");

        // no GUILD_MESSAGE_REACTIONS intent: the reaction is not sent, the next message is
        discord.userReacts(general, m.id(), discord.user("bob").id(), "👍");
        discord.userDeletes(general, m.id());
        assertThat(noContent.next().path("t").asText()).isEqualTo("MESSAGE_DELETE");
    }

    @Test
    void humansRepliesThreadsEditsAndCustomReactionsAreDispatched() throws Exception {
        Client c = identified(ALL);
        c.nextDispatch("GUILD_CREATE");
        String general = discord.channel("general").id();
        FakeUser alice = discord.user("alice");
        FakeUser bob = discord.user("bob");

        FakeMessage question = discord.userSays(general, alice.id(), "Qui tient la caisse samedi ?");
        FakeMessage reply = discord.userMessage(general, bob.id()).content("moi").replyTo(question.id())
                .attachment("planning.txt", "text/plain", "samedi: bob".getBytes())
                .sticker("749054660769218631", "wave", 1)
                .embed("Planning", "les créneaux", "https://coop.example.org/planning")
                .send();
        c.nextDispatch("MESSAGE_CREATE");
        JsonNode d = c.nextDispatch("MESSAGE_CREATE").path("d");
        assertThat(d.path("type").asInt()).isEqualTo(19);
        assertThat(d.path("message_reference").path("message_id").asText()).isEqualTo(question.id());
        assertThat(d.path("referenced_message").path("content").asText()).isEqualTo("Qui tient la caisse samedi ?");
        assertThat(d.path("mentions")).extracting(n -> n.path("id").asText()).containsExactly(alice.id());
        assertThat(d.path("sticker_items").get(0).path("name").asText()).isEqualTo("wave");
        assertThat(d.path("embeds").get(0).path("title").asText()).isEqualTo("Planning");
        String url = d.path("attachments").get(0).path("url").asText();
        assertThat(url).startsWith(discord.cdnBaseUrl() + "attachments/");
        try (Response download = HTTP.newCall(new Request.Builder().url(url).build()).execute()) {
            assertThat(download.body().string()).isEqualTo("samedi: bob");
            assertThat(download.header("Content-Type")).isEqualTo("text/plain");
        }
        assertThat(reply.attachments().get(0).url()).isEqualTo(url);

        discord.userEdits(general, reply.id(), "moi, le matin");
        JsonNode update = c.nextDispatch("MESSAGE_UPDATE").path("d");
        assertThat(update.path("content").asText()).isEqualTo("moi, le matin");
        assertThat(update.path("edited_timestamp").isTextual()).isTrue();

        Emoji custom = discord.customEmoji(discord.guild().id(), "comptoir");
        discord.userReacts(general, reply.id(), alice.id(), custom);
        JsonNode add = c.nextDispatch("MESSAGE_REACTION_ADD").path("d");
        assertThat(add.path("emoji").path("id").asText()).isEqualTo(custom.id());
        assertThat(add.path("member").path("user").path("id").asText()).isEqualTo(alice.id());
        discord.userUnreacts(general, reply.id(), alice.id(), custom.urlForm());
        assertThat(c.nextDispatch("MESSAGE_REACTION_REMOVE").path("d").path("user_id").asText()).isEqualTo(alice.id());

        FakeChannel thread = discord.userCreatesThread(general, question.id(), alice.id(), "Caisse samedi");
        JsonNode created = c.nextDispatch("THREAD_CREATE").path("d");
        assertThat(created.path("id").asText()).isEqualTo(question.id()).isEqualTo(thread.id());
        assertThat(created.path("parent_id").asText()).isEqualTo(general);
        assertThat(created.path("newly_created").asBoolean()).isTrue();
        discord.userSays(thread.id(), bob.id(), "dans le fil");
        assertThat(c.nextDispatch("MESSAGE_CREATE").path("d").path("channel_id").asText()).isEqualTo(thread.id());
        assertThat(discord.messagesIn(thread.id())).extracting(FakeMessage::content).containsExactly("dans le fil");
    }

    @Test
    void messagesPostedWhileOfflineAreOnlyInTheHistory() throws Exception {
        Client c = identified(ALL);
        c.nextDispatch("GUILD_CREATE");
        String general = discord.channel("general").id();
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> discord.postWhileOffline(general, discord.user("alice").id(), "x"))
                .isInstanceOf(IllegalStateException.class);
        c.socket.close(1000, "bye");
        c.closed.get(5, TimeUnit.SECONDS);
        discord.awaitConnectedClients(0, java.time.Duration.ofSeconds(5));
        FakeMessage m = discord.postWhileOffline(general, discord.user("alice").id(), "pendant la nuit");
        assertThat(discord.messagesIn(general)).extracting(FakeMessage::id).containsExactly(m.id());
    }
}
