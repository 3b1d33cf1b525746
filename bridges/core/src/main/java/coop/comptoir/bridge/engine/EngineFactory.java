package coop.comptoir.bridge.engine;

import coop.comptoir.api.plugin.Plugin;
import coop.comptoir.api.plugin.PluginContext;
import coop.comptoir.bridge.api.BridgeSettings;
import coop.comptoir.bridge.api.NetworkConnector;
import java.util.Objects;

/**
 * The engine's only public entry, for {@link coop.comptoir.bridge.api.Bridges#create}: connectors
 * use the {@code api} package, never this one.
 */
public final class EngineFactory {
    private EngineFactory() {}

    public static Plugin create(PluginContext context, NetworkConnector connector, BridgeSettings settings) {
        return create(context, connector, settings, Engine.BATCH);
    }

    /** Same, with the history import's batch size (tests use small ones). */
    static Plugin create(PluginContext context, NetworkConnector connector, BridgeSettings settings, int importBatch) {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(connector, "connector");
        Objects.requireNonNull(settings, "settings");
        return new Engine(context, connector, settings, importBatch);
    }
}
