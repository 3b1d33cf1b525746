package coop.comptoir.bridge.api;

import java.util.List;

/**
 * A network whose channels hold sub-channels listed like channels (Rocket.Chat's discussions).
 * The connector reports a new one with {@link BridgeHost#receive} and a
 * {@link RemoteEvent.SubChannel} as soon as it sees it; the engine creates a Matrix room for it,
 * announces it in the parent's room and bridges it like any portal. After a reconnection the engine
 * lists the sub-channels of every portal ({@link #subChannels}) to open those made meanwhile.
 */
public interface SubChannelCapable {

    /**
     * The sub-channels of a channel, oldest first (each as the event that would announce it, with
     * its creation time). May block.
     *
     * @throws BridgeException retryable when the network is down
     */
    List<RemoteEvent.SubChannel> subChannels(RemoteChannelId parent) throws BridgeException;

    /**
     * Opens a sub-channel named {@code name} under {@code parent}, on behalf of a Matrix user (for
     * {@code !bridge discussion}), and returns it. The connector starts following it. May block.
     *
     * @throws BridgeException permanent when the network refuses (no permission, bad name),
     *                         retryable when it is down
     */
    RemoteChannel createSubChannel(RemoteChannelId parent, String name, MatrixSender by) throws BridgeException;
}
