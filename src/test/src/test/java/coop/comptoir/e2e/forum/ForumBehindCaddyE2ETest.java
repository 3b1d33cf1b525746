package coop.comptoir.e2e.forum;

import static org.assertj.core.api.Assertions.assertThat;

import coop.comptoir.e2e.install.RepoFiles;
import coop.comptoir.e2e.rig.Http;
import java.nio.file.Files;
import java.nio.file.Path;
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
    private static final String SECRET = "caddy-webhook-secret-0123456789";
    private static final long CATEGORY = 78;

    private static ForumBehindProxy forum;

    @BeforeAll
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    static void start() throws Exception {
        Path caddyBinary = RepoFiles.program("/usr/bin/caddy", "caddy");
        forum = ForumBehindProxy.start("caddy", SECRET, CATEGORY);
        Path work = forum.work;
        String snippet = Files.readString(RepoFiles.find("docs/Caddyfile-comptoir"));
        assertThat(snippet).contains("reverse_proxy 127.0.0.1:29320");
        String upstream = forum.comptoir.url().replaceFirst("^http://", "");
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
                """.formatted(work, forum.port));
        ProcessBuilder pb = new ProcessBuilder(caddyBinary.toString(), "run", "--adapter", "caddyfile",
                "--config", work.resolve("Caddyfile").toString())
                .redirectErrorStream(true).redirectOutput(work.resolve("caddy.out").toFile());
        pb.environment().put("HOME", work.toString());
        pb.environment().put("XDG_DATA_HOME", work.resolve("data").toString());
        pb.environment().put("XDG_CONFIG_HOME", work.resolve("config").toString());
        forum.startProxy(pb, "caddy.out");
    }

    @AfterAll
    static void stop() throws Exception {
        if (forum != null) {
            forum.close();
        }
    }

    @Test
    void aSignedWebhookThroughCaddyIsAnnounced() throws Exception {
        forum.webhookThroughProxyIsAnnounced(3101, "Arrivage de poires derrière Caddy", CATEGORY, SECRET);

        assertThat(Files.readString(forum.work.resolve("access.log"))).contains("\"/_comptoir/plugins/forum/webhook\"");
    }

    @Test
    void onlyThePublicRoutesPass() {
        // /metrics is served by Comptoir on its listener (public_metrics), kept in by Caddy
        forum.assertOnlyPublicRoutesPass("Caddy", "/metrics", "/count", "/health", "/_matrix/app/v1/users/@x:comptoir.test",
                "/_matrix/app/v1/transactions/1", "/_comptoir/plugins/forum/webhook/../../../metrics",
                "/_comptoir/plugins/forum/webhook/%2e%2e/%2e%2e/%2e%2e/count", "/_comptoir/plugins/forum/other",
                "/_comptoir/plugins/forum/webhook");
        Http.Answer postCount = Http.call(new Request.Builder().url(forum.proxy + "/count")
                .post(RequestBody.create("{}", Http.JSON_TYPE)).build());
        assertThat(postCount.status()).isEqualTo(404);
    }
}
