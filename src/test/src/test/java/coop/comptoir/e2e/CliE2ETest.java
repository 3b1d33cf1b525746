package coop.comptoir.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.e2e.rig.ComptoirCli;
import coop.comptoir.e2e.rig.ComptoirProcess;
import coop.comptoir.e2e.rig.Rig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The commands an operator types besides {@code run}. ({@code generate-registration} is the rig's first step.) */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class CliE2ETest {
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

    private static Rig rig;

    @BeforeAll
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    static void start() {
        rig = Rig.get();
    }

    @Test
    void versionPrintsTheVersion() throws Exception {
        Path dir = rig.freshDir("cli-version");

        ComptoirCli.Result result = rig.cli().run(dir, dir.resolve("out.log"), COMMAND_TIMEOUT, "--version");

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).containsPattern("\\d+\\.\\d+\\.\\d+");
    }

    @Test
    void checkConfigAcceptsTheRigsConfig() throws Exception {
        ComptoirProcess unstarted = rig.comptoir("cli-check-ok");

        ComptoirCli.Result result = rig.cli().run(unstarted.configFile().getParent(),
                unstarted.configFile().resolveSibling("check-config.log"), COMMAND_TIMEOUT,
                "check-config", "--config", unstarted.configFile().toString());

        assertThat(result.exitCode()).as(result.output()).isZero();
    }

    @Test
    void checkConfigRefusesAnUnknownKeyAndNamesIt() throws Exception {
        ComptoirProcess unstarted = rig.comptoir("cli-check-unknown",
                config -> ((ObjectNode) config.get("appservice")).put("colour", "blue"));

        ComptoirCli.Result result = rig.cli().run(unstarted.configFile().getParent(),
                unstarted.configFile().resolveSibling("check-config.log"), COMMAND_TIMEOUT,
                "check-config", "--config", unstarted.configFile().toString());

        assertThat(result.exitCode()).as(result.output()).isNotZero();
        assertThat(result.output()).contains("appservice.colour");
    }
}
