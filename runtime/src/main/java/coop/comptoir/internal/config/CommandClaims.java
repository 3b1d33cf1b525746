package coop.comptoir.internal.config;

import coop.comptoir.api.command.CommandName;
import coop.comptoir.api.plugin.ConfigException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Checks, before any instance is created, that no two instances claim the same command name
 * ({@link coop.comptoir.api.plugin.PluginFactory#commands}): each clash is reported on the key path
 * of the second claim, naming the first instance and its key path. Names of one group (served
 * together, like {@code !bridge}) do not clash with each other.
 */
final class CommandClaims {
    /** Answered by the runtime itself. */
    static final Set<String> RESERVED = Set.of("aide", "help");

    private record Claim(String instance, CommandName name) {}

    private CommandClaims() {}

    static void check(List<PluginCatalog.Instance> instances, String prefix, List<ConfigException> errors) {
        String p = prefix == null ? "!" : prefix;
        Map<String, Claim> seen = new HashMap<>();
        for (PluginCatalog.Instance instance : instances) {
            List<CommandName> names;
            try {
                names = instance.commands();
            } catch (RuntimeException e) {
                errors.add(new ConfigException(instance.section().path(), "the commands of plugin type "
                        + instance.section().type() + " could not be listed: " + e.getMessage()));
                continue;
            }
            for (CommandName n : names) {
                String key = n.name().toLowerCase(Locale.ROOT);
                if (RESERVED.contains(key)) {
                    errors.add(new ConfigException(n.path(), p + key + " is Comptoir's own help command; choose another name"));
                    continue;
                }
                Claim first = seen.putIfAbsent(key, new Claim(instance.id(), n));
                // Within one instance, the factory's own validation reports a name given twice.
                if (first == null || first.instance.equals(instance.id())
                        || n.group() != null && n.group().equals(first.name.group())) {
                    continue;
                }
                errors.add(new ConfigException(n.path(), "command " + p + key + " of instance \"" + instance.id()
                        + "\" is already taken by instance \"" + first.instance + "\" (" + first.name.path()
                        + "); give one of them another name"));
            }
        }
    }
}
