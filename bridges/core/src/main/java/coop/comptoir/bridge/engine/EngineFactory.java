package coop.comptoir.bridge.engine;

import coop.comptoir.api.plugin.Plugin;
import coop.comptoir.api.plugin.PluginContext;
import coop.comptoir.bridge.api.BridgeSettings;
import coop.comptoir.bridge.api.NetworkConnector;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The engine's only public entry, for {@link coop.comptoir.bridge.api.Bridges#create}: connectors
 * use the {@code api} package, never this one.
 */
public final class EngineFactory {
    private EngineFactory() {}

    /** The group every bridge instance's {@code !bridge} command belongs to. */
    public static final String COMMAND_GROUP = BridgeCommand.GROUP;

    /** The names and aliases of the commands every bridge serves: {@code !bridge}, {@code !link}, {@code !unlink}. */
    public static List<String> commandNames() {
        List<String> names = new ArrayList<>();
        names.add(BridgeCommand.NAME);
        names.addAll(BridgeCommand.ALIASES);
        names.addAll(LinkCommand.names());
        return List.copyOf(names);
    }

    /** The bridge instances running in {@code context}'s runtime, in the order they started. */
    public static List<coop.comptoir.bridge.api.RunningBridge> running(PluginContext context) {
        return BridgeCommand.running(context);
    }

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
