package coop.comptoir.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonProperty;
import coop.comptoir.Main;
import coop.comptoir.api.command.CommandName;
import coop.comptoir.api.config.Problems;
import coop.comptoir.api.plugin.Namespaces;
import coop.comptoir.api.plugin.Plugin;
import coop.comptoir.api.plugin.PluginConfig;
import coop.comptoir.api.plugin.PluginContext;
import coop.comptoir.api.plugin.PluginFactory;
import coop.comptoir.internal.config.PluginCatalog;
import coop.comptoir.internal.config.RegistrationFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
    @TempDir
    Path dir;

    /** A plugin type as a plugin module would write it. */
    static final class GreeterFactory implements PluginFactory<GreeterFactory.Settings> {
        record Settings(@JsonProperty(required = true) String roomId, String greeting) {}

        @Override
        public Class<Settings> configType() {
            return Settings.class;
        }

        @Override
        public String type() {
            return "greeter";
        }

        @Override
        public Namespaces namespaces(Settings config, PluginConfig section) {
            return Namespaces.users("@_greeter_.*:example\\.org");
        }

        @Override
        public Plugin create(Settings config, PluginContext context) {
            return new Plugin() {};
        }
    }

    /** A plugin type whose instances name their command in their section ({@code command: …}). */
    static final class AnnouncerFactory implements PluginFactory<AnnouncerFactory.Settings> {
        record Settings(String command) {}

        @Override
        public Class<Settings> configType() {
            return Settings.class;
        }

        @Override
        public String type() {
            return "announcer";
        }

        @Override
        public void validate(Settings config, Problems problems) {
            if (config.command() != null && !config.command().matches("[a-z0-9-]+")) {
                problems.add("command", "lower-case letters, digits and - only");
            }
        }

        @Override
        public List<CommandName> commands(Settings config, PluginConfig section) {
            String name = config.command();
            return List.of(CommandName.of(name == null ? "annonces" : name, section.path() + ".command"));
        }

        @Override
        public Plugin create(Settings config, PluginContext context) {
            return new Plugin() {};
        }
    }

    private record Run(int code, String out, String err) {}

    private Run run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        // as main() does: a plain `run` without the command-line parser, the rest through it
        int code = Main.execute(new CliContext(env, () -> new PluginCatalog(List.of(new GreeterFactory(), new AnnouncerFactory()))),
                args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    private Run run(String... args) {
        return run(Map.of(), args);
    }

    private Path config(String yaml) throws IOException {
        Path file = dir.resolve("comptoir.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    private static final String GOOD = """
            homeserver: {server_name: example.org}
            plugins:
              - type: greeter
                room_id: '!hall:example.org'
              - type: greeter
                id: off-duty
                enabled: false
            """;

    @Test
    void checkConfigSaysOkWithASummary() throws IOException {
        Path file = config(GOOD);
        assertThat(run("generate-registration", "-c", file.toString()).code()).isZero();

        Run r = run("check-config", "--config", file.toString());

        assertThat(r.err()).isEmpty();
        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith("Configuration OK: " + file)
                .contains("homeserver: example.org at http://127.0.0.1:8008")
                .contains("@comptoir:example.org")
                .contains("SQLite")
                .contains("plugins:    greeter, off-duty (greeter) [disabled]")
                .doesNotContain("Warning");
    }

    @Test
    void checkConfigReportsEveryErrorWithExitCode2() throws IOException {
        Path file = config("""
                homeserver: {url: 'ftp://x'}
                appservice: {prot: 1, port: abc}
                commands: {language: de, admins: [bob]}
                """);
        Run r = run("check-config", "-c", file.toString());

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).startsWith("6 configuration errors in " + file + ":")
                .contains("homeserver.server_name: missing")
                .contains("homeserver.url: expected an http:// or https:// URL")
                .contains("appservice.prot: unknown key (allowed: id, bind, port, ")
                .contains("appservice.port: expected a number, got \"abc\"")
                .contains("commands.language: expected fr or en")
                .contains("commands.admins[0]: not a valid user ID (@name:example.org)");
    }

    @Test
    void checkConfigReportsPluginErrorsAndTheMissingRegistrationTogether() throws IOException {
        Path file = config("""
                homeserver: {server_name: example.org}
                plugins:
                  - type: greeter
                    greting: Salut
                  - type: weather
                """);
        Run r = run("check-config", "-c", file.toString());

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains(
                "plugins[0].greting: unknown key (allowed: room_id, greeting)",
                "plugins[0].room_id: missing",
                "plugins[1].type: unknown plugin type \"weather\" (known: announcer, greeter)",
                "appservice.registration: file " + dir.resolve("registration.yaml")
                        + " not found; run `comptoir generate-registration` first");
    }

    @Test
    void checkConfigReportsCoreAndPluginErrorsInOneRun() throws IOException {
        Path file = config("""
                homeserver: {server_name: example.org}
                appservice: {port: 99999}
                plugins:
                  - type: greeter
                    greting: Salut
                  - type: announcer
                    id: annonces
                    command: Annonces!
                """);
        Run r = run("check-config", "-c", file.toString());

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).startsWith("5 configuration errors in " + file + ":").contains(
                "appservice.port: must be between 1 and 65535",
                "plugins[0].greting: unknown key (allowed: room_id, greeting)",
                "plugins[0].room_id: missing",
                "plugins[1].command: lower-case letters, digits and - only",
                "appservice.registration: file " + dir.resolve("registration.yaml") + " not found");
        assertThat(r.err().indexOf("appservice.port")).as("the core's errors first, as the file reads")
                .isLessThan(r.err().indexOf("plugins[0]"));
    }

    @Test
    void checkConfigNamesBothInstancesThatClaimOneCommand() throws IOException {
        Path file = config("""
                homeserver: {server_name: example.org}
                plugins:
                  - type: announcer
                    id: annonces-coop
                  - type: announcer
                    id: annonces-bureau
                    command: annonces-bureau
                  - type: announcer
                    id: annonces-ca
                  - type: announcer
                    id: aide
                    command: aide
                """);
        assertThat(run("generate-registration", "-c", file.toString()).code()).isEqualTo(2);
        Run r = run("check-config", "-c", file.toString());

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains(
                "plugins[2].command: command !annonces of instance \"annonces-ca\" is already taken by instance"
                        + " \"annonces-coop\" (plugins[0].command); give one of them another name",
                "plugins[3].command: !aide is Comptoir's own help command; choose another name")
                .doesNotContain("plugins[1]");
    }

    @Test
    void anUnsetVariableIsNamedButNoValueIsShown() throws IOException {
        Path file = config("homeserver: {server_name: example.org}\nappservice:\n  as_token: ${AS_TOKEN}\n  hs_token: ${HS_TOKEN}\n");
        Run r = run(Map.of("AS_TOKEN", "very-secret-as"), "check-config", "-c", file.toString());

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("appservice.hs_token: environment variable HS_TOKEN is not set")
                .doesNotContain("very-secret-as");
    }

    @Test
    void generateRegistrationKeepsTokensAndNeverPrintsThem() throws IOException {
        Path file = config(GOOD);
        Path registration = dir.resolve("registration.yaml");

        Run first = run("generate-registration", "-c", file.toString());
        assertThat(first.code()).as(first.err()).isZero();
        RegistrationFile written = RegistrationFile.read(registration);
        assertThat(first.out()).contains("Wrote " + registration)
                .contains("app_service_config_files:", "- " + registration)
                .contains("@_greeter_.*:example\\.org (exclusive)")
                .contains("Restart the homeserver");

        Run second = run("generate-registration", "-c", file.toString());
        assertThat(second.code()).isZero();
        assertThat(second.out()).contains("as_token: kept from the existing file; hs_token: kept from the existing file");
        RegistrationFile again = RegistrationFile.read(registration);
        assertThat(again.asToken()).isEqualTo(written.asToken());
        assertThat(again.hsToken()).isEqualTo(written.hsToken());

        Run renewed = run("generate-registration", "-c", file.toString(), "--new-tokens");
        assertThat(renewed.code()).isZero();
        RegistrationFile fresh = RegistrationFile.read(registration);
        assertThat(fresh.asToken()).isNotEqualTo(written.asToken());

        List<String> everything = new ArrayList<>();
        for (Run r : List.of(first, second, renewed, run("check-config", "-c", file.toString()))) {
            everything.add(r.out());
            everything.add(r.err());
        }
        for (String token : List.of(written.asToken(), written.hsToken(), fresh.asToken(), fresh.hsToken())) {
            assertThat(String.join("\n", everything)).doesNotContain(token);
        }
    }

    @Test
    void generateRegistrationToAnotherPlaceSaysWhereComptoirLooks() throws IOException {
        Path file = config("homeserver: {server_name: example.org}");
        Path elsewhere = dir.resolve("synapse/comptoir-registration.yaml");
        Run r = run("generate-registration", "-c", file.toString(), "-o", elsewhere.toString());
        assertThat(r.code()).isZero();
        assertThat(elsewhere).exists();
        assertThat(r.out()).contains("Note: appservice.registration points to " + dir.resolve("registration.yaml"));
    }

    @Test
    void checkConfigWarnsWhenTheRegistrationIsOutOfDate() throws IOException {
        Path file = config("homeserver: {server_name: example.org}");
        run("generate-registration", "-c", file.toString());
        config(GOOD);
        Run r = run("check-config", "-c", file.toString());
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("Warning: the registration file " + dir.resolve("registration.yaml")
                + " is out of date (namespaces.users differ from what the enabled plugins claim)");
    }

    @Test
    void aMissingConfigFileGetsDirections() {
        Path missing = dir.resolve("comptoir.yaml");
        for (String command : List.of("run", "check-config", "generate-registration")) {
            Run r = run(command, "-c", missing.toString());
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err()).contains(missing + ": not found").contains("config/comptoir.example.yaml")
                    .contains("comptoir generate-registration");
        }
    }

    @Test
    void runRefusesToStartWithoutTheRegistration() throws IOException {
        Path file = config(GOOD);
        Run r = run("run", "-c", file.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("appservice.registration: file " + dir.resolve("registration.yaml")
                + " not found; run `comptoir generate-registration` first");
    }

    @Test
    void printsTheVersionAndTheUsage() {
        Run version = run("--version");
        assertThat(version.code()).isZero();
        assertThat(version.out().strip()).matches("comptoir \\d+\\.\\d+\\.\\d+.*");

        Run nothing = run();
        assertThat(nothing.code()).isEqualTo(2);
        assertThat(nothing.err()).contains("Usage: comptoir").contains("generate-registration").contains("check-config");

        assertThat(run("check-config", "--bogus").code()).isEqualTo(2);
    }
}
