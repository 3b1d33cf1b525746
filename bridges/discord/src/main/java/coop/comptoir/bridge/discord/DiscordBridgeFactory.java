package coop.comptoir.bridge.discord;

import coop.comptoir.api.plugin.ConfigException;
import coop.comptoir.api.plugin.PluginContext;
import coop.comptoir.bridge.api.BridgeFactory;
import coop.comptoir.bridge.api.BridgeSettings;
import coop.comptoir.bridge.api.NetworkConnector;
import java.util.List;
import java.util.Optional;

/**
 * {@code type: discord}: a Matrix ↔ Discord bridge through a bot account and channel webhooks. The
 * engine binds the keys every bridge has; this factory adds Discord's own ({@link DiscordConfig}).
 */
public final class DiscordBridgeFactory extends BridgeFactory<DiscordConfig> {
    public DiscordBridgeFactory() {
        super(JdaDiscordConnector.NETWORK, "Discord", DiscordConfig.class);
    }

    @Override
    protected List<ConfigException> problems(DiscordConfig config, String path) {
        return config.problems(path);
    }

    @Override
    protected Optional<String> channelProblem(String channel) {
        return DiscordConfig.isSnowflake(channel) ? Optional.empty() : Optional.of("expected a Discord channel ID (digits only)");
    }

    @Override
    protected NetworkConnector connector(DiscordConfig config, BridgeSettings settings, PluginContext context) {
        return new JdaDiscordConnector(config, context.texts().withLanguage(settings.language()), context.http(), context.log(),
                ThreadPlaces.stored(context.database(), context.instanceId()));
    }
}
