package coop.comptoir.internal.appservice;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import coop.comptoir.api.event.MatrixEvent;
import coop.comptoir.api.id.RoomAlias;
import coop.comptoir.api.id.UserId;
import coop.comptoir.internal.dispatch.Dispatcher;
import coop.comptoir.internal.dispatch.Retries;
import coop.comptoir.internal.metrics.Metrics;
import coop.comptoir.internal.store.JdbcDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The homeserver-facing HTTP API over a real SQLite journal: what Synapse would see. */
class AppserviceServerTest {
    private static final String HS_TOKEN = "hs-secret-token";
    private static final ObjectMapper M = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<String> handled = new CopyOnWriteArrayList<>();
    private final List<Long> done = new CopyOnWriteArrayList<>();
    private final ExecutorService pool = Executors.newFixedThreadPool(2);
    /** Events waiting beyond which transactions are refused. */
    private long maxPending = 1000;
    /** Handlers of events whose ID starts with {@code $slow} wait for this. */
    private final java.util.concurrent.CountDownLatch slow = new java.util.concurrent.CountDownLatch(1);

    @TempDir
    Path dir;

    private JdbcDatabase db;
    private TransactionJournal journal;
    private AppserviceServer server;
    private Metrics metrics;
    private final PluginRoutes routes = new PluginRoutes();
    private final List<coop.comptoir.api.http.RouteRequest> routed = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        routes.forInstance("forum").post("/webhook", req -> {
            routed.add(req);
            return req.header("X-Token").filter("yes"::equals).isPresent()
                    ? coop.comptoir.api.http.RouteResponse.ok()
                    : coop.comptoir.api.http.RouteResponse.error(401, "who are you?");
        });
        db = JdbcDatabase.open("jdbc:sqlite:" + dir.resolve("t.db"), null, null, "normal", 2);
        startServer();
    }

    private void startServer() {
        metrics = new Metrics();
        Dispatcher d = new Dispatcher(pool, metrics, UserId.of("@comptoir:coop.example"), Retries.DEFAULT, maxPending,
                new Dispatcher.Journal() {
                    @Override
                    public void batchDone(long seq) {
                        done.add(seq);
                        journal.markHandled(seq);
                    }

                    @Override
                    public void saveProgress(long seq, String progress) {
                        journal.saveProgress(seq, progress);
                    }
                });
        d.subscribe("t", null, false, e -> true, e -> {
            if (e.eventId().value().startsWith("$slow")) {
                slow.await();
            }
            handled.add(e.eventId().value());
        });
        journal = new TransactionJournal(db, Clock.systemUTC(), l -> l.forEach(s -> {
            @SuppressWarnings("unchecked")
            List<MatrixEvent> events = (List<MatrixEvent>) s.attachment();
            if (events != null) { // null: stored by the test itself, as if the process died before dispatch
                d.submit(s.seq(), events);
            }
        }));
        journal.start();
        server = new AppserviceServer(new AppserviceServer.Settings("127.0.0.1", 0, null, null, 64 * 1024), HS_TOKEN, M,
                journal, new AppserviceServer.Queries() {
                    @Override
                    public boolean queryUser(UserId user) {
                        return user.localpart().startsWith("_ghost_");
                    }

                    @Override
                    public boolean queryAlias(RoomAlias alias) {
                        return false;
                    }
                }, pool, metrics, () -> true, d::handledCount, routes, d::backlogFull);
        server.start();
    }

    @AfterEach
    void stop() {
        slow.countDown();
        server.close();
        journal.close();
        db.close();
        pool.shutdownNow();
    }

    private HttpResponse<String> call(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String txn(String... eventIds) {
        StringBuilder sb = new StringBuilder("{\"events\":[");
        for (int i = 0; i < eventIds.length; i++) {
            sb.append(i > 0 ? "," : "").append("{\"type\":\"m.room.message\",\"room_id\":\"!r:coop.example\",")
                    .append("\"sender\":\"@alice:coop.example\",\"event_id\":\"").append(eventIds[i])
                    .append("\",\"content\":{\"msgtype\":\"m.text\",\"body\":\"hi\"}}");
        }
        return sb.append("]}").toString();
    }

    private static String errcode(HttpResponse<String> r) throws Exception {
        JsonNode n = M.readTree(r.body());
        return n.path("errcode").asText();
    }

    @Test
    void pluginRoutesGetTheRawBodyAndHeadersAndAnswer() throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/_comptoir/plugins/forum/webhook"))
                .header("X-Token", "yes").POST(HttpRequest.BodyPublishers.ofString("{ \"a\" : 1 }")).build();
        HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(routed).hasSize(1);
        assertThat(new String(routed.get(0).body(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("{ \"a\" : 1 }");
        assertThat(routed.get(0).header("x-token")).contains("yes");

        assertThat(call("POST", "/_comptoir/plugins/forum/webhook", null, "{}").statusCode()).isEqualTo(401);
        assertThat(call("GET", "/_comptoir/plugins/forum/webhook", null, null).statusCode()).isEqualTo(405);
        assertThat(call("POST", "/_comptoir/plugins/forum/other", null, "{}").statusCode()).isEqualTo(404);
        // over the route's own limit (1 MiB unless it says otherwise), whatever appservice.max_body_bytes
        assertThat(call("POST", "/_comptoir/plugins/forum/webhook", null, "x".repeat(70 * 1024)).statusCode()).as("read, then refused by the handler").isEqualTo(401);
        assertThat(call("POST", "/_comptoir/plugins/forum/webhook", null,
                "x".repeat((int) coop.comptoir.api.http.RouteOptions.DEFAULT_MAX_BODY_BYTES + 1)).statusCode()).isEqualTo(413);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> routes.forInstance("forum").post("/webhook", q -> null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void getRoutesServeFilesUnderTheirPrefixOnly() throws Exception {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3};
        routes.forInstance("pont").getUnder("/avatar", req -> req.path().endsWith("/good")
                ? coop.comptoir.api.http.RouteResponse.file("image/png", png)
                : coop.comptoir.api.http.RouteResponse.error(404, "no such avatar"));

        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/_comptoir/plugins/pont/avatar/sig/good")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).contains("image/png");
        assertThat(r.body()).isEqualTo(png);

        assertThat(call("GET", "/_comptoir/plugins/pont/avatar/sig/bad", null, null).statusCode()).isEqualTo(404);
        assertThat(call("GET", "/_comptoir/plugins/pont/avatar", null, null).statusCode()).isEqualTo(404);
        assertThat(call("POST", "/_comptoir/plugins/pont/avatar/sig/good", null, "{}").statusCode()).isEqualTo(405);
        assertThat(call("GET", "/_comptoir/plugins/other/avatar/sig/good", null, null).statusCode()).isEqualTo(404);
    }

    @Test
    void getRoutesSeeTheRequestHeadersAndSetTheirOwn() throws Exception {
        routes.forInstance("pont").getUnder("/page", req -> new coop.comptoir.api.http.RouteResponse(200, "text/html",
                req.header("cookie").orElse("none").getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .withHeader("Set-Cookie", "a=1; HttpOnly").withHeader("Set-Cookie", "b=2").withHeader("Cache-Control", "no-store"));

        HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/_comptoir/plugins/pont/page/x")).header("Cookie", "s=abc").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.body()).isEqualTo("s=abc");
        assertThat(r.headers().allValues("set-cookie")).containsExactly("a=1; HttpOnly", "b=2");
        assertThat(r.headers().firstValue("cache-control")).contains("no-store");
        assertThat(r.headers().firstValue("content-type")).contains("text/html");
    }

    @Test
    void storesAcknowledgesAndHandlesEachTransactionOnce() throws Exception {
        HttpResponse<String> r = call("PUT", "/_matrix/app/v1/transactions/1", HS_TOKEN, txn("$a", "$b"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{}");
        assertThat(call("PUT", "/_matrix/app/v1/transactions/1", HS_TOKEN, txn("$a", "$b")).statusCode()).isEqualTo(200);
        assertThat(call("PUT", "/_matrix/app/v1/transactions/2", HS_TOKEN, txn("$c")).statusCode()).isEqualTo(200);
        assertThat(call("PUT", "/_matrix/app/v1/transactions/1", HS_TOKEN, txn("$a", "$b")).statusCode()).isEqualTo(200);
        waitFor(() -> done.size() == 2);
        assertThat(handled).containsExactly("$a", "$b", "$c");
        assertThat(metrics.transactions.labelValues("duplicate").get()).isEqualTo(2.0);
    }

    @Test
    void aReusedTransactionIdWithOtherEventsIsHandledAndReportedLoudly() throws Exception {
        ch.qos.logback.classic.Logger journalLog =
                (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(TransactionJournal.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged =
                new ch.qos.logback.core.read.ListAppender<>();
        logged.start();
        journalLog.addAppender(logged);
        try {
            assertThat(call("PUT", "/_matrix/app/v1/transactions/12", HS_TOKEN, txn("$before")).statusCode()).isEqualTo(200);
            waitFor(() -> handled.contains("$before"));
            // The homeserver was restored from a backup: it numbers its transactions from 12 again.
            assertThat(call("PUT", "/_matrix/app/v1/transactions/12", HS_TOKEN, txn("$after")).statusCode()).isEqualTo(200);
            waitFor(() -> handled.contains("$after"));
            // ...and retries that new transaction 12 like any other: handled once.
            assertThat(call("PUT", "/_matrix/app/v1/transactions/12", HS_TOKEN, txn("$after")).statusCode()).isEqualTo(200);
            Thread.sleep(100);
            assertThat(handled).containsExactly("$before", "$after");
            assertThat(logged.list).filteredOn(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN)
                    .singleElement().satisfies(e -> {
                        assertThat(e.getFormattedMessage()).contains("12");
                        assertThat(e.getFormattedMessage()).doesNotContain("$after").doesNotContain("m.text");
                    });
        } finally {
            journalLog.detachAppender(logged);
        }
    }

    @Test
    void aHomeserverNumberingFromOneAgainIsReportedOnceNotForEachTransaction() throws Exception {
        ch.qos.logback.classic.Logger journalLog =
                (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(TransactionJournal.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged =
                new ch.qos.logback.core.read.ListAppender<>();
        logged.start();
        journalLog.addAppender(logged);
        try {
            for (int i = 1; i <= 3; i++) {
                assertThat(call("PUT", "/_matrix/app/v1/transactions/" + i, HS_TOKEN, txn("$old" + i)).statusCode()).isEqualTo(200);
            }
            // A Synapse on SQLite restarted: it numbers from 1 again
            for (int i = 1; i <= 4; i++) {
                assertThat(call("PUT", "/_matrix/app/v1/transactions/" + i, HS_TOKEN, txn("$new" + i)).statusCode()).isEqualTo(200);
            }
            waitFor(() -> handled.contains("$new4"));
            assertThat(handled).containsExactly("$old1", "$old2", "$old3", "$new1", "$new2", "$new3", "$new4");
            assertThat(logged.list).filteredOn(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN)
                    .as("one warning for the new numbering").singleElement()
                    .satisfies(e -> assertThat(e.getFormattedMessage()).contains("Transaction 1 "));
        } finally {
            journalLog.detachAppender(logged);
        }
    }

    @Test
    void whileTooManyEventsWaitTransactionsAreRefusedWithoutBeingStored() throws Exception {
        server.close();
        journal.close();
        maxPending = 2;
        startServer();
        assertThat(call("PUT", "/_matrix/app/v1/transactions/20", HS_TOKEN, txn("$slow1", "$slow2")).statusCode()).isEqualTo(200);

        HttpResponse<String> busy = call("PUT", "/_matrix/app/v1/transactions/21", HS_TOKEN, txn("$next"));
        assertThat(busy.statusCode()).isEqualTo(503);
        assertThat(errcode(busy)).isEqualTo("M_LIMIT_EXCEEDED");
        assertThat(busy.headers().firstValue("Retry-After")).contains(Integer.toString(AppserviceServer.BUSY_RETRY_SECONDS));
        assertThat(metrics.transactions.labelValues("busy").get()).isEqualTo(1.0);
        assertThat(journal.unhandled()).extracting(TransactionJournal.Stored::txnId).containsExactly("20");

        slow.countDown();
        waitFor(() -> done.size() == 1);
        // The homeserver sends 21 again: it was not stored, so it is handled now, not taken for a duplicate.
        assertThat(call("PUT", "/_matrix/app/v1/transactions/21", HS_TOKEN, txn("$next")).statusCode()).isEqualTo(200);
        waitFor(() -> handled.contains("$next"));
        assertThat(handled).containsExactly("$slow1", "$slow2", "$next");
    }

    @Test
    void aRetryAfterARestartIsRecognised() throws Exception {
        assertThat(call("PUT", "/_matrix/app/v1/transactions/9", HS_TOKEN, txn("$x")).statusCode()).isEqualTo(200);
        waitFor(() -> done.size() == 1);
        server.close();
        journal.close();
        startServer();
        assertThat(call("PUT", "/_matrix/app/v1/transactions/9", HS_TOKEN, txn("$x")).statusCode()).isEqualTo(200);
        Thread.sleep(100);
        assertThat(handled).containsExactly("$x");
        assertThat(journal.unhandled()).isEmpty();
    }

    @Test
    void whatWasStoredButNotHandledIsGivenBackAfterACrash() throws Exception {
        // Simulate a crash between storage and handling: store directly, never dispatch.
        TransactionJournal.Appended a = journal.append("77", "fingerprint", txn("$late").getBytes(), null).get(5, TimeUnit.SECONDS);
        assertThat(a.duplicate()).isFalse();
        server.close();
        journal.close();
        TransactionJournal reopened = new TransactionJournal(db, Clock.systemUTC(), l -> {});
        assertThat(reopened.unhandled()).extracting(TransactionJournal.Stored::txnId).contains("77");
    }

    @Test
    void refusesMissingAndWrongTokens() throws Exception {
        HttpResponse<String> none = call("PUT", "/_matrix/app/v1/transactions/3", null, txn("$n"));
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(errcode(none)).isEqualTo("M_UNAUTHORIZED");
        HttpResponse<String> wrong = call("PUT", "/_matrix/app/v1/transactions/3", "nope", txn("$n"));
        assertThat(wrong.statusCode()).isEqualTo(403);
        assertThat(errcode(wrong)).isEqualTo("M_FORBIDDEN");
        assertThat(wrong.body()).doesNotContain(HS_TOKEN);
        // the refused transaction was not stored: the same ID with the right token is processed
        assertThat(call("PUT", "/_matrix/app/v1/transactions/3", HS_TOKEN, txn("$n")).statusCode()).isEqualTo(200);
        waitFor(() -> handled.contains("$n"));
    }

    @Test
    void badBodiesGetTheRightErrors() throws Exception {
        HttpResponse<String> notJson = call("PUT", "/_matrix/app/v1/transactions/4", HS_TOKEN, "{\"events\": [");
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(errcode(notJson)).isEqualTo("M_NOT_JSON");
        HttpResponse<String> badShape = call("PUT", "/_matrix/app/v1/transactions/4", HS_TOKEN, "{\"events\": 5}");
        assertThat(badShape.statusCode()).isEqualTo(400);
        assertThat(errcode(badShape)).isEqualTo("M_BAD_JSON");
        HttpResponse<String> big = call("PUT", "/_matrix/app/v1/transactions/4", HS_TOKEN,
                "{\"events\":[],\"pad\":\"" + "x".repeat(70 * 1024) + "\"}");
        assertThat(big.statusCode()).isEqualTo(413);
        // one unreadable event does not block the others
        String mixed = "{\"events\":[{\"no_type\":1},{\"type\":\"m.room.message\",\"sender\":\"not-a-user\"},"
                + txn("$ok").substring("{\"events\":[".length());
        assertThat(call("PUT", "/_matrix/app/v1/transactions/4", HS_TOKEN, mixed).statusCode()).isEqualTo(200);
        waitFor(() -> handled.contains("$ok"));
        assertThat(handled).containsExactly("$ok");
    }

    @Test
    void errorsAboutBadInputAreStillValidJson() throws Exception {
        HttpResponse<String> r = call("GET", "/_matrix/app/v1/users/%40a%0A%22b%3Acoop.example", HS_TOKEN, null);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(errcode(r)).isEqualTo("M_INVALID_PARAM");
        assertThat(M.readTree(r.body()).path("error").asText()).contains("\n\"b");
    }

    @Test
    void unknownTypesArePassedThrough() throws Exception {
        String body = "{\"events\":[{\"type\":\"org.coop.future\",\"room_id\":\"!r:coop.example\",\"sender\":\"@a:coop.example\","
                + "\"event_id\":\"$future\",\"content\":{\"anything\":[1,2]}}]}";
        assertThat(call("PUT", "/_matrix/app/v1/transactions/5", HS_TOKEN, body).statusCode()).isEqualTo(200);
        waitFor(() -> handled.contains("$future"));
    }

    @Test
    void routesQueriesPingAndErrors() throws Exception {
        assertThat(call("GET", "/_matrix/app/v1/users/%40_ghost_1%3Acoop.example", HS_TOKEN, null).statusCode()).isEqualTo(200);
        HttpResponse<String> nobody = call("GET", "/_matrix/app/v1/users/%40bob%3Acoop.example", HS_TOKEN, null);
        assertThat(nobody.statusCode()).isEqualTo(404);
        assertThat(call("GET", "/_matrix/app/v1/rooms/%23cafe%3Acoop.example", HS_TOKEN, null).statusCode()).isEqualTo(404);
        assertThat(call("GET", "/_matrix/app/v1/users/%40_ghost_1%3Acoop.example", null, null).statusCode()).isEqualTo(401);
        assertThat(call("POST", "/_matrix/app/v1/ping", HS_TOKEN, "{\"transaction_id\":\"t\"}").statusCode()).isEqualTo(200);
        HttpResponse<String> unknown = call("GET", "/_matrix/app/v1/thirdparty/protocol/x", HS_TOKEN, null);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(errcode(unknown)).isEqualTo("M_UNRECOGNIZED");
        assertThat(call("GET", "/_matrix/app/v1/transactions/6", HS_TOKEN, null).statusCode()).isEqualTo(405);
        assertThat(call("GET", "/nothing", null, null).statusCode()).isEqualTo(404);
        assertThat(call("GET", "/health", null, null).statusCode()).isEqualTo(200);
    }

    private static void waitFor(java.util.function.BooleanSupplier cond) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.sleep(5);
        }
    }
}
