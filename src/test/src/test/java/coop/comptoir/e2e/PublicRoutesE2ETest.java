package coop.comptoir.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.e2e.rig.ComptoirProcess;
import coop.comptoir.e2e.rig.Events;
import coop.comptoir.e2e.rig.Http;
import coop.comptoir.e2e.rig.MatrixTestClient;
import coop.comptoir.e2e.rig.Rig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import okhttp3.Request;
import okhttp3.RequestBody;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The plugins' routes are public by design (Discourse must reach its webhook): a flood of hostile
 * requests on them, from several connections at once, neither exhausts Comptoir's memory nor holds
 * up Matrix delivery. Comptoir runs with a small heap (96 MiB) while the forum webhook receives, from
 * ten connections at once, unsigned 10 MiB bodies, oversized bodies (declared and chunked), bodies
 * trickled a few bytes at a time and a stream of small forged ones; meanwhile a member's
 * {@code !ping} is answered promptly, again and again.
 * Everything stays on 127.0.0.1 and every loop is bounded.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class PublicRoutesE2ETest {
    private static final String SECRET = "e2e-public-routes-secret-0123";
    private static final String SIGNATURE = "X-Discourse-Event-Signature";
    private static final Duration FLOOD = Duration.ofSeconds(25);
    private static final Duration PROMPT = Duration.ofSeconds(10);
    /** Just under appservice.max_body_bytes (10 MiB), which used to be the limit of plugin routes too. */
    private static final int BIG = 10 * 1024 * 1024 - 64 * 1024;

    private static Rig rig;
    private static MatrixTestClient alice;
    private static String room;
    private static ComptoirProcess comptoir;
    private static int port;
    private static String webhook;

    @BeforeAll
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    static void start() throws Exception {
        rig = Rig.get();
        alice = rig.newUser("alice");
        room = alice.createRoom(rig.botUserId());
        comptoir = rig.comptoir("public-routes", c -> {
            ObjectNode forum = ((ArrayNode) c.withArray("plugins")).addObject();
            // the forum itself is never called: only its webhook is used
            forum.put("type", "forum").put("id", "forum").put("url", "http://127.0.0.1:9");
            forum.putObject("webhook").put("secret", SECRET);
            forum.putArray("routes").addObject().put("category_id", 1).put("category_slug", "annonces")
                    .putArray("rooms").add(room);
        }).withEnvironment("JAVA_TOOL_OPTIONS", "-Xmx96m");
        comptoir.start();
        port = URI.create(comptoir.url()).getPort();
        webhook = "/_comptoir/plugins/forum/webhook";
    }

    @AfterAll
    static void stop() throws Exception {
        if (comptoir != null) {
            comptoir.stop();
        }
    }

    @Test
    void anUnsignedWebhookIsRefusedBeforeItsBodyIsSent() throws Exception {
        try (Raw c = new Raw(port, Duration.ofSeconds(5))) {
            c.head("POST " + webhook + " HTTP/1.1", "Content-Type: application/json", "Content-Length: " + BIG);
            assertThat(c.status()).as("answer while the 10 MiB body is still unsent").isEqualTo("401");
        }
        try (Raw c = new Raw(port, Duration.ofSeconds(5))) {
            c.head("POST " + webhook + " HTTP/1.1", SIGNATURE + ": sha256=00", "Content-Length: " + (2 * 1024 * 1024));
            assertThat(c.status()).as("answer to a declared 2 MiB body, unsent").isEqualTo("413");
        }
    }

    @Test
    void aFloodOnTheWebhookNeitherExhaustsMemoryNorHoldsUpMatrix() throws Exception {
        String bot = rig.botUserId();
        alice.awaitEvent(room, Events.membership(bot, "join"), Duration.ofSeconds(30));

        Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        long until = System.nanoTime() + FLOOD.toNanos();
        ExecutorService attackers = Executors.newFixedThreadPool(10);
        List<Future<?>> running = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                running.add(attackers.submit(() -> loop(stop, until, outcomes, "unsigned", () -> bigBody(null))));
            }
            running.add(attackers.submit(() -> loop(stop, until, outcomes, "declared-too-large", () -> bigBody("sha256=00"))));
            running.add(attackers.submit(() -> loop(stop, until, outcomes, "chunked-too-large", PublicRoutesE2ETest::chunked)));
            for (int i = 0; i < 2; i++) {
                running.add(attackers.submit(() -> loop(stop, until, outcomes, "trickled", PublicRoutesE2ETest::trickled)));
            }
            running.add(attackers.submit(() -> loop(stop, until, outcomes, "forged", PublicRoutesE2ETest::forged)));
            // a member's command, several times while the flood lasts, is answered promptly each time
            int pings = 0;
            while (System.nanoTime() < until - TimeUnit.SECONDS.toNanos(4)) {
                Thread.sleep(3000);
                long asked = System.nanoTime();
                String ping = alice.sendText(room, "!ping");
                alice.awaitEvent(room, Events.messageFrom(bot).and(Events.repliesTo(ping)), PROMPT);
                System.out.printf("e2e: !ping answered in %d ms during the flood%n",
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - asked));
                pings++;
            }
            assertThat(pings).isGreaterThanOrEqualTo(3);
        } finally {
            stop.set(true);
            attackers.shutdown();
            assertThat(attackers.awaitTermination(60, TimeUnit.SECONDS)).as("attackers stopped").isTrue();
        }
        for (Future<?> f : running) {
            f.get(); // an attacker that failed in an unexpected way fails the test
        }
        System.out.println("e2e: flood outcomes " + outcomes);

        assertThat(comptoir.isRunning()).as("Comptoir survived the flood").isTrue();
        assertThat(comptoir.logText()).as("Comptoir's log").doesNotContain("OutOfMemoryError");
        assertThat(outcomes.keySet()).as("no hostile request was accepted").noneMatch(k -> k.matches(".*:2\\d\\d"));
        assertThat(outcomes).as("unsigned requests refused with 401").containsKey("unsigned:401");
        Http.Answer health = Http.call(new Request.Builder().url(comptoir.url() + "/health").build());
        assertThat(health.status()).isEqualTo(200);
        // the webhook still serves Discourse once the flood is over
        assertThat(signedPing().status()).as("a signed delivery after the flood").isEqualTo(200);
    }

    // --- the attackers ----------------------------------------------------------------------

    @FunctionalInterface
    private interface Attempt {
        /** One request; returns what it got ("401", "closed", …). */
        String run() throws IOException;
    }

    private static void loop(AtomicBoolean stop, long until, Map<String, AtomicInteger> outcomes, String kind, Attempt attempt) {
        for (int i = 0; i < 10_000 && !stop.get() && System.nanoTime() < until; i++) {
            String got;
            try {
                got = attempt.run();
            } catch (IOException e) {
                got = "closed";
            }
            outcomes.computeIfAbsent(kind + ":" + got, k -> new AtomicInteger()).incrementAndGet();
        }
    }

    /** A body of almost 10 MiB sent as fast as the server takes it, with {@code signature} or without. */
    private static String bigBody(String signature) throws IOException {
        try (Raw c = new Raw(port, Duration.ofSeconds(20))) {
            if (signature == null) {
                c.head("POST " + webhook + " HTTP/1.1", "Content-Length: " + BIG);
            } else {
                c.head("POST " + webhook + " HTTP/1.1", SIGNATURE + ": " + signature, "Content-Length: " + BIG);
            }
            byte[] piece = new byte[64 * 1024];
            try {
                for (int sent = 0; sent < BIG; sent += piece.length) {
                    c.send(piece);
                }
            } catch (IOException refused) {
                // the server stopped reading: read what it said
            }
            return c.status();
        }
    }

    /** A chunked body of 3 MiB, past the route's 1 MiB. */
    private static String chunked() throws IOException {
        try (Raw c = new Raw(port, Duration.ofSeconds(20))) {
            c.head("POST " + webhook + " HTTP/1.1", SIGNATURE + ": sha256=00", "Transfer-Encoding: chunked");
            String piece = "x".repeat(32 * 1024);
            try {
                for (int sent = 0; sent < 3 * 1024 * 1024; sent += piece.length()) {
                    c.send(Integer.toHexString(piece.length()) + "\r\n" + piece + "\r\n");
                }
                c.send("0\r\n\r\n");
            } catch (IOException refused) {
                // the server stopped reading
            }
            return c.status();
        }
    }

    /** A small body sent a few bytes at a time, too slowly to be whole within 20 s. */
    private static String trickled() throws IOException {
        try (Raw c = new Raw(port, Duration.ofSeconds(5))) {
            c.head("POST " + webhook + " HTTP/1.1", SIGNATURE + ": sha256=00", "Content-Length: 4000");
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            try {
                while (System.nanoTime() < end && !c.answered()) {
                    c.send("{\"a\":");
                    Thread.sleep(500);
                }
            } catch (IOException cut) {
                // cut off
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return c.status();
        }
    }

    /** A small body with a wrong signature. */
    private static String forged() throws IOException {
        try (Raw c = new Raw(port, Duration.ofSeconds(20))) {
            String body = "{\"topic\":{\"id\":1}}";
            c.head("POST " + webhook + " HTTP/1.1", SIGNATURE + ": sha256=" + "0".repeat(64),
                    "X-Discourse-Event: topic_created", "Content-Length: " + body.length());
            c.send(body);
            return c.status();
        }
    }

    private static Http.Answer signedPing() throws Exception {
        byte[] body = "{\"ping\":\"OK\"}".getBytes(StandardCharsets.UTF_8);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return Http.call(new Request.Builder().url(comptoir.url() + webhook)
                .header("X-Discourse-Event", "ping")
                .header(SIGNATURE, "sha256=" + HexFormat.of().formatHex(mac.doFinal(body)))
                .post(RequestBody.create(body, Http.JSON_TYPE)).build());
    }

    /** One HTTP/1.1 connection written by hand: headers, then as much of a body as wanted. */
    private static final class Raw implements AutoCloseable {
        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;

        Raw(int port, Duration readTimeout) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout((int) readTimeout.toMillis());
            out = socket.getOutputStream();
            in = socket.getInputStream();
        }

        void head(String requestLine, String... headers) throws IOException {
            StringBuilder sb = new StringBuilder(requestLine).append("\r\nHost: 127.0.0.1\r\n");
            for (String h : headers) {
                sb.append(h).append("\r\n");
            }
            send(sb.append("\r\n").toString());
        }

        void send(String text) throws IOException {
            send(text.getBytes(StandardCharsets.ISO_8859_1));
        }

        void send(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        /** Whether an answer is waiting to be read. */
        boolean answered() throws IOException {
            return in.available() > 0;
        }

        /** The status code of the answer, "closed" if the connection ended first, "timeout" if none came. */
        String status() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            try {
                int b;
                while ((b = in.read()) >= 0 && b != '\n') {
                    line.write(b);
                }
            } catch (SocketTimeoutException e) {
                return "timeout";
            } catch (IOException e) {
                return "closed";
            }
            String[] parts = line.toString(StandardCharsets.ISO_8859_1).split(" ");
            return parts.length > 1 ? parts[1] : "closed";
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
