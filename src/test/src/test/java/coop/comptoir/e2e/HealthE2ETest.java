package coop.comptoir.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import coop.comptoir.e2e.rig.Events;
import coop.comptoir.e2e.rig.Http;
import coop.comptoir.e2e.rig.MatrixTestClient;
import coop.comptoir.e2e.rig.Ports;
import coop.comptoir.e2e.rig.Rig;
import coop.comptoir.e2e.rig.RunningComptoir;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import okhttp3.Request;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a supervisor (systemd, Prometheus) sees: a ready process and its counters. The counters
 * show the activity of the rooms, so they are on the admin listener, not on the appservice one
 * that webhooks (hence anyone) can reach.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class HealthE2ETest {
    private static final int ADMIN_PORT = Ports.freeLoopbackPort();

    @RegisterExtension
    static final RunningComptoir COMPTOIR = new RunningComptoir("health",
            config -> config.putObject("admin").put("bind", "127.0.0.1").put("port", ADMIN_PORT));

    private static final Rig rig = Rig.get();

    @Test
    void healthIsOkOnceStarted() {
        // start() already waited for it; it stays so
        Http.Answer health = Http.call(new Request.Builder().url(COMPTOIR.process().url() + "/health").build());

        assertThat(health.status()).as("%s", health).isEqualTo(200);
    }

    @Test
    void metricsCountTransactionsInPrometheusText() {
        // one transaction at least: the bot's invite
        String bot = rig.botUserId();
        MatrixTestClient alice = rig.newUser("alice");
        String room = alice.createRoom(bot);
        alice.awaitEvent(room, Events.membership(bot, "join"), Duration.ofSeconds(30));

        Http.Answer metrics = Http.call(new Request.Builder().url(admin("/metrics")).build());

        assertThat(metrics.status()).as("%s", metrics).isEqualTo(200);
        assertThat(metrics.contentType()).startsWith("text/plain");
        assertThat(metrics.body().lines())
                .as("/metrics:%n%s", metrics.body())
                .anyMatch(line -> line.matches("# TYPE comptoir_\\w*transactions\\w* counter"))
                .anyMatch(line -> line.matches("comptoir_\\w*transactions\\w*(\\{.*})? [0-9.eE+]+"));
    }

    @Test
    void countersAreNotOnTheAppserviceListener() {
        for (String path : new String[] {"/metrics", "/count"}) {
            Http.Answer open = Http.call(new Request.Builder().url(COMPTOIR.process().url() + path).build());
            assertThat(open.status()).as("%s on the appservice listener: %s", path, open).isEqualTo(404);
        }
        Http.Answer count = Http.call(new Request.Builder().url(admin("/count")).build());
        assertThat(count.status()).as("%s", count).isEqualTo(200);
        assertThat(count.json().path("events").isNumber()).as("%s", count).isTrue();
        assertThat(Http.call(new Request.Builder().url(admin("/health")).build()).status()).isEqualTo(200);
    }

    private static String admin(String path) {
        return "http://127.0.0.1:" + ADMIN_PORT + path;
    }
}
