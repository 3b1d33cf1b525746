package coop.comptoir.bridge.discord;

import coop.comptoir.api.command.CommandName;
import coop.comptoir.api.config.Problems;
import coop.comptoir.api.plugin.Namespaces;
import coop.comptoir.api.plugin.Plugin;
import coop.comptoir.api.plugin.PluginConfig;
import coop.comptoir.api.plugin.PluginContext;
import coop.comptoir.api.plugin.PluginFactory;
import coop.comptoir.bridge.api.BridgeSettings;
import coop.comptoir.bridge.api.Bridges;
import coop.comptoir.bridge.api.RemoteChannelId;
import coop.comptoir.api.text.TextSettings;
import java.util.List;

/** {@code type: discord}: a Matrix ↔ Discord bridge through a bot account and channel webhooks. */
public final class DiscordBridgeFactory implements PluginFactory<DiscordConfig> {
    @Override
    public String type() {
        return "discord";
    }

    @Override
    public Class<DiscordConfig> configType() {
        return DiscordConfig.class;
    }

    @Override
    public void validate(DiscordConfig config, Problems problems) {
        config.problems(problems.path()).forEach(problems::addAll);
    }

    @Override
    public Namespaces namespaces(DiscordConfig config, PluginConfig section) {
        return Namespaces.exclusiveUsers(config.ghostPrefix(), section.serverName());
    }

    /** {@code !bridge}, served together with every other bridge instance. */
    @Override
    public List<CommandName> commands(DiscordConfig config, PluginConfig section) {
        return Bridges.commands(section);
    }

    @Override
    public Plugin create(DiscordConfig c, PluginContext context) {
        TextSettings texts = context.texts().withLanguage(c.language());
        JdaDiscordConnector connector = new JdaDiscordConnector(c, context.http(), context.log(),
                ThreadPlaces.stored(context.database(), context.instanceId()), texts);
        return Bridges.create(context, connector, settings(c, texts.language()));
    }

    /** The bridge settings, in the section's language (French when it gives none). */
    static BridgeSettings settings(DiscordConfig c) {
        return settings(c, c.language() == null ? "fr" : c.language());
    }

    static BridgeSettings settings(DiscordConfig c, String language) {
        List<BridgeSettings.StaticLink> links = c.links().stream()
                .map(l -> new BridgeSettings.StaticLink(l.room(), new RemoteChannelId(l.channel())))
                .toList();
        return new BridgeSettings(c.ghostPrefix(), c.ghostName(), links, c.maxRetryDelay(), language, c.publicUri(),
                c.redactMatrixOriginals());
    }
}
