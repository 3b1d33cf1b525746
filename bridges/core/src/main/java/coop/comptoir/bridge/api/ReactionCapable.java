package coop.comptoir.bridge.api;

/** A network with reactions. */
public interface ReactionCapable {
    /**
     * Adds or removes the bridge's reaction {@code key} (a unicode emoji) on a message, for
     * {@code sender}. Networks that cannot react on behalf of others react as the bot. May block.
     */
    void react(RemoteChannelId channel, RemoteMessageId message, MatrixSender sender, String key, boolean add)
            throws BridgeException;
}
