package coop.comptoir.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
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

    /** One run of check-config shows a core error and the errors of two plugins, each with its key path. */
    @Test
    void checkConfigReportsTheCoreAndEveryPluginInOneRun() throws Exception {
        ComptoirProcess unstarted = rig.comptoir("cli-check-all", config -> {
            ((ObjectNode) config.get("appservice")).put("port", 99999);
            ArrayNode plugins = (ArrayNode) config.get("plugins");
            ObjectNode welcome = plugins.addObject().put("type", "welcome").put("coop", "La Cagette").put("group_window", 5);
            welcome.putArray("rooms").addObject().put("room", "aide");
            ObjectNode forum = plugins.addObject().put("type", "forum").put("url", "https://forum.example.coop")
                    .put("api_key", "s3cret-forum-key");
            forum.putObject("polling").putArray("feeds").addObject().put("interval", "1s");
            forum.putArray("routes").addObject().putArray("rooms").add("#annonces:comptoir.test");
        });

        ComptoirCli.Result check = rig.cli().run(unstarted.configFile().getParent(),
                unstarted.configFile().resolveSibling("check-config.log"), COMMAND_TIMEOUT,
                "check-config", "--config", unstarted.configFile().toString());

        assertThat(check.exitCode()).as(check.output()).isNotZero();
        assertThat(check.output()).contains(
                "appservice.port: must be between 1 and 65535",
                "plugins[1].group_window: \"5\" has no unit: write 5s, 5m, 5h or 5d",
                "plugins[1].rooms[0].room: \"aide\" is not a room ID",
                "plugins[2].polling.feeds[0].interval: must be at least 5s")
                .doesNotContain("s3cret-forum-key");
    }

    /** A key renamed to a duration still starts a coop's existing config, with a warning naming the new key. */
    @Test
    void aFormerSecondsKeyIsAcceptedWithAWarning() throws Exception {
        ComptoirProcess unstarted = rig.comptoir("cli-check-deprecated", config -> {
            ObjectNode welcome = ((ArrayNode) config.get("plugins")).addObject().put("type", "welcome")
                    .put("coop", "La Cagette").put("group_window_seconds", 2);
            welcome.putArray("rooms").addObject().put("room", "!aide:comptoir.test");
        });

        ComptoirCli.Result check = rig.cli().run(unstarted.configFile().getParent(),
                unstarted.configFile().resolveSibling("check-config.log"), COMMAND_TIMEOUT,
                "check-config", "--config", unstarted.configFile().toString());

        assertThat(check.exitCode()).as(check.output()).isZero();
        assertThat(check.output()).contains("plugins[1].group_window_seconds: deprecated, still read for this release:"
                + " write group_window instead (e.g. group_window: 2s)");
    }

    /** Two welcome instances left with the same command names: both named, before anything starts. */
    @Test
    void twoInstancesClaimingOneCommandAreRefusedByCheckConfigAndByRunNamingBoth() throws Exception {
        ComptoirProcess unstarted = rig.comptoir("cli-check-commands", config -> {
            ArrayNode plugins = (ArrayNode) config.get("plugins");
            for (String id : new String[] {"accueil", "accueil-bureau"}) {
                ObjectNode welcome = plugins.addObject().put("type", "welcome").put("id", id).put("coop", "La Cagette");
                welcome.putArray("rooms").addObject().put("room", "!aide:comptoir.test");
            }
        });
        String expected = "plugins[2].commands.faq[0]: command !faq of instance \"accueil-bureau\" is already taken by"
                + " instance \"accueil\" (plugins[1].commands.faq[0]); give one of them another name";

        ComptoirCli.Result check = rig.cli().run(unstarted.configFile().getParent(),
                unstarted.configFile().resolveSibling("check-config.log"), COMMAND_TIMEOUT,
                "check-config", "--config", unstarted.configFile().toString());
        assertThat(check.exitCode()).as(check.output()).isNotZero();
        assertThat(check.output()).contains(expected).contains("plugins[2].commands.rooms[0]: command !salons");

        ComptoirCli.Result run = rig.cli().run(unstarted.configFile().getParent(),
                unstarted.configFile().resolveSibling("run.log"), COMMAND_TIMEOUT,
                "run", "--config", unstarted.configFile().toString());
        assertThat(run.exitCode()).as(run.output()).isNotZero();
        assertThat(run.output()).contains(expected);
    }
}
