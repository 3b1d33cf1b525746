package coop.comptoir.bridge.testing;

import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.id.UserId;
import coop.comptoir.bridge.api.BridgeHost;
import coop.comptoir.bridge.api.CarriedReaction;
import coop.comptoir.bridge.api.RemoteChannelId;
import coop.comptoir.bridge.api.RemoteEvent;
import coop.comptoir.bridge.api.RemoteMessageId;
import coop.comptoir.bridge.api.RemoteUserId;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * A {@link BridgeHost} for a connector's own unit tests, without the engine: it links channels to
 * made-up rooms, names ghosts {@code @_<network>_<id>:comptoir.test}, and records every event and
 * connection change the connector hands it. Thread-safe: the connector calls it from its own threads.
 */
public final class RecordingHost implements BridgeHost {
    /** The server name of the made-up rooms and ghosts. */
    public static final String SERVER = "comptoir.test";

    /** Every event received, in order. */
    public final List<RemoteEvent> events = new CopyOnWriteArrayList<>();
    /** Every connection change, as {@code "up: detail"} or {@code "down: detail"}. */
    public final List<String> connection = new CopyOnWriteArrayList<>();
    /** The channels the connector told of as renamed or given a new topic, in order. */
    public final List<coop.comptoir.bridge.api.RemoteChannel> changedChannels = new CopyOnWriteArrayList<>();
    /** The channels the connector told of as deleted, in order. */
    public final List<coop.comptoir.bridge.api.RemoteChannel> deletedChannels = new CopyOnWriteArrayList<>();
    /** Channels the connector said were archived ({@code channelArchived}), in order. */
    public final List<coop.comptoir.bridge.api.RemoteChannel> archivedChannels = new CopyOnWriteArrayList<>();
    /**
     * What {@link #reactionsOn} answers, per remote message: a test puts here the reactions the engine
     * would have stored (as after a restart).
     */
    public final Map<RemoteMessageId, List<CarriedReaction>> carried = new ConcurrentHashMap<>();
    private final Map<RemoteChannelId, RoomId> links = new ConcurrentHashMap<>();
    private final String ghostPrefix;

    /** @param network the connector's ID ({@code discord}): ghosts are {@code _<network>_<user>} */
    public RecordingHost(String network) {
        this.ghostPrefix = "_" + network + "_";
    }

    /** Links a channel to the room {@code !room<channel>:comptoir.test}. */
    public RecordingHost link(String channelId) {
        links.put(new RemoteChannelId(channelId), RoomId.of("!room" + channelId + ":" + SERVER));
        return this;
    }

    @Override
    public void receive(RemoteEvent event) {
        events.add(event);
    }

    @Override
    public UserId ghostOf(RemoteUserId user) {
        return UserId.of(ghostPrefix + user.value(), SERVER);
    }

    @Override
    public Optional<RemoteUserId> remoteUserOf(UserId matrixUser) {
        String local = matrixUser.localpart();
        return local.startsWith(ghostPrefix) && matrixUser.serverName().equals(SERVER)
                ? Optional.of(new RemoteUserId(local.substring(ghostPrefix.length()))) : Optional.empty();
    }

    @Override
    public List<CarriedReaction> reactionsOn(RemoteChannelId channel, RemoteMessageId message) {
        return List.copyOf(carried.getOrDefault(message, List.of()));
    }

    @Override
    public Optional<RoomId> roomOf(RemoteChannelId channel) {
        return Optional.ofNullable(links.get(channel));
    }

    @Override
    public Optional<RemoteChannelId> channelOf(RoomId room) {
        return links.entrySet().stream().filter(e -> e.getValue().equals(room)).map(Map.Entry::getKey).findFirst();
    }

    @Override
    public String displayName(RoomId room, UserId user) {
        return user.localpart();
    }

    @Override
    public void channelChanged(coop.comptoir.bridge.api.RemoteChannel channel) {
        changedChannels.add(channel);
    }

    @Override
    public void channelDeleted(coop.comptoir.bridge.api.RemoteChannel channel) {
        deletedChannels.add(channel);
    }

    @Override
    public void channelArchived(coop.comptoir.bridge.api.RemoteChannel channel) {
        archivedChannels.add(channel);
    }

    @Override
    public void connectionChanged(boolean connected, String detail) {
        connection.add((connected ? "up: " : "down: ") + detail);
    }

    /** Waits for an event of this type matching {@code predicate}; fails with what was received. */
    @SuppressWarnings("unchecked")
    public <T extends RemoteEvent> T await(Class<T> type, Predicate<T> predicate, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (RemoteEvent e : events) {
                if (type.isInstance(e) && predicate.test((T) e)) {
                    return (T) e;
                }
            }
            sleep(20);
        }
        throw new AssertionError("no matching " + type.getSimpleName() + " within " + timeout + " among " + events);
    }

    /** The events of this type received so far. */
    public <T extends RemoteEvent> List<T> all(Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** Sleeps, turning an interruption into a test failure. */
    public static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
