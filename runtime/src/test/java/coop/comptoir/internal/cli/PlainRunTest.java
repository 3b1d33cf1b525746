package coop.comptoir.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import coop.comptoir.Main;
import coop.comptoir.internal.config.PluginCatalog;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** A plain {@code run} is read without the command-line parser, with the same result as the parser's. */
class PlainRunTest {

    @Test
    void thePlainRunFormsGiveWhatTheParserGives() {
        for (List<String> args : List.of(
                List.of("run"),
                List.of("run", "-c", "/etc/comptoir/comptoir.yaml"),
                List.of("run", "--config", "a.yaml"),
                List.of("run", "--config=a.yaml", "--env-file", "/etc/comptoir/comptoir.env"),
                List.of("run", "--env-file=x.env", "-c", "dir/b.yaml"))) {
            ConfigOption plain = RunCommand.plainRun(args.toArray(String[]::new));
            ConfigOption parsed = parsed(args);
            assertThat(plain).as(args.toString()).isNotNull();
            assertThat(plain.file()).as(args.toString()).isEqualTo(parsed.file());
            assertThat(plain.envFile).as(args.toString()).isEqualTo(parsed.envFile);
        }
    }

    @Test
    void everythingElseIsLeftToTheParser() {
        for (List<String> args : List.of(
                List.<String>of(),
                List.of("check-config"),
                List.of("run", "--help"),
                List.of("run", "-h"),
                List.of("run", "--bogus"),
                List.of("run", "-c"),
                List.of("run", "-c", "a.yaml", "-c", "b.yaml"),
                List.of("run", "--env-file", "a.env", "--env-file=b.env"),
                List.of("run", "-ca.yaml"),
                List.of("run", "extra"),
                List.of("--version", "run"))) {
            assertThat(RunCommand.plainRun(args.toArray(String[]::new))).as(args.toString()).isNull();
        }
    }

    @Test
    void theParserStillAnswersWhatThePlainPathLeavesToIt() {
        var out = new java.io.StringWriter();
        var err = new java.io.StringWriter();
        int code = Main.execute(new CliContext(Map.of(), () -> new PluginCatalog(List.of())),
                new String[] {"run", "--bogus"}, new java.io.PrintWriter(out, true), new java.io.PrintWriter(err, true));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("Unknown option: '--bogus'").contains("Usage: comptoir run");
    }

    private static ConfigOption parsed(List<String> args) {
        CommandLine cmd = Main.commandLine(new CliContext(Map.of(), () -> new PluginCatalog(List.of())));
        CommandLine.ParseResult result = cmd.parseArgs(args.toArray(String[]::new));
        RunCommand run = (RunCommand) result.subcommand().commandSpec().userObject();
        return run.config;
    }
}
