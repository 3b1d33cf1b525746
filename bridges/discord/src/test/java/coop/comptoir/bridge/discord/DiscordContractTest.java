package coop.comptoir.bridge.discord;

import coop.comptoir.bridge.testing.ConnectorContract;
import coop.comptoir.bridge.testing.RemoteDriver;
import coop.comptoir.testing.discord.FakeDiscord;

/** The Discord connector, made by its factory, passes the bridge contract against the fake Discord. */
class DiscordContractTest extends ConnectorContract {
    @Override
    protected RemoteDriver remote() {
        FakeDiscord discord = FakeDiscord.start();
        SpecCheck.require(discord);
        return new FakeDiscordDriver(discord);
    }
}
