package coop.comptoir.bridge.rocketchat;

import coop.comptoir.api.command.CommandName;
import coop.comptoir.api.plugin.ConfigException;
import coop.comptoir.api.plugin.Namespaces;
import coop.comptoir.api.plugin.Plugin;
import coop.comptoir.api.plugin.PluginConfig;
import coop.comptoir.api.plugin.PluginContext;
import coop.comptoir.api.plugin.PluginFactory;
import coop.comptoir.api.text.TextSettings;
import coop.comptoir.bridge.api.BridgeSettings;
import coop.comptoir.bridge.api.Bridges;
import coop.comptoir.bridge.api.RemoteChannelId;
import coop.comptoir.bridge.rocketchat.format.RocketMarkdown;
import java.util.List;
import java.util.stream.Collectors;

/** {@code type: rocketchat}: a Matrix ↔ Rocket.Chat bridge through a bot user's personal access token. */
public final class RocketChatBridgeFactory implements PluginFactory {
    @Override
    public String type() {
        return "rocketchat";
    }

    @Override
    public void validate(PluginConfig config) {
        bind(config);
    }

    @Override
    public Namespaces namespaces(PluginConfig config) {
        return Namespaces.exclusiveUsers(bind(config).ghostPrefix(), config.serverName());
    }

    /** {@code !bridge}, served together with every other bridge instance. */
    @Override
    public List<CommandName> commands(PluginConfig config) {
        return Bridges.commands(config);
    }

    @Override
    public Plugin create(PluginContext context) {
        RocketChatConfig c = bind(context.config());
        TextSettings texts = context.texts().withLanguage(c.language());
        RocketChatConnector connector = new RocketChatConnector(c, context.http(), context.log(), new RocketMarkdown(), texts);
        return Bridges.create(context, connector, settings(c, texts.language()));
    }

    /** The bridge settings, in the section's language (French when it gives none). */
    static BridgeSettings settings(RocketChatConfig c) {
        return settings(c, c.language() == null ? "fr" : c.language());
    }

    static BridgeSettings settings(RocketChatConfig c, String language) {
        List<BridgeSettings.StaticLink> links = c.links().stream()
                .map(l -> new BridgeSettings.StaticLink(l.room(), new RemoteChannelId(l.channel())))
                .toList();
        return new BridgeSettings(c.ghostPrefix(), c.ghostName(), links, c.maxRetryDelay(), language, c.publicUri(),
                c.redactMatrixOriginals());
    }

    static RocketChatConfig bind(PluginConfig config) {
        RocketChatConfig c = config.bind(RocketChatConfig.class);
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
