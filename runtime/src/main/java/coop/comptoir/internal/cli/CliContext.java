package coop.comptoir.internal.cli;

import coop.comptoir.internal.config.PluginCatalog;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What the commands take from the outside world, so that tests can give their own.
 *
 * @param env the environment for {@code ${NAME}} references in the config
 * @param plugins the plugin types available (discovered only when a command needs them)
 */
public record CliContext(Map<String, String> env, Supplier<PluginCatalog> plugins) {
    /** The process's environment and the plugins listed by {@code ServiceLoader}. */
    public static CliContext system() {
        return new CliContext(System.getenv(), PluginCatalog::discover);
    }
}
