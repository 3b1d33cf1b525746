package coop.comptoir.bridge.api;

import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.id.UserId;
import java.util.Map;
import java.util.Optional;

/**
 * A bridge instance running in this runtime, as other parts of the bridges module see it (the
 * migration tools): its connector and its portals. From {@link Bridges#running}. Thread-safe.
 */
public interface RunningBridge {
    /** The instance ID from the config ({@code id:}, or the type). */
    String instanceId();

    /** The connector: check its capabilities ({@link StructureCapable}, {@link NoticeCapable}). */
    NetworkConnector connector();

    /** The room linked to a remote channel, if any; no I/O. */
    Optional<RoomId> roomOf(RemoteChannelId channel);

    /** Every portal of this bridge: room → remote channel; no I/O. */
    Map<RoomId, RemoteChannelId> portals();

    /**
     * Links a room the bot has joined to a remote channel, exactly as {@code !bridge link} does
     * (stored, caught up from now on). Blocks on the database and may ask the network where the
     * channel stands.
     *
     * @return false when the room or the channel is linked already (nothing changed)
     */
    boolean link(RoomId room, RemoteChannelId channel, UserId by);
}
