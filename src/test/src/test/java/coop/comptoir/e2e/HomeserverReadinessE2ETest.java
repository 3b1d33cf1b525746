package coop.comptoir.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import coop.comptoir.e2e.rig.Events;
import coop.comptoir.e2e.rig.Http;
import coop.comptoir.e2e.rig.MatrixTestClient;
import coop.comptoir.e2e.rig.Rig;
import coop.comptoir.e2e.rig.RunningComptoir;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import okhttp3.Request;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a monitoring system sees on each supported homeserver: {@code /health} reaches 200 and says
 * how the link was checked — the appservice ping on Synapse; on Dendrite, which has no ping,
 * {@code whoami} and the first transaction the homeserver sends.
 */
@Tag("dendrite")
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class HomeserverReadinessE2ETest {
    @RegisterExtension
    static final RunningComptoir COMPTOIR = new RunningComptoir("homeserver-readiness");

    private static final Rig rig = Rig.get();

    @Test
    void healthIsReadyAndSaysHowTheLinkWasChecked() throws InterruptedException {
        String bot = rig.botUserId();
        MatrixTestClient alice = rig.newUser("alice");
        String room = alice.createRoom(bot);
        alice.awaitEvent(room, Events.membership(bot, "join"), Duration.ofSeconds(30));

        String expected = rig.onDendrite() ? "whoami+transaction" : "ping";
        Http.Answer health = health();
        Instant deadline = Instant.now().plusSeconds(10);
        while (!health.body().contains(expected) && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
            health = health();
        }
        assertThat(health.status()).as("%s", health).isEqualTo(200);
        assertThat(health.json().path("status").asText()).isEqualTo("ready");
        assertThat(health.json().path("check").asText()).as("%s on %s", health, rig.synapse().describe()).isEqualTo(expected);

        String log = COMPTOIR.process().logText();
        assertThat(log).as("Comptoir's log").doesNotContain("Not ready yet");
        if (rig.onDendrite()) {
            assertThat(log.lines().filter(l -> l.contains("has no appservice ping"))).as("said once").hasSize(1);
        } else {
            assertThat(log).contains("Readiness checked with the appservice ping");
        }
    }

    private static Http.Answer health() {
        return Http.call(new Request.Builder().url(COMPTOIR.process().url() + "/health").build());
    }
}
