package coop.comptoir.e2e.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What Comptoir takes for its homeserver during a benchmark: a small HTTP server on loopback that
 * forwards every request to the real homeserver, and notes the moment each {@code PUT …/send/…}
 * carrying a benchmark marker ({@code d2m-<n>}) arrived. While {@link #answerSends(boolean)} is on,
 * such sends are answered at once (200, a made-up event id) instead of being forwarded: Comptoir's
 * own share of the relay is then measured without Synapse's queue behind it.
 */
final class HomeserverFront implements AutoCloseable {
    static {
        // The JDK's server leaves Nagle's algorithm on by default: an answer written in two parts
        // then waits for the client's delayed ACK (~40 ms) under steady traffic.
        System.setProperty("sun.net.httpserver.nodelay", System.getProperty("bench.frontNodelay", "true"));
    }

    private static final Pattern MARKER = Pattern.compile("d2m-(\\d+)\\b");
    private static final Set<String> SKIPPED = Set.of("host", "content-length", "connection", "expect", "upgrade",
            "transfer-encoding", "keep-alive", "te", "trailer", "proxy-connection");

    private final HttpServer server;
    private final URI target;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final Map<Long, Instant> seen = new ConcurrentHashMap<>();
    private final AtomicLong fakeIds = new AtomicLong();
    private volatile boolean answerSends;

    HomeserverFront(String homeserverUrl) throws IOException {
        this.target = URI.create(homeserverUrl);
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(16, r -> {
            Thread t = new Thread(r, "homeserver-front");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Whether marked sends are answered here (true) or forwarded to the homeserver (false). */
    void answerSends(boolean on) {
        answerSends = on;
    }

    /** When the send carrying marker {@code n} arrived, or null. */
    Instant seen(long n) {
        return seen.get(n);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readAllBytes();
            }
            Instant at = Instant.now();
            String method = ex.getRequestMethod();
            String path = ex.getRequestURI().getRawPath();
            boolean send = method.equals("PUT") && path.contains("/send/");
            boolean marked = false;
            if (send) {
                Matcher m = MARKER.matcher(new String(body, StandardCharsets.UTF_8));
                if (m.find()) {
                    seen.putIfAbsent(Long.parseLong(m.group(1)), at);
                    marked = true;
                }
            }
            if (marked && answerSends) {
                byte[] answer = ("{\"event_id\":\"$bench" + fakeIds.incrementAndGet() + "\"}").getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().set("Content-Type", "application/json");
                ex.sendResponseHeaders(200, answer.length);
                ex.getResponseBody().write(answer);
                return;
            }
            forward(ex, method, body);
        }
    }

    private void forward(HttpExchange ex, String method, byte[] body) throws IOException {
        String query = ex.getRequestURI().getRawQuery();
        URI uri = target.resolve(ex.getRequestURI().getRawPath() + (query == null ? "" : "?" + query));
        HttpRequest.Builder req = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(2))
                .method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        for (Map.Entry<String, List<String>> h : ex.getRequestHeaders().entrySet()) {
            if (!SKIPPED.contains(h.getKey().toLowerCase())) {
                for (String v : h.getValue()) {
                    req.header(h.getKey(), v);
                }
            }
        }
        HttpResponse<byte[]> answer;
        try {
            answer = client.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ex.sendResponseHeaders(502, -1);
            return;
        } catch (IOException e) {
            ex.sendResponseHeaders(502, -1);
            return;
        }
        answer.headers().map().forEach((k, vs) -> {
            if (!SKIPPED.contains(k.toLowerCase()) && !k.startsWith(":")) {
                ex.getResponseHeaders().put(k, vs);
            }
        });
        byte[] out = answer.body();
        ex.sendResponseHeaders(answer.statusCode(), out.length == 0 ? -1 : out.length);
        if (out.length > 0) {
            ex.getResponseBody().write(out);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
