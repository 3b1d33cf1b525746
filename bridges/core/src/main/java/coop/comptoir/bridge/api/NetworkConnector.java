package coop.comptoir.bridge.api;

import java.util.List;
import java.util.Optional;

/**
 * The remote side of a bridge: one implementation per network (Discord, Rocket.Chat), one instance
 * per configured bridge. The engine owns portals, ghosts, message links, queues and the echo guard;
 * a connector only talks to its network and converts formats.
 *
 * <p>What a network can do beyond plain messages is declared by implementing the capability
 * interfaces ({@link EditCapable}, {@link DeleteCapable}, {@link ReactionCapable},
 * {@link MediaCapable}, {@link BackfillCapable}); the engine checks them at run time and tells
 * users plainly what is not carried.
 *
 * <p>Threading: the engine calls {@code send} and the capability methods from one delivery thread
 * per portal, in order, so calls for one channel never overlap; calls for different channels may.
 */
public interface NetworkConnector extends AutoCloseable {

    /** The network's short name, used in commands ({@code !bridge link discord …}) and logs. */
    String network();

    /** The network's name as people read it in notices ({@code Rocket.Chat}); by default {@link #network()} capitalised. Pure. */
    default String displayName() {
        String n = network();
        return n.isEmpty() ? n : Character.toUpperCase(n.charAt(0)) + n.substring(1);
    }

    /**
     * Connects and starts passing remote events to {@code host.receive}. Called once, from the
     * plugin's start; may block until connected (up to about a minute).
     *
     * @throws Exception when the connector cannot work at all (bad credentials): the bridge does
     *                   not start. A network that is merely unreachable should keep retrying on its
     *                   own and report it with {@link BridgeHost#connectionChanged}.
     */
    void start(BridgeHost host) throws Exception;

    /**
     * Looks up a remote channel, for {@code !bridge link}; empty when it does not exist or the
     * connector cannot see it. May block.
     */
    Optional<RemoteChannel> channel(RemoteChannelId id) throws BridgeException;

    /**
     * Posts a Matrix message on the remote side and returns the IDs of what was posted, first one
     * first (a long text or several files may take several remote messages). The connector must
     * recognise these messages when its network echoes them back and never pass them to
     * {@link BridgeHost#receive}. May block.
     *
     * @throws BridgeException retryable when the network is down or rate-limits (the engine waits
     *                         and sends again, keeping the order), permanent when the message can
     *                         never be posted as it is (the engine tells the room and goes on)
     */
    List<RemoteMessageId> send(RemoteChannelId channel, OutgoingRemoteMessage message) throws BridgeException;

    /** Disconnects; pending deliveries stay in the engine's queue. Never throws. */
    @Override
    void close();
}
