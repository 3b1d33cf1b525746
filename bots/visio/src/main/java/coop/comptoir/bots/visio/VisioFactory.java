package coop.comptoir.bots.visio;

import coop.comptoir.api.command.CommandName;
import coop.comptoir.api.plugin.ConfigException;
import coop.comptoir.api.plugin.Plugin;
import coop.comptoir.api.plugin.PluginConfig;
import coop.comptoir.api.plugin.PluginContext;
import coop.comptoir.api.plugin.PluginFactory;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/** {@code type: visio}: {@code !visio} posts a video-call link (Jitsi Meet or BigBlueButton) for the room. */
public final class VisioFactory implements PluginFactory {
    @Override
    public String type() {
        return "visio";
    }

    @Override
    public void validate(PluginConfig config) {
        bind(config);
    }

    /** The names under {@code commands} ({@code [visio, video]} by default): a second instance gives its own. */
    @Override
    public List<CommandName> commands(PluginConfig config) {
        VisioConfig c = config.bind(VisioConfig.class);
        List<CommandName> names = new ArrayList<>();
        for (int i = 0; i < c.commands().size(); i++) {
            names.add(CommandName.of(c.commands().get(i), config.path() + ".commands[" + i + "]"));
        }
        return names;
    }

    @Override
    public Plugin create(PluginContext context) {
        return new VisioPlugin(context, bind(context.config()), new SecureRandom());
    }

    /**
     * Binds and checks the section; throws the first problem with the others suppressed, each naming
     * its key path.
     */
    static VisioConfig bind(PluginConfig config) {
        VisioConfig c = config.bind(VisioConfig.class);
        List<ConfigException> problems = c.problems(config.path());
        if (!problems.isEmpty()) {
            ConfigException first = problems.get(0);
            problems.subList(1, problems.size()).forEach(first::addSuppressed);
            throw first;
        }
        return c;
    }
}
