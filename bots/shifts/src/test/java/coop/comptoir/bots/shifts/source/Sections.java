package coop.comptoir.bots.shifts.source;

import com.fasterxml.jackson.databind.JsonNode;
import coop.comptoir.api.plugin.PluginConfig;
import coop.comptoir.internal.config.ComptoirConfig.PluginSection;
import coop.comptoir.internal.config.ConfigLoader;
import coop.comptoir.internal.config.PluginConfigImpl;
import java.nio.file.Path;
import java.util.Map;

/** Plugin sections bound by the runtime's own binder, as in production. */
public final class Sections {
    private Sections() {}

    /** A section holding {@code raw} at {@code path}. */
    public static PluginConfig of(String path, JsonNode raw) {
        return new PluginConfigImpl(new PluginSection("shifts", "shifts", true, raw, path), "coop.example");
    }

    /** The first plugin section of a config file holding {@code yaml}, with {@code ${NAME}} taken from {@code env}. */
    public static PluginConfig parse(String yaml, Map<String, String> env) {
        String file = "homeserver: {server_name: coop.example}\nplugins:\n  - type: shifts\n" + yaml.indent(4);
        var config = ConfigLoader.parse(file, Path.of("."), env);
        return new PluginConfigImpl(config.plugins().get(0), config.homeserver().serverName());
    }

    /** A context for sources of a section at {@code plugins[0]}. */
    public static ShiftSources.Context context(java.time.ZoneId zone, coop.comptoir.bots.shifts.WeekCycle cycle) {
        return new ShiftSources.Context(of("plugins[0]", com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()),
                "plugins[0].source", zone, cycle, null);
    }
}
