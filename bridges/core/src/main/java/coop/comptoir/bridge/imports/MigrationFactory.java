package coop.comptoir.bridge.imports;

import coop.comptoir.api.command.CommandName;
import coop.comptoir.api.plugin.ConfigException;
import coop.comptoir.api.plugin.Namespaces;
import coop.comptoir.api.plugin.Plugin;
import coop.comptoir.api.plugin.PluginConfig;
import coop.comptoir.api.plugin.PluginContext;
import coop.comptoir.api.plugin.PluginFactory;
import java.util.List;

/**
 * The {@code migration} plugin type: {@code !migration} imports history from export files.
 * Config: {@code progress_every} (optional, messages between two progress notices, default 500).
 * Its ghosts live in the exclusive namespace {@code @_import_…}.
 */
public final class MigrationFactory implements PluginFactory {
    static final String COMMAND = "migration";
    static final int DEFAULT_PROGRESS_EVERY = 500;

    @Override
    public String type() {
        return "migration";
    }

    @Override
    public void validate(PluginConfig config) {
        progressEvery(config);
    }

    @Override
    public Namespaces namespaces(PluginConfig config) {
        return Namespaces.exclusiveUsers(HistoryImport.GHOST_PREFIX, config.serverName());
    }

    @Override
    public List<CommandName> commands(PluginConfig config) {
        return List.of(CommandName.of(COMMAND, config.path()));
    }

    @Override
    public Plugin create(PluginContext context) {
        return new MigrationPlugin(context, progressEvery(context.config()));
    }

    static int progressEvery(PluginConfig config) {
        var raw = config.raw();
        var it = raw.fieldNames();
        while (it.hasNext()) {
            String k = it.next();
            if (!List.of("type", "id", "progress_every").contains(k)) {
                throw new ConfigException(config.path() + "." + k, "unknown key (known: progress_every)");
            }
        }
        var n = raw.path("progress_every");
        if (n.isMissingNode() || n.isNull()) {
            return DEFAULT_PROGRESS_EVERY;
        }
        if (!n.canConvertToInt() || !n.isIntegralNumber() || n.asInt() < 1) {
            throw new ConfigException(config.path() + ".progress_every", "must be a whole number of messages, 1 or more");
        }
        return n.asInt();
    }
}
