package coop.comptoir.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import coop.comptoir.e2e.rig.Events;
import coop.comptoir.e2e.rig.Http;
import coop.comptoir.e2e.rig.MatrixTestClient;
import coop.comptoir.e2e.rig.Rig;
import coop.comptoir.e2e.rig.RunningComptoir;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import okhttp3.Request;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What a supervisor (systemd, Prometheus) sees: a ready process and its counters. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class HealthE2ETest {
    @RegisterExtension
    static final RunningComptoir COMPTOIR = new RunningComptoir("health");

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

        Http.Answer metrics = Http.call(new Request.Builder().url(COMPTOIR.process().url() + "/metrics").build());

        assertThat(metrics.status()).as("%s", metrics).isEqualTo(200);
        assertThat(metrics.contentType()).startsWith("text/plain");
        assertThat(metrics.body().lines())
                .as("/metrics:%n%s", metrics.body())
                .anyMatch(line -> line.matches("# TYPE comptoir_\\w*transactions\\w* counter"))
                .anyMatch(line -> line.matches("comptoir_\\w*transactions\\w*(\\{.*})? [0-9.eE+]+"));
    }
}
