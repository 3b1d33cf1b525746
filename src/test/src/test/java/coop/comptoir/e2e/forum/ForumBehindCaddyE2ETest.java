package coop.comptoir.e2e.forum;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.e2e.install.RepoFiles;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Caddy snippet of the admin guide, {@code docs/Caddyfile-comptoir} as written, imported into a
 * site block of Debian's caddy on loopback: a signed Discourse webhook sent through it is announced
 * in its room, and nothing else of Comptoir's listener is reachable through it ({@code /metrics} is
 * served on that listener here, {@code admin.public_metrics: true}, to prove Caddy keeps it in). The
 * site's other requests get 404 from the test's own fallback, as the rest of a real site would
 * answer them (Synapse's routes).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ForumBehindCaddyE2ETest {
    private static final Duration WAIT = Duration.ofSeconds(45);
    private static final String SECRET = "caddy-webhook-secret-0123456789";
    private static final long CATEGORY = 78;

    private static Rig rig;
    private static FakeDiscourse discourse;
    private static ComptoirProcess comptoir;
    private static Process caddy;
    private static Path work;
    private static String proxy, room, bot;
    private static MatrixTestClient alice;

    @BeforeAll
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    static void start() throws Exception {
        Path caddyBinary = RepoFiles.program("/usr/bin/caddy", "caddy");
        rig = Rig.get();
        bot = rig.botUserId();
        discourse = new FakeDiscourse(ForumE2ETest.referenceLatestForOthers());
        alice = rig.newUser("alice");
        room = alice.createRoom(bot);
        comptoir = rig.comptoir("forum-caddy", c -> {
            c.putObject("admin").put("public_metrics", true);
            ObjectNode forum = ((ArrayNode) c.withArray("plugins")).addObject();
            forum.put("type", "forum").put("id", "forum").put("url", discourse.url()).put("api_key", "caddy-api-key-0123456789");
            forum.putObject("webhook").put("secret", SECRET);
            ObjectNode route = forum.putArray("routes").addObject().put("category_id", CATEGORY).put("category_slug", "courses");
            route.putArray("rooms").add(room);
        }).start();
        alice.awaitEvent(room, Events.membership(bot, "join"), WAIT);

        work = rig.freshDir("caddy");
        int port = Ports.freeLoopbackPort();
        String snippet = Files.readString(RepoFiles.find("docs/Caddyfile-comptoir"));
        assertThat(snippet).contains("reverse_proxy 127.0.0.1:29320");
        String upstream = comptoir.url().replaceFirst("^http://", "");
        Files.writeString(work.resolve("comptoir.caddy"), snippet.replace("127.0.0.1:29320", upstream));
        Files.writeString(work.resolve("Caddyfile"), """
                {
                	admin off
                	auto_https off
                	storage file_system %1$s/storage
                }
                http://127.0.0.1:%2$d {
                	log {
                		output file %1$s/access.log
                	}
                	import %1$s/comptoir.caddy
                	handle {
                		respond 404
                	}
                }
                """.formatted(work, port));
        ProcessBuilder pb = new ProcessBuilder(caddyBinary.toString(), "run", "--adapter", "caddyfile",
                "--config", work.resolve("Caddyfile").toString())
                .redirectErrorStream(true).redirectOutput(work.resolve("caddy.out").toFile());
        pb.environment().put("HOME", work.toString());
        pb.environment().put("XDG_DATA_HOME", work.resolve("data").toString());
        pb.environment().put("XDG_CONFIG_HOME", work.resolve("config").toString());
        caddy = pb.start();
        proxy = "http://127.0.0.1:" + port;
        awaitListening(port);
    }

    private static void awaitListening(int port) throws Exception {
        Instant deadline = Instant.now().plusSeconds(20);
        while (Instant.now().isBefore(deadline)) {
            if (!caddy.isAlive()) {
                throw new IllegalStateException("caddy stopped: " + Files.readString(work.resolve("caddy.out")));
            }
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("caddy not listening on " + port + ": " + Files.readString(work.resolve("caddy.out")));
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (caddy != null) {
                caddy.destroy();
                caddy.waitFor(10, TimeUnit.SECONDS);
            }
            if (comptoir != null) {
                comptoir.stop();
            }
        } finally {
            if (discourse != null) {
                discourse.close();
            }
        }
    }

    @Test
    void aSignedWebhookThroughCaddyIsAnnounced() throws Exception {
        String title = "Arrivage de poires derrière Caddy";
        discourse.addTopic(3101, title, CATEGORY);

        int status = discourse.sendWebhook(proxy + "/_comptoir/plugins/forum/webhook", "topic_created",
                FakeDiscourse.topicPayload(3101, title, CATEGORY), SECRET);

        assertThat(status).isEqualTo(200);
        alice.awaitEvent(room, Events.newMessageFrom(bot, title), WAIT);
        assertThat(Files.readString(work.resolve("access.log"))).contains("\"/_comptoir/plugins/forum/webhook\"");
    }

    @Test
    void onlyThePublicRoutesPass() {
        // served by Comptoir on its listener (public_metrics), kept in by Caddy
        assertThat(get(comptoir.url() + "/metrics").status()).as("/metrics on Comptoir's own listener").isEqualTo(200);
        for (String path : new String[] {"/metrics", "/count", "/health", "/_matrix/app/v1/users/@x:comptoir.test",
                "/_matrix/app/v1/transactions/1", "/_comptoir/plugins/forum/webhook/../../../metrics",
                "/_comptoir/plugins/forum/webhook/%2e%2e/%2e%2e/%2e%2e/count", "/_comptoir/plugins/forum/other",
                "/_comptoir/plugins/forum/webhook"}) {
            Http.Answer answer = get(proxy + path);
            assertThat(answer.status()).as("GET %s through Caddy", path).isEqualTo(404);
            assertThat(answer.body()).as("GET %s through Caddy", path).doesNotContain("comptoir_");
        }
        Http.Answer putTransaction = Http.call(new Request.Builder().url(proxy + "/_matrix/app/v1/transactions/9")
                .put(RequestBody.create("{\"events\":[]}", Http.JSON_TYPE)).build());
        assertThat(putTransaction.status()).isEqualTo(404);
        Http.Answer postCount = Http.call(new Request.Builder().url(proxy + "/count")
                .post(RequestBody.create("{}", Http.JSON_TYPE)).build());
        assertThat(postCount.status()).isEqualTo(404);
    }

    private static Http.Answer get(String url) {
        return Http.call(new Request.Builder().url(url).build());
    }
}
