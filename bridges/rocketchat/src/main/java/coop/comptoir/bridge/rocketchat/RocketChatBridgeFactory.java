package coop.comptoir.bridge.rocketchat;

import coop.comptoir.api.plugin.ConfigException;
import coop.comptoir.api.plugin.PluginContext;
import coop.comptoir.bridge.api.BridgeFactory;
import coop.comptoir.bridge.api.BridgeSettings;
import coop.comptoir.bridge.api.NetworkConnector;
import coop.comptoir.bridge.rocketchat.format.RocketMarkdown;
import java.util.List;
import java.util.Optional;

/**
 * {@code type: rocketchat}: a Matrix ↔ Rocket.Chat bridge through a bot user's personal access token.
 * The engine binds the keys every bridge has; this factory adds Rocket.Chat's own ({@link RocketChatConfig}).
 */
public final class RocketChatBridgeFactory extends BridgeFactory<RocketChatConfig> {
    public RocketChatBridgeFactory() {
        super(RocketChatConnector.NETWORK, "Rocket.Chat", RocketChatConfig.class);
    }

    @Override
    protected List<ConfigException> problems(RocketChatConfig config, String path) {
        return config.problems(path);
    }

    @Override
    protected Optional<String> channelProblem(String channel) {
        return RocketChatConfig.isId(channel) ? Optional.empty() : Optional.of("expected a Rocket.Chat room ID (letters and digits)");
    }

    @Override
    protected NetworkConnector connector(RocketChatConfig config, BridgeSettings settings, PluginContext context) {
        return new RocketChatConnector(config, context.http(), context.log(), new RocketMarkdown(),
                context.texts().withLanguage(settings.language()));
    }
}
