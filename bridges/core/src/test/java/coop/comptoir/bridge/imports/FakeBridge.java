package coop.comptoir.bridge.imports;

import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.id.UserId;
import coop.comptoir.bridge.api.BridgeException;
import coop.comptoir.bridge.api.BridgeHost;
import coop.comptoir.bridge.api.NetworkConnector;
import coop.comptoir.bridge.api.NoticeCapable;
import coop.comptoir.bridge.api.OutgoingRemoteMessage;
import coop.comptoir.bridge.api.RemoteChannel;
import coop.comptoir.bridge.api.RemoteChannelId;
import coop.comptoir.bridge.api.RemoteMessageId;
import coop.comptoir.bridge.api.RemoteStructure;
import coop.comptoir.bridge.api.RunningBridge;
import coop.comptoir.bridge.api.StructureCapable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A running bridge for the migration tools' tests: a layout to read, portals, and every notice posted kept. */
final class FakeBridge implements RunningBridge {
    record Notice(RemoteChannelId channel, String text) {}

    final Map<RoomId, RemoteChannelId> portals = new LinkedHashMap<>();
    final List<Notice> notices = new ArrayList<>();
    final List<RemoteChannelId> links = new ArrayList<>();
    volatile RemoteStructure structure;
    private final Connector connector = new Connector();

    FakeBridge(RemoteStructure structure) {
        this.structure = structure;
    }

    @Override
    public String instanceId() {
        return "discord";
    }

    @Override
    public NetworkConnector connector() {
        return connector;
    }

    @Override
    public synchronized Optional<RoomId> roomOf(RemoteChannelId channel) {
        return portals.entrySet().stream().filter(e -> e.getValue().equals(channel)).map(Map.Entry::getKey).findFirst();
    }

    @Override
    public synchronized Map<RoomId, RemoteChannelId> portals() {
        return new LinkedHashMap<>(portals);
    }

    @Override
    public synchronized boolean link(RoomId room, RemoteChannelId channel, UserId by) {
        if (portals.containsKey(room) || portals.containsValue(channel)) {
            return false;
        }
        portals.put(room, channel);
        links.add(channel);
        return true;
    }

    final class Connector implements NetworkConnector, StructureCapable, NoticeCapable {
        @Override
        public String network() {
            return "discord";
        }

        @Override
        public void start(BridgeHost host) {
        }

        @Override
        public Optional<RemoteChannel> channel(RemoteChannelId id) {
            return Optional.empty();
        }

        @Override
        public List<RemoteMessageId> send(RemoteChannelId channel, OutgoingRemoteMessage message) {
            throw new UnsupportedOperationException();
        }

        @Override
        public RemoteStructure structure() {
            return structure;
        }

        @Override
        public RemoteMessageId postNotice(RemoteChannelId channel, String text) throws BridgeException {
            synchronized (FakeBridge.this) {
                notices.add(new Notice(channel, text));
                return new RemoteMessageId("n" + notices.size());
            }
        }

        @Override
        public void close() {
        }
    }
}
