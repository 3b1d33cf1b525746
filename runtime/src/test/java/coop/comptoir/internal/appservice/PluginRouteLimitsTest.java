package coop.comptoir.internal.appservice;

import static org.assertj.core.api.Assertions.assertThat;

import coop.comptoir.api.http.HttpRoutes;
import coop.comptoir.api.http.RouteOptions;
import coop.comptoir.api.http.RouteRequest;
import coop.comptoir.api.http.RouteResponse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plugins' routes as anyone on the network could call them: a caller who should not be there
 * costs almost nothing, and the homeserver's transactions go on whatever the routes endure.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PluginRouteLimitsTest {
    private static final String WEBHOOK = "/_comptoir/plugins/forum/webhook";
    private static final String AVATAR = "/_comptoir/plugins/pont/avatar/sig/a.png";
    private static final Duration READ = Duration.ofSeconds(5);

    private final HttpClient http = HttpClient.newHttpClient();
    /** Every request a route handler was given. */
    private final List<RouteRequest> reached = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch entered = new CountDownLatch(1);

    @TempDir
    Path dir;

    private ServerFixture server;
    private ThreadPoolExecutor routePool;

    @AfterEach
    void stop() {
        release.countDown();
        if (server != null) {
            server.close();
        }
        if (routePool != null) {
            routePool.shutdownNow();
        }
    }

    /**
     * A server whose route pool has {@code threads} threads and {@code queue} places, with the routes
     * {@code forum/webhook} (answers at once), {@code forum/slow} (waits for {@link #release}) and
     * {@code pont/avatar/…} (GET).
     */
    private void start(int threads, int queue, int maxReceiving, Duration bodyTimeout, RouteOptions options) {
        routePool = PluginRoutes.executor(threads, queue);
        PluginRoutes routes = new PluginRoutes(new PluginRoutes.Serving(routePool, maxReceiving, bodyTimeout));
        HttpRoutes forum = routes.forInstance("forum");
        forum.post("/webhook", options, req -> {
            reached.add(req);
            return RouteResponse.ok();
        });
        forum.post("/slow", options, req -> {
            reached.add(req);
            entered.countDown();
            release.await();
            return RouteResponse.ok();
        });
        routes.forInstance("pont").getUnder("/avatar", req -> {
            reached.add(req);
            return RouteResponse.file("image/png", new byte[] {1, 2, 3});
        });
        server = new ServerFixture(dir, new AppserviceServer.Settings("127.0.0.1", 0, null, null, 64 * 1024), routes);
    }

    private void startDefault(RouteOptions options) {
        start(2, 8, 8, Duration.ofSeconds(10), options);
    }

    private RawHttp raw() throws Exception {
        return new RawHttp(server.port(), READ);
    }

    private CompletableFuture<HttpResponse<String>> post(String path, String body) {
        return http.sendAsync(HttpRequest.newBuilder(URI.create(server.url(path)))
                .header("X-Signature", "s").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void anUnsignedPostIsRefusedBeforeItsBodyIsSent() throws Exception {
        startDefault(RouteOptions.defaults().withRequiredHeader("X-Signature"));
        try (RawHttp c = raw()) {
            // headers only: the 1,000,000 bytes announced are never sent, yet the answer comes
            c.head("POST " + WEBHOOK + " HTTP/1.1", "Content-Type: application/json", "Content-Length: 1000000");
            RawHttp.Answer a = c.answer();
            assertThat(a.status()).isEqualTo(401);
            assertThat(a.body()).contains("Missing X-Signature");
        }
        assertThat(reached).isEmpty();
    }

    @Test
    void aHeaderCheckRefusesBeforeTheBodyAndAcceptsWhatItLikes() throws Exception {
        startDefault(RouteOptions.defaults().withHeaderCheck(h -> h.getOrDefault("x-signature", List.of())
                .stream().anyMatch(v -> v.startsWith("sha256="))));
        try (RawHttp c = raw()) {
            c.head("POST " + WEBHOOK + " HTTP/1.1", "X-Signature: md5=abc", "Content-Length: 500000");
            assertThat(c.answer().status()).isEqualTo(401);
        }
        try (RawHttp c = raw()) {
            c.head("POST " + WEBHOOK + " HTTP/1.1", "X-Signature: sha256=abc", "Content-Length: 2").send("{}");
            assertThat(c.answer().status()).isEqualTo(200);
        }
        assertThat(reached).singleElement().extracting(r -> new String(r.body())).isEqualTo("{}");
    }

    @Test
    void aDeclaredLengthOverTheRouteLimitIs413BeforeTheBodyIsSent() throws Exception {
        startDefault(RouteOptions.defaults().withMaxBodyBytes(1000));
        try (RawHttp c = raw()) {
            c.head("POST " + WEBHOOK + " HTTP/1.1", "X-Signature: s", "Content-Length: 1001");
            assertThat(c.answer().status()).isEqualTo(413);
        }
        try (RawHttp c = raw()) {
            c.head("POST " + WEBHOOK + " HTTP/1.1", "X-Signature: s", "Content-Length: 1000").send("x".repeat(1000));
            assertThat(c.answer().status()).isEqualTo(200);
        }
        assertThat(reached).hasSize(1);
    }

    @Test
    void aChunkedBodyPassingTheDefaultLimitIs413AndNeverReachesTheHandler() throws Exception {
        startDefault(RouteOptions.defaults());
        try (RawHttp c = raw()) {
            c.head("POST " + WEBHOOK + " HTTP/1.1", "Transfer-Encoding: chunked");
            Thread.sleep(50); // the body comes after the headers were handled, as over a network
            // read while writing, as a client that watches for an early answer does
            CompletableFuture<RawHttp.Answer> early = CompletableFuture.supplyAsync(() -> {
                try {
                    return c.answer();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            int sent = 0;
            try {
                while (sent <= 2 * RouteOptions.DEFAULT_MAX_BODY_BYTES) {
                    c.chunk(32 * 1024);
                    sent += 32 * 1024;
                }
            } catch (java.io.IOException closed) {
                // the server stopped reading once the body passed the limit
            }
            RawHttp.Answer a = early.get(5, TimeUnit.SECONDS);
            assertThat(a.status()).isEqualTo(413);
            assertThat(c.closedByServer()).as("connection closed after the 413").isTrue();
        }
        assertThat(reached).isEmpty();
        // a chunked body within the limit is fine
        try (RawHttp c = raw()) {
            c.head("POST " + WEBHOOK + " HTTP/1.1", "Transfer-Encoding: chunked").chunk(1000).chunk(0);
            assertThat(c.answer().status()).isEqualTo(200);
        }
        assertThat(reached).singleElement().extracting(r -> r.body().length).isEqualTo(1000);
    }

    @Test
    void whenTheRouteThreadsAndQueueAreFullTheNextRequestGets503WithRetryAfter() throws Exception {
        start(1, 1, 8, Duration.ofSeconds(10), RouteOptions.defaults());
        CompletableFuture<HttpResponse<String>> running = post("/_comptoir/plugins/forum/slow", "{}");
        assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<HttpResponse<String>> waiting = post("/_comptoir/plugins/forum/slow", "{}");
        waitFor(() -> routePool.getQueue().size() == 1);

        HttpResponse<String> refused = post(WEBHOOK, "{}").get(5, TimeUnit.SECONDS);
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).contains(PluginRouteHandler.RETRY_AFTER_SECONDS);

        // meanwhile the homeserver's transactions are stored and their events handled
        HttpResponse<String> txn = http.send(HttpRequest.newBuilder(URI.create(server.url("/_matrix/app/v1/transactions/1")))
                .header("Authorization", "Bearer " + ServerFixture.HS_TOKEN)
                .PUT(HttpRequest.BodyPublishers.ofString(ServerFixture.transaction("$during"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(txn.statusCode()).isEqualTo(200);
        waitFor(() -> server.handledEvents.contains("$during"));

        release.countDown();
        assertThat(running.get(5, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(waiting.get(5, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(post(WEBHOOK, "{}").get(5, TimeUnit.SECONDS).statusCode()).as("room again once they are done").isEqualTo(200);
    }

    @Test
    void tooManyBodiesArrivingAtOnceGet503AndTheSlotsComeBack() throws Exception {
        start(2, 8, 2, Duration.ofSeconds(10), RouteOptions.defaults());
        try (RawHttp first = raw(); RawHttp second = raw()) {
            first.head("POST " + WEBHOOK + " HTTP/1.1", "Content-Length: 10").send("12345");
            second.head("POST " + WEBHOOK + " HTTP/1.1", "Content-Length: 10").send("12345");
            Thread.sleep(200);
            try (RawHttp third = raw()) {
                third.head("POST " + WEBHOOK + " HTTP/1.1", "Content-Length: 10");
                RawHttp.Answer a = third.answer();
                assertThat(a.status()).isEqualTo(503);
                assertThat(a.headers()).containsEntry("retry-after", PluginRouteHandler.RETRY_AFTER_SECONDS);
            }
            first.send("67890");
            assertThat(first.answer().status()).isEqualTo(200);
            second.send("67890");
            assertThat(second.answer().status()).isEqualTo(200);
        }
        assertThat(post(WEBHOOK, "{}").get(5, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(post(WEBHOOK, "{}").get(5, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }

    @Test
    void aBodyThatComesTooSlowlyIsCutOffAndFreesItsSlot() throws Exception {
        start(2, 8, 1, Duration.ofSeconds(1), RouteOptions.defaults());
        try (RawHttp slow = raw()) {
            slow.head("POST " + WEBHOOK + " HTTP/1.1", "Content-Length: 100").send("{\"a\":");
            long started = System.nanoTime();
            RawHttp.Answer a = slow.answer();
            assertThat(a.status()).isEqualTo(408);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(4));
            assertThat(slow.closedByServer()).isTrue();
        }
        // the only receiving slot is free again
        assertThat(post(WEBHOOK, "{}").get(5, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(reached).hasSize(1);
    }

    @Test
    void getRoutesShareTheBoundedPoolAndAre503WhenItIsFull() throws Exception {
        start(1, 0, 8, Duration.ofSeconds(10), RouteOptions.defaults());
        CompletableFuture<HttpResponse<String>> running = post("/_comptoir/plugins/forum/slow", "{}");
        assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
        HttpRequest avatar = HttpRequest.newBuilder(URI.create(server.url(AVATAR))).build();

        HttpResponse<String> refused = http.send(avatar, HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();

        release.countDown();
        assertThat(running.get(5, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        waitFor(() -> routePool.getActiveCount() == 0);
        assertThat(http.send(avatar, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    }

    private static void waitFor(java.util.function.BooleanSupplier cond) throws InterruptedException {
        ServerFixture.waitFor(cond);
    }
}
