package coop.comptoir.internal.appservice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import coop.comptoir.testing.spec.OpenApiDocs;
import coop.comptoir.testing.spec.OpenApiDocs.Located;
import coop.comptoir.testing.spec.OpenApiDocs.Operation;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every answer Comptoir's appservice listener gives, checked against the official Application
 * Service API description in {@code ../shared/spec/matrix}, read in place: the request is one the
 * spec declares (or an error for one it does not), a success status is declared for the operation
 * and its body matches the declared schema (down into nested values), and every error, declared or
 * not, has the standard error body ({@code errcode}, {@code error}) of the client-server
 * definitions, with the errcode the spec's "server behaviour" gives for it.
 *
 * <p>Tagged {@code conformance}: skipped without {@code ../shared}, except under {@code CI=true}.
 */
@Tag("conformance")
class AppserviceSpecConformanceTest {
    private static final String SPEC = "spec/matrix/data/api/application-service";
    private static final String ERROR_SCHEMA = "spec/matrix/data/api/client-server/definitions/errors/error.yaml";
    private static final MediaType JSON = MediaType.get("application/json");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static OpenApiDocs spec;
    private static Located errorSchema;

    @TempDir
    Path dir;

    private ServerFixture server;
    private final OkHttpClient http = new OkHttpClient();

    /** One exchange as the homeserver would make it, and what came back. */
    private record Exchange(String method, String path, int status, String contentType, String body) {
        String what() {
            return method + " " + path + " → " + status;
        }
    }

    @BeforeAll
    static void loadSpec() throws IOException {
        Optional<Path> shared = OpenApiDocs.sharedDir(SPEC);
        if (shared.isEmpty()) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail("../shared not found (set -Dcomptoir.shared.dir): spec conformance cannot be skipped when CI=true");
            }
            return;
        }
        spec = OpenApiDocs.of(shared.get().resolve(SPEC));
        Path errorFile = shared.get().resolve(ERROR_SCHEMA);
        errorSchema = new Located(spec.file(errorFile), errorFile);
        assertThat(spec.operations()).extracting(Operation::template)
                .contains("/_matrix/app/v1/transactions/{txnId}", "/_matrix/app/v1/users/{userId}",
                        "/_matrix/app/v1/rooms/{roomAlias}", "/_matrix/app/v1/ping");
    }

    @BeforeEach
    void start() {
        Assumptions.assumeTrue(spec != null, "../shared not found: spec conformance skipped");
        server = new ServerFixture(dir, new AppserviceServer.Settings("127.0.0.1", 0, null, null, 64 * 1024), new PluginRoutes());
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void everyAnswerMatchesTheSpec() throws Exception {
        List<Exchange> exchanges = new ArrayList<>();
        String token = ServerFixture.HS_TOKEN;
        exchanges.add(call("PUT", "/_matrix/app/v1/transactions/1", token, ServerFixture.transaction("$a")));
        exchanges.add(call("PUT", "/_matrix/app/v1/transactions/1", token, ServerFixture.transaction("$a")));
        exchanges.add(call("PUT", "/_matrix/app/v1/transactions/2", token,
                "{\"events\":[],\"ephemeral\":[],\"de.sorunome.msc2409.to_device\":[]}"));
        exchanges.add(call("PUT", "/_matrix/app/v1/transactions/3", null, ServerFixture.transaction("$b")));
        exchanges.add(call("PUT", "/_matrix/app/v1/transactions/3", "wrong-token", ServerFixture.transaction("$b")));
        exchanges.add(call("PUT", "/_matrix/app/v1/transactions/4", token, "{not json"));
        exchanges.add(call("PUT", "/_matrix/app/v1/transactions/5", token, "{\"events\":3}"));
        exchanges.add(call("GET", "/_matrix/app/v1/transactions/6", token, null));
        exchanges.add(call("GET", "/_matrix/app/v1/users/@nobody:coop.example", token, null));
        exchanges.add(call("GET", "/_matrix/app/v1/users/not-a-user-id", token, null));
        exchanges.add(call("GET", "/_matrix/app/v1/users/@nobody:coop.example", null, null));
        exchanges.add(call("GET", "/_matrix/app/v1/rooms/%23nowhere:coop.example", token, null));
        exchanges.add(call("GET", "/_matrix/app/v1/rooms/%23nowhere:coop.example", "wrong-token", null));
        exchanges.add(call("POST", "/_matrix/app/v1/ping", token, "{}"));
        exchanges.add(call("POST", "/_matrix/app/v1/ping", token, "{\"transaction_id\":\"comptoir_1\"}"));
        exchanges.add(call("POST", "/_matrix/app/v1/ping", "wrong-token", "{}"));
        exchanges.add(call("GET", "/_matrix/app/v1/thirdparty/protocol/discord", token, null));
        exchanges.add(call("GET", "/_matrix/app/v1/nowhere", token, null));
        exchanges.add(call("PUT", "/_matrix/app/v1/transactions/7", token,
                "{\"events\":[],\"pad\":\"" + "x".repeat(70 * 1024) + "\"}"));

        Set<String> declared = new TreeSet<>();
        List<String> problems = new ArrayList<>();
        for (Exchange e : exchanges) {
            problems.addAll(check(e, declared));
        }

        assertThat(problems).as("answers that differ from the spec").isEmpty();
        assertThat(exchanges).extracting(Exchange::status)
                .as("statuses, in order").containsExactly(200, 200, 200, 401, 403, 400, 400, 405, 404, 400, 401, 404, 403,
                        200, 200, 403, 404, 404, 413);
        assertThat(declared).contains("PUT /_matrix/app/v1/transactions/{txnId} 200",
                "GET /_matrix/app/v1/users/{userId} 404", "GET /_matrix/app/v1/rooms/{roomAlias} 404",
                "POST /_matrix/app/v1/ping 200");
    }

    /** The check itself must see mistakes, or the test above proves nothing. */
    @Test
    void theCheckCatchesAnswersThatDiffer() {
        List<String> problems = new ArrayList<>();
        problems.addAll(check(new Exchange("PUT", "/_matrix/app/v1/transactions/1", 200, "application/json", "[]"), new TreeSet<>()));
        problems.addAll(check(new Exchange("GET", "/_matrix/app/v1/users/@a:x", 202, "application/json", "{}"), new TreeSet<>()));
        problems.addAll(check(new Exchange("GET", "/_matrix/app/v1/rooms/%23a:x", 404, "application/json", "{\"error\":5}"), new TreeSet<>()));
        problems.addAll(check(new Exchange("PUT", "/_matrix/app/v1/transactions/1", 403, "text/plain", "Forbidden"), new TreeSet<>()));
        problems.addAll(check(new Exchange("GET", "/_matrix/app/v1/nowhere", 404, "application/json",
                "{\"errcode\":\"M_NOT_FOUND\",\"error\":\"x\"}"), new TreeSet<>()));

        assertThat(problems).satisfiesExactlyInAnyOrder(
                p -> assertThat(p).contains("transactions/1 → 200", "should be object"),
                p -> assertThat(p).contains("users/@a:x → 202", "status 202 is not declared"),
                p -> assertThat(p).contains("rooms/%23a:x → 404", "lacks required property errcode"),
                p -> assertThat(p).contains("rooms/%23a:x → 404", "$.error should be string"),
                p -> assertThat(p).contains("transactions/1 → 403", "not JSON"),
                p -> assertThat(p).contains("nowhere → 404", "M_UNRECOGNIZED"));
    }

    /**
     * The check goes down into nested values. Comptoir's own answers are flat ({@code {}} or an error
     * body), so this uses the one operation whose answer nests: a third-party protocol.
     */
    @Test
    void theCheckCatchesAWrongFieldInsideANestedAnswer() {
        String protocol = """
                {"user_fields":["network"],"location_fields":["channel"],"icon":"mxc://x/y",
                 "field_types":{"network":{"regexp":"[a-z]+","placeholder":"discord"},
                                "channel":{"regexp":"[0-9]+","placeholder":%s}},
                 "instances":[{"desc":"Discord","network_id":"d","fields":{"network":"discord"}}]}""";
        String path = "/_matrix/app/v1/thirdparty/protocol/discord";
        assertThat(check(new Exchange("GET", path, 200, "application/json", protocol.formatted("\"1234\"")), new TreeSet<>()))
                .as("the right shape").isEmpty();
        assertThat(check(new Exchange("GET", path, 200, "application/json", protocol.formatted("5")), new TreeSet<>()))
                .singleElement().asString().contains("$.field_types.channel.placeholder should be string");
    }

    private Exchange call(String method, String path, String token, String body) throws IOException {
        HttpUrl url = HttpUrl.get(server.url(path));
        Request.Builder b = new Request.Builder().url(url)
                .method(method, body == null ? null : RequestBody.create(body, JSON));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        try (Response r = http.newCall(b.build()).execute()) {
            return new Exchange(method, path, r.code(), r.header("Content-Type", ""), r.body().string());
        }
    }

    private List<String> check(Exchange e, Set<String> declared) {
        List<String> problems = new ArrayList<>();
        String what = e.what();
        JsonNode body;
        try {
            body = MAPPER.readTree(e.body());
        } catch (IOException ex) {
            body = null;
        }
        if (body == null || !e.contentType().startsWith("application/json")) {
            problems.add(what + ": the answer is not JSON (" + e.contentType() + ")");
            return problems;
        }
        List<Operation> ops = spec.match(e.method(), HttpUrl.get("http://x" + e.path()).pathSegments());
        boolean success = e.status() >= 200 && e.status() < 300;
        if (ops.isEmpty()) {
            // Not an endpoint of the spec: the spec's server behaviour is 404 (or 405 for a known
            // path with another method), M_UNRECOGNIZED.
            if (success) {
                problems.add(what + ": answers success for an endpoint the spec does not declare");
            } else if (!body.path("errcode").asText().equals("M_UNRECOGNIZED")) {
                problems.add(what + ": an unknown endpoint should answer M_UNRECOGNIZED, not " + body.path("errcode"));
            }
        }
        boolean checkedDeclared = false;
        for (Operation op : ops) {
            Located response = spec.resolve(op.node().path("responses").path(String.valueOf(e.status())));
            if (response.node().isMissingNode()) {
                if (success) {
                    problems.add(what + ": status " + e.status() + " is not declared for " + op.method() + " " + op.template());
                }
            } else {
                declared.add(op.method() + " " + op.template() + " " + e.status());
                checkedDeclared = true;
                spec.check(body, response.path("content").path("application/json").path("schema"), what, problems);
            }
        }
        if (!success && !checkedDeclared) {
            // Errors the spec does not list for the operation still have the standard error body.
            spec.check(body, errorSchema, what, problems);
        }
        return problems;
    }
}
