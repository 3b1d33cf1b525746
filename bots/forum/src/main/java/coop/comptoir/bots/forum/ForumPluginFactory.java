package coop.comptoir.bots.forum;

import coop.comptoir.api.command.CommandName;
import coop.comptoir.api.config.Problems;
import coop.comptoir.api.plugin.Plugin;
import coop.comptoir.api.plugin.PluginConfig;
import coop.comptoir.api.plugin.PluginContext;
import coop.comptoir.api.plugin.PluginFactory;
import java.util.List;

/** {@code type: forum}: Discourse topics announced in Matrix rooms. */
public final class ForumPluginFactory implements PluginFactory<ForumConfig> {
    @Override
    public String type() {
        return "forum";
    }

    @Override
    public Class<ForumConfig> configType() {
        return ForumConfig.class;
    }

    @Override
    public void validate(ForumConfig config, Problems problems) {
        config.check(problems);
    }

    /** The name under {@code command} ({@code forum} by default): a second instance gives its own. */
    @Override
    public List<CommandName> commands(ForumConfig config, PluginConfig section) {
        String name = config.command();
        return name.isEmpty() ? List.of() : List.of(CommandName.of(name, section.path() + ".command"));
    }

    @Override
    public Plugin create(ForumConfig config, PluginContext context) {
        return new ForumPlugin(context, config);
    }
}
