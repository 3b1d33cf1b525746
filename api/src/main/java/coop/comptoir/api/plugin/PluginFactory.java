package coop.comptoir.api.plugin;

import coop.comptoir.api.command.CommandName;
import coop.comptoir.api.config.Problems;
import java.util.List;

/**
 * Makes instances of one plugin type from its typed config. Found with
 * {@link java.util.ServiceLoader}: list the implementation in
 * {@code META-INF/services/coop.comptoir.api.plugin.PluginFactory}.
 *
 * <p>One type may run as several instances, each with its own config section
 * ({@code plugins: [{type: welcome, id: accueil, …}, …]}). The runtime binds each section once to
 * {@link #configType()} (snake_case keys, unknown keys refused, every error with its key path;
 * {@link coop.comptoir.api.config.RoomRef}, {@link coop.comptoir.api.config.Secret},
 * {@link java.time.Duration} and {@link java.time.ZoneId} components checked), then calls
 * {@link #validate} for the checks that need several values, and hands the same bound object to
 * {@link #namespaces}, {@link #commands} and {@link #create}. A section that does not bind, or
 * with problems, never reaches them.
 *
 * @param <C> the config record of one instance's section
 */
public interface PluginFactory<C> {
    /** The type name used in the config ({@code type: welcome}). Lower case, stable. */
    String type();

    /**
     * The record the section binds to (without {@code type}, {@code id} and {@code enabled}).
     * Its compact constructor may fill defaults; it should not throw for a user's mistake (report
     * it in {@link #validate}, where every problem is collected).
     */
    Class<C> configType();

    /**
     * Checks what binding cannot: ranges, values that depend on each other. Add every problem to
     * {@code problems}, whose path is the section's ({@code problems.at("rooms").at(0).add("room", …)});
     * {@link Problems#warn} for a deprecated key. Called by {@code check-config} and before
     * {@link #create}. Must not do I/O; should not throw.
     */
    default void validate(C config, Problems problems) {}

    /**
     * Same as {@link #validate(Object, Problems)}, with the section at hand: for a factory whose
     * config is kept as a tree ({@code JsonNode}) and bound in parts with {@link PluginConfig#bind}
     * (the bridge engine splits its keys from a connector's). The runtime calls this one; by
     * default it calls {@link #validate(Object, Problems)}. Must not do I/O; should not throw.
     */
    default void validate(C config, PluginConfig section, Problems problems) {
        validate(config, problems);
    }

    /**
     * The Matrix IDs this instance owns: they go in the registration's namespaces, and the
     * homeserver's user and alias queries in them reach this instance. Called only with a valid
     * config. Must not do I/O.
     *
     * @param section the section's key path and the homeserver's name
     */
    default Namespaces namespaces(C config, PluginConfig section) {
        return Namespaces.NONE;
    }

    /**
     * The command names and aliases this instance will register, each with the key path that sets
     * it ({@link PluginConfig#path()} is the section's): {@code check-config} and the start-up
     * refuse two instances claiming one name, naming both. Give every name the instance may
     * register. Called only with a valid config. Must not do I/O.
     */
    default List<CommandName> commands(C config, PluginConfig section) {
        return List.of();
    }

    /**
     * Creates a started-to-be instance from its checked config. Everything it may use comes with
     * {@code context}; it subscribes to events and registers commands here. May block briefly (no
     * network waits); may throw, which stops start-up with the plugin named.
     */
    Plugin create(C config, PluginContext context) throws Exception;
}
