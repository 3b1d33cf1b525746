package coop.comptoir.internal.cli;

import coop.comptoir.internal.config.PluginCatalog;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What the commands take from the outside world, so that tests can give their own.
 *
 * @param env the environment for {@code ${NAME}} references in the config
 * @param plugins the plugin types available (discovered only when a command needs them)
 * @param defaultEnvFile the environment file read when {@code --env-file} is not given and it
 *     exists, or null for none
 */
public record CliContext(Map<String, String> env, Supplier<PluginCatalog> plugins, Path defaultEnvFile) {
    /** Where the package puts the service's environment file. */
    public static final Path INSTALLED_ENV_FILE = Path.of("/etc/comptoir/comptoir.env");

    /** Without a default environment file. */
    public CliContext(Map<String, String> env, Supplier<PluginCatalog> plugins) {
        this(env, plugins, null);
    }

    /** The process's environment, the plugins listed by {@code ServiceLoader}, the installed environment file. */
    public static CliContext system() {
        return new CliContext(System.getenv(), PluginCatalog::discover, INSTALLED_ENV_FILE);
    }
}
