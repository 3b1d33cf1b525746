package coop.comptoir.bridge.imports;

import coop.comptoir.api.command.CommandName;
import coop.comptoir.api.config.Problems;
import coop.comptoir.api.plugin.Namespaces;
import coop.comptoir.api.plugin.Plugin;
import coop.comptoir.api.plugin.PluginConfig;
import coop.comptoir.api.plugin.PluginContext;
import coop.comptoir.api.plugin.PluginFactory;
import java.util.List;

/**
 * The {@code migration} plugin type: {@code !migration} imports history from export files.
 * Its ghosts live in the exclusive namespace {@code @_import_…}.
 */
public final class MigrationFactory implements PluginFactory<MigrationFactory.MigrationConfig> {
    static final String COMMAND = "migration";
    static final int DEFAULT_PROGRESS_EVERY = 500;

    /**
     * The section: {@code progress_every} (optional), the messages between two progress notices.
     *
     * @param progressEvery null for {@value #DEFAULT_PROGRESS_EVERY}
     */
    public record MigrationConfig(Integer progressEvery) {
        int progressEveryOrDefault() {
            return progressEvery == null ? DEFAULT_PROGRESS_EVERY : progressEvery;
        }
    }

    @Override
    public String type() {
        return "migration";
    }

    @Override
    public Class<MigrationConfig> configType() {
        return MigrationConfig.class;
    }

    @Override
    public void validate(MigrationConfig config, Problems problems) {
        if (config.progressEvery() != null && config.progressEvery() < 1) {
            problems.add("progress_every", "must be a whole number of messages, 1 or more");
        }
    }

    @Override
    public Namespaces namespaces(MigrationConfig config, PluginConfig section) {
        return Namespaces.exclusiveUsers(HistoryImport.GHOST_PREFIX, section.serverName());
    }

    @Override
    public List<CommandName> commands(MigrationConfig config, PluginConfig section) {
        return List.of(CommandName.of(COMMAND, section.path()));
    }

    @Override
    public Plugin create(MigrationConfig config, PluginContext context) {
        return new MigrationPlugin(context, config.progressEveryOrDefault());
    }
}
