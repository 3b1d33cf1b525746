package coop.comptoir.internal.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/** {@code --config FILE} and {@code --env-file FILE}, shared by the commands. */
public final class ConfigOption {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE", defaultValue = "${COMPTOIR_CONFIG:-comptoir.yaml}",
            description = "Configuration file (default: ${DEFAULT-VALUE}; the installed command sets COMPTOIR_CONFIG"
                    + " to /etc/comptoir/comptoir.yaml).")
    Path file;

    @Option(names = "--env-file", paramLabel = "FILE",
            description = {"NAME=value lines for the $${NAME} of the configuration, as the service's EnvironmentFile",
                    "(default: /etc/comptoir/comptoir.env when it exists and can be read). The real environment wins."})
    Path envFile;

    /**
     * The file when {@code --config} is not given, as the parser works it out from the option's
     * default {@code ${COMPTOIR_CONFIG:-comptoir.yaml}}: the system property, else the environment
     * variable, else {@code comptoir.yaml}.
     */
    static String defaultFile() {
        String value = System.getProperty("COMPTOIR_CONFIG");
        if (value == null) {
            value = System.getenv("COMPTOIR_CONFIG");
        }
        return value == null ? "comptoir.yaml" : value;
    }

    /** The file, absolute. */
    Path file() {
        return file.toAbsolutePath().normalize();
    }

    /**
     * The environment for {@code ${NAME}}: the environment file's values under the process's own.
     * The default file is skipped when absent; when present but unreadable, a note says so on
     * {@code err} (the secrets it holds will then be reported missing). Never prints a value.
     *
     * @throws coop.comptoir.internal.config.ConfigErrors when {@code --env-file} cannot be read or
     *     has a bad line
     */
    Map<String, String> env(CliContext context, PrintWriter err) {
        Path chosen = envFile;
        if (chosen == null) {
            Path fallback = context.defaultEnvFile();
            if (fallback == null || !Files.exists(fallback)) {
                return context.env();
            }
            if (!Files.isReadable(fallback)) {
                err.println("comptoir: note: " + fallback + " cannot be read by this user, its variables are not used"
                        + " (run as root, or as a member of group comptoir)");
                err.flush();
                return context.env();
            }
            chosen = fallback;
        }
        return EnvFile.under(EnvFile.read(chosen.toAbsolutePath().normalize()), context.env());
    }
}
