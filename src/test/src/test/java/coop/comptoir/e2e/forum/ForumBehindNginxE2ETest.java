package coop.comptoir.e2e.forum;

import static org.assertj.core.api.Assertions.assertThat;

import coop.comptoir.e2e.install.RepoFiles;
import coop.comptoir.e2e.rig.Http;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
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
    private static final String SECRET = "nginx-webhook-secret-0123456789";
    private static final long CATEGORY = 77;

    private static ForumBehindProxy forum;

    @BeforeAll
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    static void start() throws Exception {
        Path nginxBinary = RepoFiles.program("/usr/sbin/nginx", "nginx");
        forum = ForumBehindProxy.start("nginx", SECRET, CATEGORY);
        Path work = forum.work;
        String snippet = Files.readString(RepoFiles.find("docs/nginx-comptoir.conf"));
        assertThat(snippet).contains("proxy_pass http://127.0.0.1:29320;");
        String rendered = snippet.replace("http://127.0.0.1:29320", forum.comptoir.url());
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
                """.formatted(work, forum.port));
        forum.startProxy(new ProcessBuilder(nginxBinary.toString(), "-p", work.toString(), "-c",
                work.resolve("nginx.conf").toString())
                .redirectErrorStream(true).redirectOutput(work.resolve("nginx.out").toFile()), "nginx.out", "error.log");
    }

    @AfterAll
    static void stop() throws Exception {
        if (forum != null) {
            forum.close();
        }
    }

    @Test
    void aSignedWebhookThroughNginxIsAnnounced() throws Exception {
        forum.webhookThroughProxyIsAnnounced(3001, "Livraison de pommes derrière le proxy", CATEGORY, SECRET);

        assertThat(Files.readString(forum.work.resolve("access.log"))).contains("POST /_comptoir/plugins/forum/webhook");
    }

    @Test
    void onlyThePublicRoutesPass() {
        // /metrics is served by Comptoir on its listener (public_metrics), kept in by nginx
        forum.assertOnlyPublicRoutesPass("nginx", "/metrics", "/count", "/health", "/_matrix/app/v1/users/@x:comptoir.test",
                "/_matrix/app/v1/transactions/1", "/_comptoir/plugins/forum/webhook/../../../metrics",
                "/_comptoir/plugins/forum/other");
        Http.Answer getWebhook = ForumBehindProxy.get(forum.proxy + "/_comptoir/plugins/forum/webhook");
        assertThat(getWebhook.status()).as("GET on the webhook").isEqualTo(403);
    }
}
