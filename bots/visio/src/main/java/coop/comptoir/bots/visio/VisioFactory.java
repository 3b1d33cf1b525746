package coop.comptoir.bots.visio;

import coop.comptoir.api.command.CommandName;
import coop.comptoir.api.config.Problems;
import coop.comptoir.api.plugin.ConfigException;
import coop.comptoir.api.plugin.Plugin;
import coop.comptoir.api.plugin.PluginConfig;
import coop.comptoir.api.plugin.PluginContext;
import coop.comptoir.api.plugin.PluginFactory;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/** {@code type: visio}: {@code !visio} posts a video-call link (Jitsi Meet or BigBlueButton) for the room. */
public final class VisioFactory implements PluginFactory<VisioConfig> {
    @Override
    public String type() {
        return "visio";
    }

    @Override
    public Class<VisioConfig> configType() {
        return VisioConfig.class;
    }

    @Override
    public void validate(VisioConfig config, Problems problems) {
        config.problems(problems.path()).forEach(problems::addAll);
    }

    /** The names under {@code commands} ({@code [visio, video]} by default): a second instance gives its own. */
    public List<CommandName> commands(PluginConfig config) {
        return commands(config.bind(VisioConfig.class), config);
    }

    @Override
    public List<CommandName> commands(VisioConfig c, PluginConfig config) {
        List<CommandName> names = new ArrayList<>();
        for (int i = 0; i < c.commands().size(); i++) {
            names.add(CommandName.of(c.commands().get(i), config.path() + ".commands[" + i + "]"));
        }
        return names;
    }

    @Override
    public Plugin create(VisioConfig config, PluginContext context) {
        return new VisioPlugin(context, config, new SecureRandom());
    }

    /**
     * Binds and checks the section (for tests); throws one exception listing every problem with its key path.
     */
    static VisioConfig bind(PluginConfig config) {
        VisioConfig c = config.bind(VisioConfig.class);
        List<ConfigException> problems = c.problems(config.path());
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return c;
    }
}
