package coop.comptoir.internal.appservice;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The appservice listener is public (webhooks come through it): it shows no activity unless asked,
 * and a caller cannot hold it with requests that never end.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ListenerHardeningTest {
    private static final AppserviceServer.Settings BASE = new AppserviceServer.Settings("127.0.0.1", 0, null, null, 64 * 1024);
    private static final Duration READ = Duration.ofSeconds(5);

    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private ServerFixture server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void start(AppserviceServer.Settings settings) {
        server = new ServerFixture(dir, settings, new PluginRoutes());
    }

    private int get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private RawHttp raw() throws Exception {
        return new RawHttp(server.port(), READ);
    }

    @Test
    void metricsAndCountAreOnlyOnTheAdminListenerByDefault() throws Exception {
        start(new AppserviceServer.Settings("127.0.0.1", 0, "127.0.0.1", 0, 64 * 1024));
        int open = server.port();
        assertThat(get(open, "/health")).isEqualTo(200);
        assertThat(get(open, "/metrics")).isEqualTo(404);
        assertThat(get(open, "/count")).isEqualTo(404);

        int admin = server.adminPort();
        HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("comptoir_events_received_total");
        assertThat(get(admin, "/count")).isEqualTo(200);
        assertThat(get(admin, "/health")).isEqualTo(200);
    }

    @Test
    void withoutAnAdminListenerMetricsAreOffUnlessAskedFor() throws Exception {
        start(BASE);
        assertThat(get(server.port(), "/metrics")).isEqualTo(404);
        assertThat(get(server.port(), "/count")).isEqualTo(404);
        assertThat(get(server.port(), "/health")).isEqualTo(200);
        server.close();

        server = new ServerFixture(java.nio.file.Files.createDirectories(dir.resolve("again")),
                BASE.withPublicMetrics(true), new PluginRoutes());
        assertThat(get(server.port(), "/metrics")).isEqualTo(200);
        assertThat(get(server.port(), "/count")).isEqualTo(200);
    }

    @Test
    void headersThatNeverEndAreCutOff() throws Exception {
        start(BASE.withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(30)));
        try (RawHttp c = raw()) {
            c.send("PUT /_matrix/app/v1/transactions/1 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bea");
            assertThat(c.closedByServer()).as("closed within %s", READ).isTrue();
        }
    }

    @Test
    void anIdleConnectionIsClosed() throws Exception {
        start(BASE.withTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(1)));
        try (RawHttp c = raw()) {
            assertThat(c.closedByServer()).as("a connection that never sends").isTrue();
        }
        try (RawHttp c = raw()) {
            c.head("GET /health HTTP/1.1");
            assertThat(c.answer().status()).isEqualTo(200);
            assertThat(c.closedByServer()).as("a kept-alive connection left idle").isTrue();
        }
    }

    @Test
    void oversizedHeadersAreRefused() throws Exception {
        start(BASE);
        try (RawHttp c = raw()) {
            c.head("GET /health HTTP/1.1", "X-Pad: " + "a".repeat(100 * 1024));
            RawHttp.Answer a;
            try {
                a = c.answer();
            } catch (java.io.IOException closed) {
                return; // closed without an answer: refused too
            }
            assertThat(a.status()).isNotEqualTo(200);
        }
    }

    @Test
    void aChunkedTransactionOverTheLimitIs413() throws Exception {
        start(BASE);
        try (RawHttp c = raw()) {
            c.head("PUT /_matrix/app/v1/transactions/big HTTP/1.1", "Authorization: Bearer " + ServerFixture.HS_TOKEN,
                    "Content-Type: application/json", "Transfer-Encoding: chunked");
            Thread.sleep(50); // the body after the headers were handled, as over a network
            c.chunk(100);
            for (int i = 0; i < 4; i++) {
                c.chunk(16 * 1024); // 64 KiB + 100 bytes: past the limit, the body not ended
            }
            assertThat(c.answer().status()).isEqualTo(413);
        }
    }

    @Test
    void aChunkedBodyOfARefusedRequestIsNotReadToItsEnd() throws Exception {
        start(BASE);
        try (RawHttp c = raw()) {
            c.head("PUT /_matrix/app/v1/transactions/x HTTP/1.1", "Transfer-Encoding: chunked");
            try {
                c.chunk(1024);
            } catch (java.io.IOException refusedFirst) {
                // the server may answer and close before the chunk is even written: "broken pipe"
            }
            assertThat(c.answer().status()).isEqualTo(401);
            // the body never ends; the server does not wait for it
            assertThat(c.closedByServer()).isTrue();
        }
    }
}
