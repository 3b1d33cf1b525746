package coop.comptoir.bridge.testing;

/** The smallest connector passes the contract: the kit works end to end, and shows how to use it. */
class MemoryContractTest extends ConnectorContract {
    @Override
    protected RemoteDriver remote() {
        return new MemoryDriver(false);
    }
}
