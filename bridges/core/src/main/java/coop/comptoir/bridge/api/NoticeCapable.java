package coop.comptoir.bridge.api;

/**
 * A network on which Comptoir can post in its own name (as the bot, not for a Matrix user): the
 * invitations of {@code !migration invite}, the notices of {@code !bridge retire}.
 */
public interface NoticeCapable {
    /**
     * Posts {@code text} in the channel as the bot. The text is plain (links written out, no
     * markup) and must not ping anyone; the connector recognises the post as its own and never
     * bridges it back. May block.
     *
     * @return the ID of the posted message
     * @throws BridgeException retryable when the network is down, permanent when the bot may not post there
     */
    RemoteMessageId postNotice(RemoteChannelId channel, String text) throws BridgeException;

    /**
     * Posts {@code text} as the bot in answer to {@code replyTo} (a message of the channel), shown
     * as a reply where the network has them, without pinging its author; by default a plain
     * {@link #postNotice}. May block.
     *
     * @return the ID of the posted message
     * @throws BridgeException retryable when the network is down, permanent when the bot may not post there
     */
    default RemoteMessageId replyNotice(RemoteChannelId channel, RemoteMessageId replyTo, String text) throws BridgeException {
        return postNotice(channel, text);
    }
}
