package coop.comptoir.testing.discord;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import okhttp3.MediaType;
import okhttp3.MultipartBody;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The REST API with a bare HTTP client: status codes, error bodies, limits, failure injection. */
class RestApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final OkHttpClient HTTP = new OkHttpClient();
    private static final MediaType APPLICATION_JSON = MediaType.get("application/json");

    private final FakeDiscord discord = FakeDiscord.builder().withoutSpec().uploadLimit(1024).start();
    private final String general = discord.channel("general").id();

    @AfterEach
    void close() {
        discord.close();
    }

    record Answer(int code, JsonNode json, Response response) {
    }

    private Answer call(String method, String path, RequestBody body, boolean authorized) throws IOException {
        Request.Builder b = new Request.Builder().url(discord.restBaseUrl() + path.substring(1)).method(method, body);
        if (authorized) {
            b.header("Authorization", "Bot " + discord.botToken());
        }
        try (Response r = HTTP.newCall(b.build()).execute()) {
            String text = r.body().string();
            return new Answer(r.code(), text.isEmpty() ? null : JSON.readTree(text), r);
        }
    }

    private Answer call(String method, String path, String json) throws IOException {
        return call(method, path, json == null ? null : RequestBody.create(json, APPLICATION_JSON), true);
    }

    @Test
    void authorizationUnknownRoutesAndUnknownObjects() throws IOException {
        assertThat(call("GET", "/users/@me", null, false).code()).isEqualTo(401);
        Answer me = call("GET", "/users/@me", null);
        assertThat(me.json().path("id").asText()).isEqualTo(discord.bot().id());
        assertThat(me.json().path("bot").asBoolean()).isTrue();

        Answer unknown = call("GET", "/applications/@me", null);
        assertThat(unknown.code()).isEqualTo(404);
        assertThat(unknown.json().path("code").asInt()).isZero();
        assertThat(discord.unknownRoutes()).containsExactly("GET /applications/@me");

        assertThat(call("GET", "/channels/1/messages/2", null).json().path("code").asInt()).isEqualTo(10003);
        assertThat(call("GET", "/channels/" + general + "/messages/2", null).json().path("code").asInt()).isEqualTo(10008);
        assertThat(call("GET", "/users/" + discord.user("bob").id(), null).json().path("username").asText()).isEqualTo("bob");
        Answer member = call("GET", "/guilds/" + discord.guild().id() + "/members/" + discord.user("bob").id(), null);
        assertThat(member.json().path("user").path("global_name").asText()).isEqualTo("Bob");
        assertThat(call("GET", "/gateway/bot", null).json().path("url").asText()).isEqualTo(discord.gatewayUrl());
    }

    @Test
    void historyIsNewestFirstWithBeforeAfterAroundAndLimit() throws IOException {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            ids.add(discord.userSays(general, discord.user("alice").id(), "m" + i).id());
        }
        assertThat(contents(call("GET", "/channels/" + general + "/messages?limit=3", (String) null)))
                .containsExactly("m6", "m5", "m4");
        assertThat(contents(call("GET", "/channels/" + general + "/messages?after=" + ids.get(1) + "&limit=2", (String) null)))
                .containsExactly("m3", "m2");
        assertThat(contents(call("GET", "/channels/" + general + "/messages?before=" + ids.get(3), (String) null)))
                .containsExactly("m2", "m1", "m0");
        assertThat(contents(call("GET", "/channels/" + general + "/messages?around=" + ids.get(3) + "&limit=3", (String) null)))
                .containsExactly("m4", "m3", "m2");
        assertThat(call("GET", "/channels/" + general + "/messages?limit=101", (String) null).json().path("code").asInt())
                .isEqualTo(50035);
    }

    private static List<String> contents(Answer a) {
        List<String> list = new ArrayList<>();
        a.json().forEach(m -> list.add(m.path("content").asText()));
        return list;
    }

    @Test
    void limitsOnContentFilesAndEmptiness() throws IOException {
        Answer tooLong = call("POST", "/channels/" + general + "/messages", "{\"content\":\"" + "x".repeat(2001) + "\"}");
        assertThat(tooLong.code()).isEqualTo(400);
        assertThat(tooLong.json().path("code").asInt()).isEqualTo(50035);
        assertThat(tooLong.json().path("errors").path("content").path("_errors").get(0).path("code").asText())
                .isEqualTo("BASE_TYPE_MAX_LENGTH");
        assertThat(call("POST", "/channels/" + general + "/messages", "{\"content\":\"" + "é".repeat(2000) + "\"}").code())
                .isEqualTo(200);
        assertThat(call("POST", "/channels/" + general + "/messages", "{\"content\":\"\"}").json().path("code").asInt())
                .isEqualTo(50006);

        Answer tooBig = call("POST", "/channels/" + general + "/messages", upload(new byte[1025]), true);
        assertThat(tooBig.code()).isEqualTo(413);
        assertThat(tooBig.json().path("code").asInt()).isEqualTo(40005);

        Answer ok = call("POST", "/channels/" + general + "/messages", upload("hello".getBytes()), true);
        assertThat(ok.code()).isEqualTo(200);
        JsonNode attachment = ok.json().path("attachments").get(0);
        assertThat(attachment.path("filename").asText()).isEqualTo("note.txt");
        assertThat(attachment.path("size").asInt()).isEqualTo(5);
        RecordedCall recorded = discord.requests("POST", "/channels/\\d+/messages").get(4);
        assertThat(recorded.files()).extracting(RecordedCall.UploadedFile::filename).containsExactly("note.txt");
        assertThat(recorded.json().path("content").asText()).isEqualTo("avec fichier");
        try (Response r = HTTP.newCall(new Request.Builder().url(attachment.path("url").asText()).build()).execute()) {
            assertThat(r.body().string()).isEqualTo("hello");
        }
    }

    private static RequestBody upload(byte[] bytes) {
        return new MultipartBody.Builder().setType(MultipartBody.FORM)
                .addFormDataPart("payload_json", null, RequestBody.create(
                        "{\"content\":\"avec fichier\",\"attachments\":[{\"id\":0,\"filename\":\"note.txt\"}]}", APPLICATION_JSON))
                .addFormDataPart("files[0]", "note.txt", RequestBody.create(bytes, MediaType.get("text/plain")))
                .build();
    }

    @Test
    void webhooksAndThreads() throws IOException {
        Answer created = call("POST", "/channels/" + general + "/webhooks", "{\"name\":\"Comptoir\"}");
        String id = created.json().path("id").asText();
        String token = created.json().path("token").asText();
        assertThat(call("GET", "/channels/" + general + "/webhooks", (String) null).json()).hasSize(1);
        assertThat(call("POST", "/channels/" + general + "/webhooks", "{\"name\":\"Discord bridge\"}").code()).isEqualTo(400);

        Answer noWait = call("POST", "/webhooks/" + id + "/" + token, RequestBody.create("{\"content\":\"a\"}", APPLICATION_JSON), false);
        assertThat(noWait.code()).isEqualTo(204);
        assertThat(call("POST", "/webhooks/" + id + "/wrong?wait=true", RequestBody.create("{\"content\":\"a\"}", APPLICATION_JSON), false)
                .json().path("code").asInt()).isEqualTo(50027);

        Answer thread = call("POST", "/channels/" + general + "/threads", "{\"name\":\"Inventaire\",\"type\":11}");
        assertThat(thread.code()).isEqualTo(201);
        String threadId = thread.json().path("id").asText();
        Answer inThread = call("POST", "/webhooks/" + id + "/" + token + "?wait=true&thread_id=" + threadId,
                RequestBody.create("{\"content\":\"dans le fil\",\"username\":\"Alice (Matrix)\"}", APPLICATION_JSON), false);
        assertThat(inThread.json().path("channel_id").asText()).isEqualTo(threadId);
        assertThat(inThread.json().path("author").path("username").asText()).isEqualTo("Alice (Matrix)");
        assertThat(discord.webhookMessages(general)).extracting(FakeMessage::content).containsExactly("a", "dans le fil");

        String mid = discord.userSays(general, discord.user("alice").id(), "départ").id();
        Answer fromMessage = call("POST", "/channels/" + general + "/messages/" + mid + "/threads", "{\"name\":\"Suite\"}");
        assertThat(fromMessage.json().path("id").asText()).isEqualTo(mid);
        assertThat(discord.findMessage(mid).orElseThrow().json()).contains("\"thread\"");
    }

    @Test
    void rateLimitsAndOutages() throws IOException {
        discord.rateLimitNext(1, 1.5);
        Answer limited = call("GET", "/users/@me", (String) null);
        assertThat(limited.code()).isEqualTo(429);
        assertThat(limited.json().path("retry_after").asDouble()).isEqualTo(1.5);
        assertThat(limited.json().path("global").asBoolean()).isFalse();
        assertThat(limited.response().header("Retry-After")).isEqualTo("2");
        assertThat(limited.response().header("X-RateLimit-Remaining")).isEqualTo("0");
        assertThat(call("GET", "/users/@me", (String) null).code()).isEqualTo(200);

        discord.outage(true);
        assertThat(call("GET", "/users/@me", (String) null).code()).isEqualTo(503);
        try (Response r = HTTP.newCall(new Request.Builder().url(discord.gatewayUrl().replace("ws:", "http:"))
                .header("Connection", "Upgrade").header("Upgrade", "websocket").build()).execute()) {
            assertThat(r.code()).isEqualTo(503);
        }
        discord.outage(false);
        assertThat(call("GET", "/users/@me", (String) null).code()).isEqualTo(200);
    }
}
