package coop.comptoir.bridge.engine;

import coop.comptoir.api.id.RoomId;
import coop.comptoir.bridge.api.RemoteChannelId;
import coop.comptoir.bridge.engine.PortalTable.Portal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The portals of one bridge instance, kept in memory (both ways) in front of {@link PortalTable},
 * so that event filters can ask without I/O.
 */
final class Portals {
    private final PortalTable table;
    private final Map<RoomId, Portal> byRoom = new ConcurrentHashMap<>();
    private final Map<RemoteChannelId, Portal> byChannel = new ConcurrentHashMap<>();

    Portals(PortalTable table) {
        this.table = table;
        table.all().forEach(this::remember);
    }

    private void remember(Portal p) {
        byRoom.put(p.room(), p);
        byChannel.put(p.channel(), p);
    }

    Optional<Portal> byRoom(RoomId room) {
        return room == null ? Optional.empty() : Optional.ofNullable(byRoom.get(room));
    }

    Optional<Portal> byChannel(RemoteChannelId channel) {
        return Optional.ofNullable(byChannel.get(channel));
    }

    boolean isPortal(RoomId room) {
        return room != null && byRoom.containsKey(room);
    }

    List<Portal> all() {
        return List.copyOf(byRoom.values());
    }

    /** Stores and remembers a portal; false when the room or the channel is linked already. */
    synchronized boolean add(Portal p) {
        if (byRoom.containsKey(p.room()) || byChannel.containsKey(p.channel()) || !table.insert(p)) {
            return false;
        }
        remember(p);
        return true;
    }

    synchronized boolean remove(RoomId room) {
        Portal p = byRoom.remove(room);
        if (p == null) {
            return false;
        }
        byChannel.remove(p.channel());
        table.delete(room);
        return true;
    }
}
