package coop.comptoir.bots.forum;

import coop.comptoir.api.command.CommandName;
import coop.comptoir.api.plugin.ConfigException;
import coop.comptoir.api.plugin.Plugin;
import coop.comptoir.api.plugin.PluginConfig;
import coop.comptoir.api.plugin.PluginContext;
import coop.comptoir.api.plugin.PluginFactory;
import java.util.List;
import java.util.stream.Collectors;

/** {@code type: forum}: Discourse topics announced in Matrix rooms. */
public final class ForumPluginFactory implements PluginFactory {
    @Override
    public String type() {
        return "forum";
    }

    @Override
    public void validate(PluginConfig config) {
        bind(config);
    }

    /** The name under {@code command} ({@code forum} by default): a second instance gives its own. */
    @Override
    public List<CommandName> commands(PluginConfig config) {
        String name = config.bind(ForumConfig.class).command();
        return name.isEmpty() ? List.of() : List.of(CommandName.of(name, config.path() + ".command"));
    }

    @Override
    public Plugin create(PluginContext context) {
        return new ForumPlugin(context, bind(context.config()));
    }

    private static ForumConfig bind(PluginConfig config) {
        ForumConfig c = config.bind(ForumConfig.class);
        List<ConfigException> problems = c.problems(config.path());
        if (problems.size() == 1) {
            throw problems.get(0);
        }
        if (!problems.isEmpty()) {
            ConfigException first = problems.get(0);
            String others = problems.stream().skip(1).map(ConfigException::getMessage).collect(Collectors.joining("; "));
            throw new ConfigException(first.path(), first.getMessage().substring(first.path().length() + 2) + " (also: " + others + ")");
        }
        return c;
    }
}
