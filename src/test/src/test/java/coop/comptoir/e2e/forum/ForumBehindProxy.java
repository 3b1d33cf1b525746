package coop.comptoir.e2e.forum;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.e2e.rig.ComptoirProcess;
import coop.comptoir.e2e.rig.Events;
import coop.comptoir.e2e.rig.Http;
import coop.comptoir.e2e.rig.MatrixTestClient;
import coop.comptoir.e2e.rig.Ports;
import coop.comptoir.e2e.rig.Rig;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import okhttp3.Request;
import okhttp3.RequestBody;

/**
 * What the "forum behind a reverse proxy" tests share: a fake Discourse, Alice's announce room, a
 * Comptoir running the forum plugin with a signed webhook routed to that room (and
 * {@code admin.public_metrics: true}, so the proxy is what keeps {@code /metrics} in), a fresh work
 * folder and a free loopback port for the proxy, then the proxy process itself. Each test class
 * writes its proxy's configuration and passes the process to {@link #startProxy}.
 */
final class ForumBehindProxy implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(45);

    final String bot;
    final FakeDiscourse discourse;
    final MatrixTestClient alice;
    final String room;
    final ComptoirProcess comptoir;
    /** The proxy's own folder (configuration, logs, {@code access.log}). */
    final Path work;
    /** The loopback port the proxy listens on. */
    final int port;
    /** {@code http://127.0.0.1:port}, the proxy's address. */
    final String proxy;
    private final String name;
    private Process process;

    private ForumBehindProxy(String name, String bot, FakeDiscourse discourse, MatrixTestClient alice, String room,
            ComptoirProcess comptoir, Path work, int port) {
        this.name = name;
        this.bot = bot;
        this.discourse = discourse;
        this.alice = alice;
        this.room = room;
        this.comptoir = comptoir;
        this.work = work;
        this.port = port;
        this.proxy = "http://127.0.0.1:" + port;
    }

    /**
     * Starts the fake Discourse and Comptoir, and waits for the bot in Alice's room; the proxy is not
     * started yet. Blocks up to {@link #WAIT}; on failure closes what it started.
     *
     * @param name the proxy's name ("nginx", "caddy"): Comptoir's instance and work folder names
     */
    static ForumBehindProxy start(String name, String secret, long category) throws Exception {
        Rig rig = Rig.get();
        String bot = rig.botUserId();
        FakeDiscourse discourse = new FakeDiscourse(ForumE2ETest.referenceLatestForOthers());
        ComptoirProcess comptoir = null;
        try {
            MatrixTestClient alice = rig.newUser("alice");
            String room = alice.createRoom(bot);
            comptoir = rig.comptoir("forum-" + name, c -> {
                c.putObject("admin").put("public_metrics", true);
                ObjectNode forum = ((ArrayNode) c.withArray("plugins")).addObject();
                forum.put("type", "forum").put("id", "forum").put("url", discourse.url())
                        .put("api_key", name + "-api-key-0123456789");
                forum.putObject("webhook").put("secret", secret);
                ObjectNode route = forum.putArray("routes").addObject().put("category_id", category)
                        .put("category_slug", "courses");
                route.putArray("rooms").add(room);
            }).start();
            alice.awaitEvent(room, Events.membership(bot, "join"), WAIT);
            return new ForumBehindProxy(name, bot, discourse, alice, room, comptoir, rig.freshDir(name),
                    Ports.freeLoopbackPort());
        } catch (Exception | Error e) {
            try {
                if (comptoir != null) {
                    comptoir.stop();
                }
            } finally {
                discourse.close();
            }
            throw e;
        }
    }

    /**
     * Starts the proxy and waits up to 20 s until it accepts connections on {@link #port}.
     *
     * @param logs files of {@link #work} shown when the proxy stops or does not listen
     * @throws IllegalStateException if the proxy stops or does not listen in time
     */
    void startProxy(ProcessBuilder builder, String... logs) throws Exception {
        process = builder.start();
        Instant deadline = Instant.now().plusSeconds(20);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " stopped: " + read(logs));
            }
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException(name + " not listening on " + port + ": " + read(logs));
    }

    private String read(String... logs) throws IOException {
        StringBuilder text = new StringBuilder();
        for (String log : logs) {
            Path file = work.resolve(log);
            if (Files.exists(file)) {
                text.append(Files.readString(file));
            }
        }
        return text.toString();
    }

    /**
     * Sends a signed {@code topic_created} webhook for a new topic through the proxy, checks it is
     * accepted and announced in Alice's room (waits up to {@link #WAIT}).
     */
    void webhookThroughProxyIsAnnounced(long topicId, String title, long category, String secret) throws Exception {
        discourse.addTopic(topicId, title, category);

        int status = discourse.sendWebhook(proxy + "/_comptoir/plugins/forum/webhook", "topic_created",
                FakeDiscourse.topicPayload(topicId, title, category), secret);

        assertThat(status).isEqualTo(200);
        alice.awaitEvent(room, Events.newMessageFrom(bot, title), WAIT);
    }

    /**
     * What passes through the proxy: {@code /metrics} answers on Comptoir's own listener (so the
     * proxy is what keeps it in), yet a GET of each of {@code paths} through the proxy gets a 404
     * that shows no metric, and so does a PUT of an appservice transaction.
     *
     * @param proxyName how the assertion messages name the proxy
     */
    void assertOnlyPublicRoutesPass(String proxyName, String... paths) {
        assertThat(get(comptoir.url() + "/metrics").status()).as("/metrics on Comptoir's own listener").isEqualTo(200);
        for (String path : paths) {
            Http.Answer answer = get(proxy + path);
            assertThat(answer.status()).as("GET %s through %s", path, proxyName).isEqualTo(404);
            assertThat(answer.body()).as("GET %s through %s", path, proxyName).doesNotContain("comptoir_");
        }
        Http.Answer putTransaction = Http.call(new Request.Builder().url(proxy + "/_matrix/app/v1/transactions/9")
                .put(RequestBody.create("{\"events\":[]}", Http.JSON_TYPE)).build());
        assertThat(putTransaction.status()).isEqualTo(404);
    }

    /** A plain GET with the rig's HTTP client. */
    static Http.Answer get(String url) {
        return Http.call(new Request.Builder().url(url).build());
    }

    /** Stops the proxy, then Comptoir, then the fake Discourse (the last even if a stop fails). */
    @Override
    public void close() throws Exception {
        try {
            if (process != null) {
                process.destroy();
                process.waitFor(10, TimeUnit.SECONDS);
            }
            comptoir.stop();
        } finally {
            discourse.close();
        }
    }
}
