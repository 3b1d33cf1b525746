package coop.comptoir.bridge.api;

import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;

/**
 * A network where the bridge can find a message it sent although the answer to the send was lost
 * (Comptoir killed between the network's "posted" and the bridge recording the link, or a timeout).
 * Networks without an idempotency key on sends (Discord webhooks have none) implement it, so that
 * such a message is linked instead of posted a second time.
 */
public interface SentLookupCapable {
    /**
     * The IDs of the messages {@link NetworkConnector#send} would have made for {@code message} in
     * {@code channel}, if they are among the channel's recent messages: posted by the bridge, at or
     * after {@code notBefore}, with the same content, none of them already {@code recorded} for
     * another message. Empty when they are not there (or cannot be told apart: then the caller
     * sends). Called at most once per delivery that may have been interrupted; may block.
     *
     * @param recorded whether a remote message is already linked to a Matrix event
     * @throws BridgeException when the network cannot be asked now (retryable like a send)
     */
    List<RemoteMessageId> findSent(RemoteChannelId channel, OutgoingRemoteMessage message, Instant notBefore,
                                   Predicate<RemoteMessageId> recorded) throws BridgeException;
}
