package coop.comptoir.internal.matrix;

import static coop.comptoir.internal.matrix.MockHomeserver.object;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import coop.comptoir.api.id.EventId;
import coop.comptoir.api.id.MxcUri;
import coop.comptoir.api.id.RoomAlias;
import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.id.UserId;
import coop.comptoir.api.matrix.MatrixClient;
import coop.comptoir.api.matrix.OutgoingMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import okhttp3.Headers;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import coop.comptoir.testing.spec.OpenApiDocs;
import coop.comptoir.testing.spec.OpenApiDocs.Located;
import coop.comptoir.testing.spec.OpenApiDocs.Operation;
import org.junit.jupiter.api.Test;

/**
 * Every request the client sends, checked against the official client-server OpenAPI description in
 * {@code ../shared/spec/matrix}, read in place: the method and path match a declared endpoint, the
 * query parameters are declared (plus the appservice's {@code user_id} and {@code ts}), and JSON
 * bodies have the required properties of the request schema, with the declared top-level types.
 *
 * <p>The folder comes from the system property {@code comptoir.shared.dir} when set (the build sets
 * it), else from a search for {@code shared/spec/matrix} upwards from the working directory. Without
 * it the test is skipped, unless the environment has {@code CI=true}: then it fails.
 *
 * <p>Tagged {@code conformance}: the group of tests that read {@code ../shared}.
 */
@Tag("conformance")
class ClientSpecConformanceTest {
    private static final String SPEC = "spec/matrix/data/api/client-server";
    /** Query parameters of the Application Service API: identity assertion and timestamp massaging. */
    private static final Set<String> APPSERVICE_QUERY = Set.of("user_id", "ts");

    private static OpenApiDocs spec;
    /** The event schemas ({@code m.room.message.yaml}, …). */
    private static Path events;

    private final MockHomeserver hs = new MockHomeserver(1);


    @BeforeAll
    static void loadSpec() throws IOException {
        Optional<Path> shared = OpenApiDocs.sharedDir(SPEC);
        if (shared.isEmpty()) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail("../shared not found (set -Dcomptoir.shared.dir): spec conformance cannot be skipped when CI=true");
            }
            return; // each test is then skipped, see requireSpec()
        }
        Path dir = shared.get().resolve(SPEC);
        spec = OpenApiDocs.of(dir);
        events = shared.get().resolve("spec/matrix/data/event-schemas/schema");
        assertThat(spec.operations()).as("operations declared in " + dir).hasSizeGreaterThan(100);
    }

    @BeforeEach
    void requireSpec() {
        Assumptions.assumeTrue(spec != null, "../shared not found: spec conformance skipped");
    }

    @AfterEach
    void stop() {
        hs.close();
    }

    @Test
    void everyRequestMatchesTheSpec() throws InterruptedException {
        answerAsAHomeserverWould();
        exerciseEveryCall(hs.client);

        Set<String> matched = new TreeSet<>();
        List<String> problems = checkRecordedRequests(matched);
        for (String exchange : hs.exchanges) {
            String[] parts = exchange.split(" ");
            if (!parts[1].equals(HttpMatrixClient.CUSTOM) && !templateMatches(parts[0], parts[1])) {
                problems.add("endpoint template " + parts[0] + " " + parts[1] + " does not follow the spec's");
            }
        }
        assertThat(problems).as("requests that differ from the spec").isEmpty();
        assertThat(matched).contains(
                "POST /_matrix/client/v3/register",
                "PUT /_matrix/client/v3/rooms/{roomId}/send/{eventType}/{txnId}",
                "PUT /_matrix/client/v3/rooms/{roomId}/state/{eventType}/{stateKey}",
                "PUT /_matrix/client/v3/rooms/{roomId}/redact/{eventId}/{txnId}",
                "POST /_matrix/client/v3/createRoom",
                "POST /_matrix/client/v1/appservice/{appserviceId}/ping",
                "GET /_matrix/client/v1/media/download/{serverName}/{mediaId}",
                "POST /_matrix/media/v3/upload");
    }

    /** The check itself must see mistakes, or the test above proves nothing. */
    @Test
    void theCheckCatchesRequestsThatDiffer() throws Exception {
        answerEverythingWith("{\"event_id\":\"$e\"}");
        MatrixClient bot = hs.client;

        bot.request("POST", "/_matrix/client/v3/rooms/!r:example.org/kick", object("{\"reason\":\"no user\"}"));
        bot.request("PUT", "/_matrix/client/v3/rooms/!r:example.org/send/m.room.message", object("{}"));
        bot.request("POST", "/_matrix/client/v3/register?bogus=1", object("{\"username\":5}"));
        bot.request("GET", "/_matrix/client/v3/joined_rooms?ts=5", null);
        try (Response empty = new OkHttpClient().newCall(new Request.Builder()
                .url(hs.server.url("/_matrix/client/v3/join/%23a:example.org"))
                .post(RequestBody.create(new byte[0]))
                .build()).execute()) {
            assertThat(empty.code()).isEqualTo(200);
        }
        bot.request("POST", "/_matrix/client/v3/logout", object("{}"));
        bot.request("POST", "/_matrix/client/v3/createRoom", object("{\"invite\":[\"@a:example.org\", 5],\"power_level_content_override\":[]}"));
        bot.request("POST", "/_matrix/client/v3/createRoom", object(
                "{\"initial_state\":[{\"type\":\"m.room.topic\",\"state_key\":5,\"content\":{\"topic\":\"x\"}}]}"));
        bot.sendEvent(RoomId.of("!r:example.org"), "m.reaction",
                object("{\"m.relates_to\":{\"rel_type\":\"m.annotation\",\"event_id\":5,\"key\":\"👍\"}}"), "t9");
        bot.sendEvent(RoomId.of("!r:example.org"), "m.room.message", object("{\"msgtype\":\"m.notice\",\"body\":[\"x\"]}"), "t10");
        bot.sendState(RoomId.of("!r:example.org"), "m.room.join_rules", "",
                object("{\"join_rule\":\"restricted\",\"allow\":[{\"type\":\"m.room_membership\",\"room_id\":7}]}"));

        assertThat(checkRecordedRequests(new TreeSet<>())).satisfiesExactlyInAnyOrder(
                p -> assertThat(p).contains("/kick", "lacks required property user_id"),
                p -> assertThat(p).contains("/send/m.room.message", "no such endpoint"),
                p -> assertThat(p).contains("/register", "query parameter bogus"),
                p -> assertThat(p).contains("/register", "$.username should be string"),
                p -> assertThat(p).contains("/joined_rooms?ts=5", "ts is only honoured"),
                p -> assertThat(p).contains("/join/", "request body is required"),
                p -> assertThat(p).contains("/logout", "declares no request body"),
                p -> assertThat(p).contains("/createRoom", "$.invite[1] should be string"),
                p -> assertThat(p).contains("/createRoom", "$.power_level_content_override should be object"),
                p -> assertThat(p).contains("/createRoom", "$.initial_state[0].state_key should be string"),
                p -> assertThat(p).contains("/send/m.reaction/t9", "m.reaction content", "$.m.relates_to.event_id should be string"),
                p -> assertThat(p).contains("/send/m.room.message/t10", "m.room.message$m.notice content", "$.body should be string"),
                p -> assertThat(p).contains("/state/m.room.join_rules", "content", "$.allow[0].room_id should be string"));
    }

    /** The answers of a scripted homeserver are checked too, nested values included. */
    @Test
    void theCheckCatchesAnswersNoHomeserverWouldGive() {
        OpenApiDocs cs = spec;
        assertThat(SpecCheckedHomeserver.check(cs, "GET", List.of("_matrix", "client", "v3", "rooms", "!r:x", "joined_members"),
                "/joined_members", 200, "application/json", "{\"joined\":{\"@a:x\":{\"display_name\":5}}}"))
                .singleElement().asString().contains("$.joined.@a:x.display_name should be string");
        assertThat(SpecCheckedHomeserver.check(cs, "GET", List.of("_matrix", "client", "v3", "joined_rooms"),
                "/joined_rooms", 200, "application/json", "{\"joined_rooms\":[\"!a:x\",5]}"))
                .singleElement().asString().contains("$.joined_rooms[1] should be string");
        assertThat(SpecCheckedHomeserver.check(cs, "PUT", List.of("_matrix", "client", "v3", "rooms", "!r:x", "send", "m.room.message", "1"),
                "/send", 200, "application/json", "{}"))
                .singleElement().asString().contains("lacks required property event_id");
        assertThat(SpecCheckedHomeserver.check(cs, "GET", List.of("_matrix", "client", "v3", "joined_rooms"),
                "/joined_rooms", 403, "application/json", "{\"errcode\":5}"))
                .anySatisfy(p -> assertThat(p).contains("$.errcode should be string"));
        assertThat(SpecCheckedHomeserver.check(cs, "POST", List.of("_matrix", "client", "v3", "createRoom"),
                "/createRoom", 202, "application/json", "{\"room_id\":\"!r:x\"}"))
                .singleElement().asString().contains("status 202 is not declared");
        assertThat(SpecCheckedHomeserver.check(cs, "POST", List.of("_matrix", "client", "v3", "createRoom"),
                "/createRoom", 502, "text/html", "<html>Bad gateway</html>")).as("a proxy's error page").isEmpty();
    }

    private void answerEverythingWith(String json) {
        hs.dispatch(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                return hs.answers.offSpec(new MockResponse(200, Headers.of("Content-Type", "application/json"), json),
                        "the same body for every request: only the requests are checked here");
            }
        });
    }

    /** Answers each request as a homeserver would: these canned answers are checked against the spec as well. */
    private void answerAsAHomeserverWould() {
        hs.dispatch(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                String path = request.getUrl().encodedPath();
                String method = request.getMethod();
                if (path.contains("/download/")) {
                    return new MockResponse(200, Headers.of("Content-Type", "application/octet-stream"), "data");
                }
                return new MockResponse(200, Headers.of("Content-Type", "application/json"), answer(method, path));
            }
        });
    }

    private static String answer(String method, String path) {
        String last = path.substring(path.lastIndexOf('/') + 1);
        if (path.endsWith("/register") || path.endsWith("/whoami")) {
            return "{\"user_id\":\"@_discord_42:example.org\"}";
        }
        if (path.contains("/join/") || path.endsWith("/createRoom")) {
            return "{\"room_id\":\"!r:example.org\"}";
        }
        if (path.contains("/directory/room/")) {
            return "{\"room_id\":\"!r:example.org\",\"servers\":[\"example.org\"]}";
        }
        if (method.equals("PUT") && (path.contains("/send/") || path.contains("/state/") || path.contains("/redact/"))) {
            return "{\"event_id\":\"$e\"}";
        }
        if (path.contains("/state/m.room.create")) {
            return "{\"room_version\":\"12\"}";
        }
        if (path.contains("/state/m.room.power_levels")) {
            return "{\"users\":{\"@comptoir:example.org\":100}}";
        }
        if (path.contains("/state/")) {
            return "{\"name\":\"Caisse\"}";
        }
        if (path.endsWith("/joined_members")) {
            return "{\"joined\":{\"@a:example.org\":{\"display_name\":\"Alice\",\"avatar_url\":\"mxc://example.org/a\"}}}";
        }
        if (path.endsWith("/joined_rooms")) {
            return "{\"joined_rooms\":[\"!r:example.org\"]}";
        }
        if (path.contains("/event/")) {
            return "{\"event_id\":\"$event\",\"room_id\":\"!room:example.org\",\"sender\":\"@a:example.org\","
                    + "\"type\":\"m.room.message\",\"origin_server_ts\":1700000000000,"
                    + "\"content\":{\"msgtype\":\"m.text\",\"body\":\"hi\"}}";
        }
        if (path.endsWith("/upload")) {
            return "{\"content_uri\":\"mxc://example.org/m\"}";
        }
        if (path.endsWith("/ping")) {
            return "{\"duration_ms\":3}";
        }
        return "{}"; // invite, kick, leave, profile: an empty object
    }

    /** Drains the requests the server received; returns what differs from the spec, fills {@code matched}. */
    private List<String> checkRecordedRequests(Set<String> matched) throws InterruptedException {
        List<String> problems = new ArrayList<>();
        int count = hs.server.getRequestCount();
        for (int i = 0; i < count; i++) {
            RecordedRequest request = hs.server.takeRequest(1, TimeUnit.SECONDS);
            String what = request.getMethod() + " " + request.getTarget();
            // A path may be declared twice (invite by user ID, invite by 3PID): any one may be met.
            List<String> best = null;
            for (Operation op : spec.match(request.getMethod(), request.getUrl().pathSegments())) {
                List<String> found = new ArrayList<>();
                checkQuery(request, op, what, found);
                checkBody(request, op, what, found);
                checkEventContent(request, op, what, found);
                if (best == null || found.size() < best.size()) {
                    best = found;
                }
                if (found.isEmpty()) {
                    matched.add(op.method() + " " + op.template());
                }
            }
            problems.addAll(best == null ? List.of(what + ": no such endpoint in the spec") : best);
        }
        return problems;
    }

    private static void exerciseEveryCall(MatrixClient bot) {
        RoomId room = RoomId.of("!room:example.org");
        UserId ghost = UserId.of("@_discord_42:example.org");
        EventId event = EventId.of("$event");
        MatrixClient importer = bot.as(ghost).withTimestamp(1_700_000_000_000L);

        bot.ensureRegistered();
        bot.as(ghost).ensureRegistered();
        bot.join("#caisse:example.org");
        bot.invite(room, ghost);
        bot.kick(room, ghost, "spam");
        bot.leave(room);
        bot.resolveAlias(RoomAlias.of("#caisse:example.org"));
        bot.createRoom(object("{\"preset\":\"private_chat\",\"name\":\"Caisse\",\"invite\":[\"@a:example.org\"]}"));
        importer.send(room, OutgoingMessage.text("hi").replyingTo(event), null);
        importer.send(room, OutgoingMessage.html("hi", "<b>hi</b>").inThread(event).mentioning(ghost), "t1");
        importer.sendEvent(room, "m.room.message", object("{\"msgtype\":\"m.text\",\"body\":\"x\"}"), "t2");
        importer.sendState(room, "m.room.topic", "", object("{\"topic\":\"Horaires\"}"));
        bot.sendState(room, "coop.comptoir.portal", "discord/1", object("{\"channel\":\"1\"}"));
        bot.getState(room, "m.room.name", "");
        bot.joinedMembers(room);
        bot.joinedRooms();
        bot.getEvent(room, event);
        importer.redact(room, event, "spam", null);
        bot.redact(room, event, null, "r1");
        importer.react(room, event, "👍", null);
        importer.edit(room, event, OutgoingMessage.notice("fixed"), null);
        bot.as(ghost).setDisplayName("Ghost");
        bot.as(ghost).setAvatarUrl(MxcUri.parse("mxc://example.org/avatar"));
        bot.powerLevel(room, ghost);
        bot.as(ghost).upload("data".getBytes(StandardCharsets.UTF_8), "text/plain", "notes.txt");
        bot.download(MxcUri.parse("mxc://example.org/media1"), 1024);
        bot.ping("comptoir", "p1");
        bot.request("GET", "/_matrix/client/v3/account/whoami", null);
    }

    /** The client's metric template lines up with a spec template: same literals, placeholders where the spec has them. */
    private static boolean templateMatches(String method, String template) {
        List<String> mine = OpenApiDocs.segments(template);
        return spec.operations().stream().anyMatch(op -> {
            if (!op.method().equals(method) || op.segments().size() != mine.size()) {
                return false;
            }
            for (int i = 0; i < mine.size(); i++) {
                String spec = op.segments().get(i);
                if (OpenApiDocs.isPlaceholder(mine.get(i)) ? !OpenApiDocs.isPlaceholder(spec) : !OpenApiDocs.isPlaceholder(spec) && !spec.equals(mine.get(i))) {
                    return false;
                }
            }
            return true;
        });
    }

    private static void checkQuery(RecordedRequest request, Operation op, String what, List<String> problems) {
        Map<String, Boolean> declared = new HashMap<>(); // name -> required
        for (JsonNode p : op.node().node().path("parameters")) {
            JsonNode param = spec.resolve(new Located(p, op.node().file())).node();
            if ("query".equals(param.path("in").asText())) {
                declared.put(param.path("name").asText(), param.path("required").asBoolean(false));
            }
        }
        for (String name : request.getUrl().queryParameterNames()) {
            if (!declared.containsKey(name) && !APPSERVICE_QUERY.contains(name)) {
                problems.add(what + ": query parameter " + name + " is not declared");
            }
        }
        declared.forEach((name, required) -> {
            if (required && request.getUrl().queryParameter(name) == null) {
                problems.add(what + ": required query parameter " + name + " is missing");
            }
        });
        boolean massageable = op.method().equals("PUT")
                && (op.template().contains("/send/") || op.template().contains("/state/"));
        if (request.getUrl().queryParameter("ts") != null && !massageable) {
            problems.add(what + ": ts is only honoured on send and state PUTs");
        }
    }

    /**
     * The content of an event sent ({@code PUT …/send/{eventType}/…}, {@code PUT …/state/{eventType}/…}),
     * checked against its event schema in {@code event-schemas/schema}, the {@code m.room.message}
     * one of its {@code msgtype} when there is one; event types the spec does not define are not checked.
     */
    private static void checkEventContent(RecordedRequest request, Operation op, String what, List<String> problems) {
        int typeAt = op.segments().indexOf("{eventType}");
        if (!op.method().equals("PUT") || typeAt < 0 || request.getBody() == null || request.getBody().size() == 0) {
            return;
        }
        String type = request.getUrl().pathSegments().get(typeAt);
        JsonNode content;
        try {
            content = MockHomeserver.MAPPER.readTree(request.getBody().utf8());
        } catch (IOException e) {
            return; // reported by checkBody
        }
        Path file = events.resolve(type + ".yaml");
        Path specific = events.resolve(type + "$" + content.path("msgtype").asText("") + ".yaml");
        if (content.path("msgtype").isTextual() && Files.isRegularFile(specific)) {
            file = specific;
        }
        if (!Files.isRegularFile(file)) {
            return;
        }
        String name = file.getFileName().toString().replaceAll("\\.yaml$", "");
        spec.check(content, new Located(spec.file(file), file).path("properties").path("content"),
                what + " (" + name + " content)", problems);
    }

    private static void checkBody(RecordedRequest request, Operation op, String what, List<String> problems) {
        boolean hasBody = request.getBody() != null && request.getBody().size() > 0;
        Located requestBody = spec.resolve(op.node().path("requestBody"));
        if (requestBody.node().isMissingNode()) {
            if (hasBody) {
                problems.add(what + ": the spec declares no request body");
            }
            return;
        }
        if (!hasBody) {
            if (requestBody.node().path("required").asBoolean(false)) {
                problems.add(what + ": the request body is required");
            }
            return;
        }
        Located schema = requestBody.path("content").path("application/json").path("schema");
        if (schema.node().isMissingNode()) {
            return; // not a JSON body (media upload)
        }
        JsonNode body;
        try {
            body = MockHomeserver.MAPPER.readTree(request.getBody().utf8());
        } catch (IOException e) {
            problems.add(what + ": body is not JSON");
            return;
        }
        if (!body.isObject()) {
            problems.add(what + ": body is not a JSON object");
            return;
        }
        spec.check(body, schema, what, problems);
    }
}
