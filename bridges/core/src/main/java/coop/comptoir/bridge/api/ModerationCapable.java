package coop.comptoir.bridge.api;

/**
 * A network where the bot may remove a message someone else wrote, with its own moderator rights:
 * the engine removes a {@code !link CODE} message so that the code does not stay on view.
 */
public interface ModerationCapable {
    /**
     * Removes a message written by a user of the network (in the channel, or in one of its threads).
     * A message already gone counts as removed. May block.
     *
     * @return false when the bot may not remove it there (missing rights): not an error
     * @throws BridgeException retryable when the network is down
     */
    boolean removeUserMessage(RemoteChannelId channel, RemoteMessageId message) throws BridgeException;
}
