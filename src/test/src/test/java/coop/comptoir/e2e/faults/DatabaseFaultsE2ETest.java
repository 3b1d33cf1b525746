package coop.comptoir.e2e.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.e2e.plugin.WitnessPlugin;
import coop.comptoir.e2e.rig.BridgeTeardown;
import coop.comptoir.e2e.rig.ComptoirProcess;
import coop.comptoir.e2e.rig.Events;
import coop.comptoir.e2e.rig.MatrixTestClient;
import coop.comptoir.e2e.rig.PostgresSchema;
import coop.comptoir.e2e.rig.Rig;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;

/**
 * Scenario 4: PostgreSQL goes away under load (every connection cut, new ones refused, through a
 * relay in this JVM: the shared server is not touched) and comes back. Comptoir must refuse the
 * homeserver's transactions meanwhile (not acknowledge and lose them), and recover alone: every
 * command answered once, no restart. Long variant with {@code -Dcomptoir.faults=long}.
 */
@Tag("faults")
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class DatabaseFaultsE2ETest {
    private static final boolean LONG = "long".equals(System.getProperty("comptoir.faults"));

    private final Rig rig = Rig.get();
    private ComptoirProcess comptoir;
    private TcpProxy proxy;
    private PostgresSchema schema;

    @AfterEach
    void tearDown() throws Exception {
        BridgeTeardown.stopThenClose(comptoir, proxy, schema);
    }

    @Test
    void postgresGoneIsRefusedNotLostAndRecoveredWithoutARestart() throws Exception {
        schema = PostgresSchema.create("dbfault");
        String base = schema.baseUrl();
        URI server = URI.create(base.substring("jdbc:".length()));
        proxy = new TcpProxy(server.getHost(), server.getPort() < 0 ? 5432 : server.getPort());
        String url = schema.inSchema(base.replaceFirst("//[^/]+/", "//127.0.0.1:" + proxy.port() + "/"));

        Path witness = Files.createTempDirectory("witness").resolve("calls.tsv");
        comptoir = rig.comptoir("faults-postgres", c -> {
            ((ObjectNode) c.get("database")).removeAll().put("url", url);
            c.putObject("admin").put("public_metrics", true);
            c.withArray("plugins").addObject().put("type", "witness").put("file", witness.toString());
        }).start();
        String bot = rig.botUserId();
        MatrixTestClient alice = rig.newUser("alice");
        String room = alice.createRoom(bot);
        alice.awaitEvent(room, Events.membership(bot, "join"), Duration.ofSeconds(30));

        Duration outage = Duration.ofSeconds(LONG ? 120 : 10);
        Duration interval = Duration.ofMillis(250);
        FaultLedger ledger = new FaultLedger();
        int n = 0;
        Instant cutAt = Instant.now().plusSeconds(3);
        Instant restoreAt = cutAt.plus(outage);
        Instant stopAt = restoreAt.plusSeconds(3);
        boolean cut = false;
        double errorsBefore = FaultLedger.refusedTransactions(comptoir);
        double errorsDuring = 0;
        Instant restored = null;
        while (Instant.now().isBefore(stopAt)) {
            if (!cut && Instant.now().isAfter(cutAt)) {
                proxy.cut(true);
                cut = true;
            }
            if (cut && restored == null && Instant.now().isAfter(restoreAt)) {
                errorsDuring = FaultLedger.refusedTransactions(comptoir) - errorsBefore;
                proxy.cut(false);
                restored = Instant.now();
            }
            ledger.command(alice.sendText(room, WitnessPlugin.COMMAND + "p" + n), WitnessPlugin.ANSWER + "p" + n);
            n++;
            Thread.sleep(interval.toMillis());
        }
        ledger.awaitCommandsAnswered(alice, room, bot, Duration.ofSeconds(LONG ? 600 : 120));
        double recovered = Duration.between(restored, Instant.now()).toMillis() / 1000.0;
        Thread.sleep(5000);
        FaultLedger.Counts counts = ledger.count(alice.roomMessages(room), bot, List.of(), "-", List.of(), witness);
        String report = counts.report("PostgreSQL unreachable " + outage.toSeconds() + " s",
                "every connection cut, new ones refused, " + outage.toSeconds() + " s; " + (long) errorsDuring
                        + " transactions refused meanwhile", recovered);
        System.out.println("faults report:" + report);
        String why = report + "\nComptoir log " + comptoir.logFile();
        assertThat(counts.lost()).as(why).isZero();
        assertThat(counts.visibleDoubles()).as(why).isZero();
        assertThat(errorsDuring).as("transactions refused while the database was gone; " + why).isPositive();
        assertThat(comptoir.isRunning()).as("still the same process: recovered alone").isTrue();
    }
}
