package coop.comptoir.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonProperty;
import coop.comptoir.Main;
import coop.comptoir.api.plugin.Plugin;
import coop.comptoir.api.plugin.PluginConfig;
import coop.comptoir.api.plugin.PluginContext;
import coop.comptoir.api.plugin.PluginFactory;
import coop.comptoir.internal.config.PluginCatalog;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The admin commands read the service's environment file, as the unit does, so that a secret kept
 * there (not in the shell's environment) is found by {@code check-config} and
 * {@code generate-registration}; the real environment wins; no value is ever printed.
 */
class EnvFileCliTest {
    private static final String TOKEN = "s3cr3t-discord-token-0123456789";

    @TempDir
    Path dir;

    /** A plugin with a required secret, as the Discord bridge's {@code token: ${DISCORD_TOKEN}}. */
    static final class SecretFactory implements PluginFactory<SecretFactory.Settings> {
        record Settings(@JsonProperty(required = true) String token) {}

        @Override
        public Class<Settings> configType() {
            return Settings.class;
        }

        @Override
        public String type() {
            return "secretive";
        }

        @Override
        public void validate(Settings config, coop.comptoir.api.config.Problems problems) {
            if (!config.token().equals(TOKEN)) {
                problems.add("token", "not the expected token");
            }
        }

        @Override
        public Plugin create(Settings config, PluginContext context) {
            return new Plugin() {};
        }
    }

    private record Run(int code, String out, String err) {}

    private Run run(Map<String, String> env, Path defaultEnvFile, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = Main.commandLine(new CliContext(env, () -> new PluginCatalog(List.of(new SecretFactory())), defaultEnvFile));
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        int code = cmd.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private Path config() throws IOException {
        Path file = dir.resolve("comptoir.yaml");
        Files.writeString(file, """
                homeserver: {server_name: example.org}
                plugins:
                  - type: secretive
                    token: ${DISCORD_TOKEN}
                """);
        return file;
    }

    private Path envFile(String text) throws IOException {
        Path file = dir.resolve("comptoir.env");
        Files.writeString(file, text);
        return file;
    }

    @Test
    void withoutTheFileTheSecretIsMissing() throws IOException {
        Run r = run(Map.of(), null, "generate-registration", "-c", config().toString());

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("DISCORD_TOKEN");
    }

    @Test
    void theDefaultEnvironmentFileGivesTheSecretToGenerateRegistrationAndCheckConfig() throws IOException {
        Path config = config();
        Path env = envFile("""
                # secrets
                DISCORD_TOKEN=%s

                ; another comment
                """.formatted(TOKEN));

        Run generated = run(Map.of(), env, "generate-registration", "-c", config.toString());
        Run checked = run(Map.of(), env, "check-config", "-c", config.toString());

        assertThat(generated.code()).as(generated.err()).isZero();
        assertThat(checked.code()).as(checked.err()).isZero();
        assertThat(checked.out()).startsWith("Configuration OK").contains("secretive");
        assertThat(generated.out() + generated.err() + checked.out() + checked.err()).doesNotContain(TOKEN);
    }

    @Test
    void theEnvFileOptionGivesTheFileAndQuotesAndExportAreUnderstood() throws IOException {
        Path config = config();
        Path env = dir.resolve("other.env");
        Files.writeString(env, "export DISCORD_TOKEN=\"" + TOKEN + "\"\n");
        assertThat(run(Map.of(), null, "generate-registration", "-c", config.toString(), "--env-file", env.toString()).code()).isZero();

        Run r = run(Map.of(), null, "check-config", "-c", config.toString(), "--env-file", env.toString());

        assertThat(r.err()).isEmpty();
        assertThat(r.code()).isZero();
    }

    @Test
    void theRealEnvironmentWinsOverTheFile() throws IOException {
        Path config = config();
        Path env = envFile("DISCORD_TOKEN='" + TOKEN + "'\n");

        Run r = run(Map.of("DISCORD_TOKEN", "from-the-shell"), env, "check-config", "-c", config.toString());

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("plugins[0].token: not the expected token").doesNotContain("from-the-shell");
    }

    @Test
    void aBadLineIsNamedByNumberWithoutItsText() throws IOException {
        Path env = envFile("DISCORD_TOKEN=" + TOKEN + "\nthis line holds " + TOKEN + " by mistake\n");

        Run r = run(Map.of(), env, "check-config", "-c", config().toString());

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains(env + ", line 2: expected NAME=value").doesNotContain(TOKEN);
    }

    @Test
    void aMissingEnvFileOptionIsAnError() throws IOException {
        Run r = run(Map.of(), null, "check-config", "-c", config().toString(), "--env-file", dir.resolve("nope.env").toString());

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--env-file: file " + dir.resolve("nope.env") + " not found");
    }

    @Test
    void anUnreadableDefaultFileIsSaidAndSkipped() throws IOException {
        Path env = envFile("DISCORD_TOKEN=" + TOKEN + "\n");
        Files.setPosixFilePermissions(env, PosixFilePermissions.fromString("---------"));
        org.junit.jupiter.api.Assumptions.assumeFalse(Files.isReadable(env), "running as root: every file is readable");

        Run r = run(Map.of(), env, "check-config", "-c", config().toString());

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains(env + " cannot be read by this user").contains("DISCORD_TOKEN");
    }
}
