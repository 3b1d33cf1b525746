package coop.comptoir.internal;

import static org.assertj.core.api.Assertions.assertThat;

import coop.comptoir.internal.config.ComptoirConfig;
import coop.comptoir.internal.config.ConfigLoader;
import coop.comptoir.internal.matrix.HttpMatrixClient;
import coop.comptoir.internal.matrix.RetryPolicy;
import coop.comptoir.internal.matrix.SpecCheckedHomeserver;
import com.fasterxml.jackson.databind.ObjectMapper;
import coop.comptoir.api.id.UserId;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Headers;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Readiness on homeservers with and without the appservice ping (Dendrite has none): {@code /health}
 * turns 200 once the link is proven, and says how.
 */
class ComptoirRuntimeReadinessTest {
    /** The project's version, as the build gives it (surefire's comptoir.version). */
    private static final String VERSION = System.getProperty("comptoir.version", "(comptoir.version not set)");

    private static final String HS_TOKEN = "hs-token-for-tests";
    private static final String BOT = "@comptoir:coop.example";
    private final HttpClient http = HttpClient.newHttpClient();
    private final MockWebServer homeserver = new MockWebServer();
    /** The scripted homeserver's answers, checked against the client-server description. */
    private SpecCheckedHomeserver answers;
    private final List<String> seen = new CopyOnWriteArrayList<>();
    private volatile boolean hasPing;
    private volatile String whoami = BOT;

    @TempDir
    Path dir;

    @BeforeEach
    void startHomeserver() throws Exception {
        answers = new SpecCheckedHomeserver(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                String path = request.getUrl().encodedPath();
                seen.add(request.getMethod() + " " + path);
                if (path.endsWith("/register")) {
                    return json(400, "{\"errcode\":\"M_USER_IN_USE\",\"error\":\"taken\"}");
                }
                if (path.contains("/profile/")) {
                    return json(200, "{}");
                }
                if (path.contains("/appservice/") && path.endsWith("/ping")) {
                    return hasPing ? json(200, "{\"duration_ms\":3}")
                            : json(404, "{\"errcode\":\"M_UNRECOGNIZED\",\"error\":\"Unrecognized request\"}");
                }
                if (path.equals("/_matrix/client/v3/account/whoami")) {
                    return json(200, "{\"user_id\":\"" + whoami + "\"}");
                }
                return json(404, "{\"errcode\":\"M_UNRECOGNIZED\",\"error\":\"Unrecognized request\"}");
            }
        });
        homeserver.setDispatcher(answers);
        homeserver.start();
    }

    @AfterEach
    void stopHomeserver() throws Exception {
        homeserver.close();
        assertThat(answers.problems()).as("answers no homeserver would give").isEmpty();
    }

    @Test
    void withoutPingHealthTurnsReadyOnWhoamiAndTheFirstTransaction() throws Exception {
        try (ComptoirRuntime rt = ComptoirRuntime.start(config(), List.of())) {
            waitFor(() -> seen.contains("GET /_matrix/client/v3/account/whoami"));
            Thread.sleep(300);
            assertThat(health(rt)).as("no transaction yet").isEqualTo("503 {\"status\":\"starting\",\"version\":\"" + VERSION + "\"}");

            assertThat(put(rt, "1700000000000000001")).isEqualTo(200);

            waitFor(() -> health(rt).startsWith("200"));
            assertThat(health(rt)).isEqualTo("200 {\"status\":\"ready\",\"check\":\"whoami+transaction\",\"version\":\"" + VERSION + "\"}");
        }
    }

    @Test
    void withPingHealthSaysPing() throws Exception {
        hasPing = true;
        try (ComptoirRuntime rt = ComptoirRuntime.start(config(), List.of())) {
            waitFor(() -> health(rt).startsWith("200"));
            assertThat(health(rt)).isEqualTo("200 {\"status\":\"ready\",\"check\":\"ping\",\"version\":\"" + VERSION + "\"}");
            assertThat(seen).as("whoami is not needed").doesNotContain("GET /_matrix/client/v3/account/whoami");
        }
    }

    @Test
    void whoamiNamingSomeoneElseIsNotReady() throws Exception {
        whoami = "@someone:coop.example";
        try (ComptoirRuntime rt = ComptoirRuntime.start(config(), List.of())) {
            waitFor(() -> seen.contains("GET /_matrix/client/v3/account/whoami"));
            assertThat(put(rt, "1")).isEqualTo(200);
            Thread.sleep(500);
            assertThat(health(rt)).startsWith("503");
        }
    }

    @Test
    void withoutAnyTransactionWhoamiAloneCountsAfterTheConfiguredWaitAndALaterOneCompletesIt() throws Exception {
        try (ComptoirRuntime rt = ComptoirRuntime.start(config("first_transaction_wait: 1s"), List.of())) {
            waitFor(() -> health(rt).startsWith("200"));
            assertThat(health(rt)).isEqualTo("200 {\"status\":\"ready\",\"check\":\"whoami\",\"version\":\"" + VERSION + "\"}");

            assertThat(put(rt, "7")).isEqualTo(200);
            waitFor(() -> health(rt).contains("whoami+transaction"));
        }
    }

    @Test
    void linkCheckWithoutAnyTransactionReturnsWhoamiAfterTheWait() throws Exception {
        HttpMatrixClient client = new HttpMatrixClient(homeserver.url("/"), "as-token-for-tests", UserId.of(BOT),
                new OkHttpClient(), new ObjectMapper(), RetryPolicy.defaults(), null);
        CountDownLatch none = new CountDownLatch(1);
        LinkCheck check = new LinkCheck(client, "comptoir", none, Duration.ofMillis(200));

        assertThat(check.run()).isEqualTo(LinkCheck.Method.WHOAMI);
    }

    private ComptoirConfig config() throws Exception {
        return config("");
    }

    private ComptoirConfig config(String appserviceExtra) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        return ConfigLoader.parse("""
                homeserver: {server_name: coop.example, url: '%s'}
                appservice: {port: %d, as_token: as-token-for-tests, hs_token: %s%s}
                database: {url: 'jdbc:sqlite:comptoir.db'}
                """.formatted(homeserver.url("/"), port, HS_TOKEN, appserviceExtra.isEmpty() ? "" : ", " + appserviceExtra),
                dir, Map.of());
    }

    private static MockResponse json(int code, String body) {
        return new MockResponse(code, Headers.of("Content-Type", "application/json"), body);
    }

    private String health(ComptoirRuntime rt) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + rt.port() + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() + " " + r.body();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private int put(ComptoirRuntime rt, String txnId) throws Exception {
        String event = "{\"type\":\"m.room.message\",\"room_id\":\"!a:coop.example\",\"sender\":\"@alice:coop.example\","
                + "\"event_id\":\"$e" + txnId + "\",\"content\":{\"msgtype\":\"m.text\",\"body\":\"bonjour\"}}";
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + rt.port() + "/_matrix/app/v1/transactions/" + txnId))
                .header("Authorization", "Bearer " + HS_TOKEN)
                .PUT(HttpRequest.BodyPublishers.ofString("{\"events\":[" + event + "]}"))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private static void waitFor(BooleanSupplier cond) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.sleep(20);
        }
    }
}
