package coop.comptoir.bridge.rocketchat;

import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.id.UserId;
import coop.comptoir.bridge.api.BridgeHost;
import coop.comptoir.bridge.api.RemoteChannelId;
import coop.comptoir.bridge.api.RemoteEvent;
import coop.comptoir.bridge.api.RemoteUserId;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/** A host that links channels to made-up rooms and records what the connector hands it. */
final class RecordingHost implements BridgeHost {
    static final String SERVER = "comptoir.test";

    final List<RemoteEvent> events = new CopyOnWriteArrayList<>();
    final List<String> connection = new CopyOnWriteArrayList<>();
    private final Map<RemoteChannelId, RoomId> links = new ConcurrentHashMap<>();

    RecordingHost link(String channelId) {
        links.put(new RemoteChannelId(channelId), RoomId.of("!room" + channelId + ":" + SERVER));
        return this;
    }

    @Override
    public void receive(RemoteEvent event) {
        events.add(event);
    }

    @Override
    public UserId ghostOf(RemoteUserId user) {
        return UserId.of("_rocketchat_" + user.value(), SERVER);
    }

    @Override
    public Optional<RemoteUserId> remoteUserOf(UserId matrixUser) {
        String local = matrixUser.localpart();
        return local.startsWith("_rocketchat_") && matrixUser.serverName().equals(SERVER)
                ? Optional.of(new RemoteUserId(local.substring("_rocketchat_".length()))) : Optional.empty();
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
    public void connectionChanged(boolean connected, String detail) {
        connection.add((connected ? "up: " : "down: ") + detail);
    }

    @SuppressWarnings("unchecked")
    <T extends RemoteEvent> T await(Class<T> type, Predicate<T> predicate, Duration timeout) {
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

    <T extends RemoteEvent> List<T> all(Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
