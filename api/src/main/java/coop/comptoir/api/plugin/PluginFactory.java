package coop.comptoir.api.plugin;

import com.fasterxml.jackson.databind.JsonNode;
import coop.comptoir.api.command.CommandName;
import java.util.List;

/**
 * Makes instances of one plugin type. Found with {@link java.util.ServiceLoader}: list the
 * implementation in {@code META-INF/services/coop.comptoir.api.plugin.PluginFactory}.
 *
 * <p>One type may run as several instances, each with its own config section
 * ({@code plugins: [{type: welcome, id: accueil, …}, …]}).
 */
public interface PluginFactory {
    /** The type name used in the config ({@code type: welcome}). Lower case, stable. */
    String type();

    /**
     * Checks an instance's config section without starting anything; called by {@code check-config}
     * and before {@link #create}. Throw {@link coop.comptoir.api.plugin.ConfigException} naming the
     * key path and the reason. Must not do I/O.
     */
    default void validate(PluginConfig config) {}

    /**
     * The Matrix IDs this instance owns: they go in the registration's namespaces, and the
     * homeserver's user and alias queries in them reach this instance. Must not do I/O.
     */
    default Namespaces namespaces(PluginConfig config) {
        return Namespaces.NONE;
    }

    /**
     * The command names and aliases this instance will register, each with the key path that sets
     * it: {@code check-config} and the start-up refuse two instances claiming one name, naming
     * both. Give every name the instance may register (a name left out is still checked, but only
     * when registered, with a less precise error). Must not do I/O.
     */
    default List<CommandName> commands(PluginConfig config) {
        return List.of();
    }

    /**
     * Creates a started-to-be instance. Everything it may use comes with {@code context}; it
     * subscribes to events and registers commands here. May block briefly (no network waits);
     * may throw, which stops start-up with the plugin named.
     */
    Plugin create(PluginContext context) throws Exception;

    /** Convenience for factories: the raw section. */
    default JsonNode rawSection(PluginConfig config) {
        return config.raw();
    }
}
