package coop.comptoir.bridge.discord;

import static org.assertj.core.api.Assertions.assertThat;

import coop.comptoir.bridge.testing.RecordingHost;
import coop.comptoir.testing.discord.FakeDiscord;
import okhttp3.OkHttpClient;
import org.slf4j.LoggerFactory;

/** A connector on the fake Discord, started and stopped as the tests of this module do it. */
final class ConnectorOnFake {
    private ConnectorOnFake() {}

    /**
     * Starts a connector on {@code guildId} of the fake, speaking {@code language}, whose REST,
     * Gateway and CDN addresses are the fake's. Blocks until the connector has started.
     */
    static JdaDiscordConnector start(FakeDiscord discord, String guildId, String language, OkHttpClient http,
            ThreadPlaces places, RecordingHost host) throws Exception {
        DiscordConfig config = new DiscordConfig(discord.botToken(), guildId, null,
                discord.restBaseUrl(), discord.gatewayUrl(), discord.cdnBaseUrl());
        JdaDiscordConnector c = new JdaDiscordConnector(config, language, http, LoggerFactory.getLogger("discord-test"), places);
        c.start(host);
        return c;
    }

    /**
     * Closes the connector (when there is one), then checks that every request it made conformed to
     * Discord's spec and, with {@code servedRoutesOnly}, went to a route the fake serves; the fake is
     * closed whatever failed.
     *
     * @throws AssertionError when a check fails
     */
    static void stop(JdaDiscordConnector connector, FakeDiscord discord, boolean servedRoutesOnly) {
        if (connector != null) {
            connector.close();
        }
        try {
            discord.assertNoSpecViolations();
            if (servedRoutesOnly) {
                assertThat(discord.unknownRoutes()).isEmpty();
            }
        } finally {
            discord.close();
        }
    }
}
