package coop.comptoir.bridge.api;

import java.util.List;
import java.util.Optional;

/** A network whose past messages can be read: catch-up after downtime, and history import. */
public interface BackfillCapable {
    /**
     * Messages posted after {@code after} (exclusive; from the oldest available when empty), oldest
     * first, at most {@code limit}, including those in the channel's threads when the network can.
     * The connector's own posts are left out. May block.
     */
    List<RemoteEvent.Message> messagesAfter(RemoteChannelId channel, Optional<RemoteMessageId> after, int limit)
            throws BridgeException;
}
