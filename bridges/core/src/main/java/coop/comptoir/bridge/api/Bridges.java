package coop.comptoir.bridge.api;

import coop.comptoir.api.plugin.Plugin;
import coop.comptoir.api.plugin.PluginContext;

/** Builds the plugin instance of a bridge: the engine around one connector. */
public final class Bridges {
    private Bridges() {}

    /**
     * The bridge for {@code connector}, to return from the connector's
     * {@link coop.comptoir.api.plugin.PluginFactory#create}. The engine creates its tables,
     * registers the {@code !bridge} commands and subscribes to the portal rooms' events; the
     * connector is started from {@link Plugin#start()} and closed with the plugin.
     */
    public static Plugin create(PluginContext context, NetworkConnector connector, BridgeSettings settings) {
        throw new UnsupportedOperationException("the bridge engine is not built yet");
    }
}
