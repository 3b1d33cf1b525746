package coop.comptoir.bridge.api;

import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.id.UserId;
import java.util.List;
import java.util.Optional;

/**
 * What the engine offers its connector. All methods are thread-safe.
 */
public interface BridgeHost {

    /**
     * Hands over a remote event. It is stored durably before this returns and then delivered to
     * Matrix asynchronously, in the order of the calls for each channel; the same message ID given
     * twice (a gateway replay, a catch-up overlap) is bridged once. Events for channels that are
     * not linked are dropped. Must not be given the connector's own echoes. Blocks only on the
     * local database; never throws for bad content (it is logged and skipped).
     */
    void receive(RemoteEvent event);

    /** The ghost that stands for a remote user on Matrix ({@code @_discord_123:example.org}). Pure. */
    UserId ghostOf(RemoteUserId user);

    /** The remote user a Matrix ID stands for, if it is one of this bridge's ghosts. Pure. */
    Optional<RemoteUserId> remoteUserOf(UserId matrixUser);

    /** The Matrix room linked to a remote channel, if any; no I/O. */
    Optional<RoomId> roomOf(RemoteChannelId channel);

    /** The remote channel linked to a Matrix room, if any; no I/O. */
    Optional<RemoteChannelId> channelOf(RoomId room);

    /**
     * The reactions carried on a remote message and not taken back, both ways, from the engine's
     * reaction links (so they are known after a restart): a connector that reacts as its bot for
     * several Matrix users counts them here, and one that sees a message's whole reaction state finds
     * what was taken back while it was not running. Blocks only on the local database; a host that
     * keeps no reaction links answers an empty list.
     */
    default List<CarriedReaction> reactionsOn(RemoteChannelId channel, RemoteMessageId message) {
        return List.of();
    }

    /** A Matrix user's display name in a room (falls back to the localpart); may block. */
    String displayName(RoomId room, UserId user);

    /**
     * The connector is (dis)connected. When it comes back, the engine catches up every portal
     * through {@link BackfillCapable} from the last remote message bridged. {@code detail} is
     * shown in {@code !bridge status}; no secrets.
     */
    void connectionChanged(boolean connected, String detail);

    /**
     * A remote channel or category was renamed or its description (topic) changed: the portal's
     * Matrix room (or the category's sub-space made by the migration tools) takes the new name and
     * topic. Called from the connector's thread when the network tells of the change; does not
     * block (the room is changed in the background) and never throws.
     */
    default void channelChanged(RemoteChannel channel) {}

    /**
     * A remote channel was deleted: its portal is unlinked and the Matrix room, which stays with its
     * history, is told. {@code channel} is the channel as it was (its last name). Called from the
     * connector's thread; does not block and never throws.
     */
    default void channelDeleted(RemoteChannel channel) {}

    /**
     * A remote channel was archived (still there, read-only): as for a deletion, its portal is
     * unlinked and the Matrix room, which stays with its history, is told; bringing the channel
     * back later does not link it again ({@code !bridge link} does). Called from the connector's
     * thread; does not block and never throws.
     */
    default void channelArchived(RemoteChannel channel) {}
}
