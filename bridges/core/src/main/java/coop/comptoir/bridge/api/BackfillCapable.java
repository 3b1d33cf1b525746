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

    /**
     * Where the channel stands now: {@link #messagesAfter} from this position returns only what is
     * posted from now on. Called when a portal is linked, so that messages posted while Comptoir is
     * down are caught up even before the first live message. Empty when the network cannot say
     * (catch-up then starts at the first bridged message). May block.
     */
    default Optional<RemoteMessageId> currentPosition(RemoteChannelId channel) throws BridgeException {
        return Optional.empty();
    }
}
