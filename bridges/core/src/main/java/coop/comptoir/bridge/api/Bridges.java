package coop.comptoir.bridge.api;

import coop.comptoir.api.command.CommandName;
import coop.comptoir.api.plugin.Plugin;
import coop.comptoir.api.plugin.PluginConfig;
import coop.comptoir.api.plugin.PluginContext;
import coop.comptoir.bridge.engine.EngineFactory;
import java.util.List;

/** Builds the plugin instance of a bridge: the engine around one connector. */
public final class Bridges {
    private Bridges() {}

    /**
     * The bridge for {@code connector}, to return from the connector's
     * {@link coop.comptoir.api.plugin.PluginFactory#create}. The engine creates its tables,
     * registers the {@code !bridge} commands and subscribes to the portal rooms' events; the
     * connector is started from {@link Plugin#start()} and closed with the plugin.
     *
     * <p>The plugin answers the homeserver's user queries for ghosts it has seen; the factory must
     * declare the ghosts' namespace ({@code Namespaces.exclusiveUsers(settings.ghostPrefix(), server)}).
     * A connector's factory extending {@link BridgeFactory} does all this (config, namespace,
     * commands) and calls this method itself.
     */
    public static Plugin create(PluginContext context, NetworkConnector connector, BridgeSettings settings) {
        return EngineFactory.create(context, connector, settings);
    }

    /**
     * The bridge instances running in {@code context}'s runtime (whatever plugin asks), in the order
     * they started; empty before any bridge started. A snapshot: ask again for each command. No I/O.
     */
    public static List<RunningBridge> running(PluginContext context) {
        return EngineFactory.running(context);
    }

    /**
     * The commands a bridge instance serves ({@code !bridge}, {@code !pont}), to return from the
     * connector's {@link coop.comptoir.api.plugin.PluginFactory#commands}: every bridge instance
     * serves them together, so two bridges never clash, but another plugin claiming them does.
     */
    public static List<CommandName> commands(PluginConfig config) {
        return EngineFactory.commandNames().stream().map(n -> CommandName.shared(n, config.path(), EngineFactory.COMMAND_GROUP))
                .toList();
    }
}
