package coop.comptoir.bots.shifts.source;

import com.fasterxml.jackson.databind.JsonNode;
import coop.comptoir.api.plugin.PluginConfig;
import coop.comptoir.testing.PluginConfigs;
import java.util.Map;

/** Plugin sections bound by the runtime's own binder, as in production. */
public final class Sections {
    private Sections() {}

    /** A section holding {@code raw} at {@code path}. */
    public static PluginConfig of(String path, JsonNode raw) {
        return PluginConfigs.of("shifts", path, raw, "coop.example");
    }

    /** The first plugin section of a config file holding {@code yaml}, with {@code ${NAME}} taken from {@code env}. */
    public static PluginConfig parse(String yaml, Map<String, String> env) {
        String file = "homeserver: {server_name: coop.example}\nplugins:\n  - type: shifts\n" + yaml.indent(4);
        return PluginConfigs.firstPlugin(file, env);
    }

    /** A context for sources of a section at {@code plugins[0]}. */
    public static ShiftSources.Context context(java.time.ZoneId zone, coop.comptoir.bots.shifts.WeekCycle cycle) {
        return new ShiftSources.Context(of("plugins[0]", com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()),
                "plugins[0].source", zone, cycle, null);
    }
}
