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
 * The reverse proxy of the admin guide, as written in {@code docs/nginx-comptoir.conf}, in Debian's
 * nginx on loopback: a signed Discourse webhook sent through it is announced in its room, and
 * nothing else of Comptoir's listener is reachable through it ({@code /metrics} is served on that
 * listener here, {@code admin.public_metrics: true}, to prove nginx is what keeps it in).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ForumBehindNginxE2ETest {
    private static final Duration WAIT = Duration.ofSeconds(45);
    private static final String SECRET = "nginx-webhook-secret-0123456789";
    private static final long CATEGORY = 77;

    private static Rig rig;
    private static FakeDiscourse discourse;
    private static ComptoirProcess comptoir;
    private static Process nginx;
    private static Path work;
    private static String proxy, room, bot;
    private static MatrixTestClient alice;

    @BeforeAll
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    static void start() throws Exception {
        Path nginxBinary = RepoFiles.program("/usr/sbin/nginx", "nginx");
        rig = Rig.get();
        bot = rig.botUserId();
        discourse = new FakeDiscourse(ForumE2ETest.referenceLatestForOthers());
        alice = rig.newUser("alice");
        room = alice.createRoom(bot);
        comptoir = rig.comptoir("forum-nginx", c -> {
            c.putObject("admin").put("public_metrics", true);
            ObjectNode forum = ((ArrayNode) c.withArray("plugins")).addObject();
            forum.put("type", "forum").put("id", "forum").put("url", discourse.url()).put("api_key", "nginx-api-key-0123456789");
            forum.putObject("webhook").put("secret", SECRET);
            ObjectNode route = forum.putArray("routes").addObject().put("category_id", CATEGORY).put("category_slug", "courses");
            route.putArray("rooms").add(room);
        }).start();
        alice.awaitEvent(room, Events.membership(bot, "join"), WAIT);

        work = rig.freshDir("nginx");
        int port = Ports.freeLoopbackPort();
        String snippet = Files.readString(RepoFiles.find("docs/nginx-comptoir.conf"));
        assertThat(snippet).contains("proxy_pass http://127.0.0.1:29320;");
        String rendered = snippet.replace("http://127.0.0.1:29320", comptoir.url());
        Files.writeString(work.resolve("comptoir.conf"), rendered);
        for (String dir : new String[] {"body", "proxy", "fastcgi", "uwsgi", "scgi"}) {
            Files.createDirectories(work.resolve(dir));
        }
        Files.writeString(work.resolve("nginx.conf"), """
                daemon off;
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log;
                events { worker_connections 64; }
                http {
                    access_log %1$s/access.log;
                    client_body_temp_path %1$s/body;
                    proxy_temp_path %1$s/proxy;
                    fastcgi_temp_path %1$s/fastcgi;
                    uwsgi_temp_path %1$s/uwsgi;
                    scgi_temp_path %1$s/scgi;
                    server {
                        listen 127.0.0.1:%2$d;
                        server_name localhost;
                        include %1$s/comptoir.conf;
                        location / { return 404; }
                    }
                }
                """.formatted(work, port));
        nginx = new ProcessBuilder(nginxBinary.toString(), "-p", work.toString(), "-c", work.resolve("nginx.conf").toString())
                .redirectErrorStream(true).redirectOutput(work.resolve("nginx.out").toFile()).start();
        proxy = "http://127.0.0.1:" + port;
        awaitListening(port);
    }

    private static void awaitListening(int port) throws Exception {
        Instant deadline = Instant.now().plusSeconds(20);
        while (Instant.now().isBefore(deadline)) {
            if (!nginx.isAlive()) {
                throw new IllegalStateException("nginx stopped: " + Files.readString(work.resolve("nginx.out"))
                        + Files.readString(work.resolve("error.log")));
            }
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("nginx not listening on " + port);
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (nginx != null) {
                nginx.destroy();
                nginx.waitFor(10, TimeUnit.SECONDS);
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
    void aSignedWebhookThroughNginxIsAnnounced() throws Exception {
        String title = "Livraison de pommes derrière le proxy";
        discourse.addTopic(3001, title, CATEGORY);

        int status = discourse.sendWebhook(proxy + "/_comptoir/plugins/forum/webhook", "topic_created",
                FakeDiscourse.topicPayload(3001, title, CATEGORY), SECRET);

        assertThat(status).isEqualTo(200);
        alice.awaitEvent(room, Events.newMessageFrom(bot, title), WAIT);
        assertThat(Files.readString(work.resolve("access.log"))).contains("POST /_comptoir/plugins/forum/webhook");
    }

    @Test
    void onlyThePublicRoutesPass() {
        // served by Comptoir on its listener (public_metrics), kept in by nginx
        assertThat(get(comptoir.url() + "/metrics").status()).as("/metrics on Comptoir's own listener").isEqualTo(200);
        for (String path : new String[] {"/metrics", "/count", "/health", "/_matrix/app/v1/users/@x:comptoir.test",
                "/_matrix/app/v1/transactions/1", "/_comptoir/plugins/forum/webhook/../../../metrics",
                "/_comptoir/plugins/forum/other"}) {
            Http.Answer answer = get(proxy + path);
            assertThat(answer.status()).as("GET %s through nginx", path).isEqualTo(404);
            assertThat(answer.body()).as("GET %s through nginx", path).doesNotContain("comptoir_");
        }
        Http.Answer getWebhook = get(proxy + "/_comptoir/plugins/forum/webhook");
        assertThat(getWebhook.status()).as("GET on the webhook").isEqualTo(403);
        Http.Answer putTransaction = Http.call(new Request.Builder().url(proxy + "/_matrix/app/v1/transactions/9")
                .put(RequestBody.create("{\"events\":[]}", Http.JSON_TYPE)).build());
        assertThat(putTransaction.status()).isEqualTo(404);
    }

    private static Http.Answer get(String url) {
        return Http.call(new Request.Builder().url(url).build());
    }
}
