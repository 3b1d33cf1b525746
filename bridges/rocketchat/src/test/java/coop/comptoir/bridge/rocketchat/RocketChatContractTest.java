package coop.comptoir.bridge.rocketchat;

import coop.comptoir.bridge.testing.ConnectorContract;
import coop.comptoir.bridge.testing.RemoteDriver;

/** The Rocket.Chat connector, made by its factory, passes the bridge contract against the fake Rocket.Chat. */
class RocketChatContractTest extends ConnectorContract {
    @Override
    protected RemoteDriver remote() {
        return new FakeRocketChatDriver();
    }
}
