package coop.comptoir.bridge.imports;

import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.text.Catalogue;
import coop.comptoir.bridge.api.RemoteChannelId;
import coop.comptoir.bridge.api.RemoteStructure;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What {@code !migration structure} would do for a remote server, worked out from its layout, what
 * an earlier run created and the portals that exist: the server becomes a space, each category a
 * sub-space, each text channel a bridged room. Pure; rendering only formats.
 *
 * <p>Who may join: the space is invite-only; a sub-space or a room is open to the members of the
 * space ({@code restricted}) unless the category or channel is private on the remote side (only
 * some roles see it), then invite-only.
 */
final class StructurePlan {
    static final String SERVER = "server";
    static final String CATEGORY = "category";
    static final String CHANNEL = "channel";

    /** What happens to one entry. */
    enum Status {
        /** To be created (and bridged, for a channel). */
        NEW,
        /** Created by an earlier run; its last steps (bridge, attach) are redone if they were cut short. */
        MIRRORED,
        /** The channel is bridged already (by {@code !bridge link}): its room is added to the space, nothing created. */
        ADOPTED
    }

    /**
     * One entry of the tree.
     *
     * @param parent the remote ID of the space it goes into (null for the server itself)
     * @param open   whether members of the space may join it ({@code restricted}); else invite-only
     * @param room   its room when it exists (mirrored or adopted)
     */
    record Item(String kind, String remoteId, String name, String topic, String parent, boolean open, Status status,
                Optional<RoomId> room) {
        boolean isSpace() {
            return !kind.equals(CHANNEL);
        }
    }

    final RemoteStructure structure;
    final List<Item> items;

    private StructurePlan(RemoteStructure structure, List<Item> items) {
        this.structure = structure;
        this.items = List.copyOf(items);
    }

    /**
     * @param mirrored what earlier runs created (remote ID → entry)
     * @param portals  the bridge's portals (remote channel → room)
     */
    static StructurePlan of(RemoteStructure s, Map<String, MigrationTables.Mirrored> mirrored, Map<RemoteChannelId, RoomId> portals) {
        List<Item> items = new ArrayList<>();
        items.add(item(SERVER, s.id(), s.name(), "", null, false, mirrored, Optional.empty()));
        for (RemoteStructure.Category c : s.categories()) {
            items.add(item(CATEGORY, c.id(), c.name(), "", s.id(), c.open(), mirrored, Optional.empty()));
        }
        for (RemoteStructure.Channel c : s.channels()) {
            String parent = c.category().filter(id -> s.categories().stream().anyMatch(k -> k.id().equals(id))).orElse(s.id());
            items.add(item(CHANNEL, c.id().value(), c.name(), c.topic(), parent, c.open(), mirrored,
                    Optional.ofNullable(portals.get(c.id()))));
        }
        // as Discord lists them: the server, the channels outside any category, then each category followed by its channels
        List<Item> ordered = new ArrayList<>();
        ordered.add(items.get(0));
        items.stream().filter(i -> i.kind().equals(CHANNEL) && s.id().equals(i.parent())).forEach(ordered::add);
        for (Item cat : items) {
            if (cat.kind().equals(CATEGORY)) {
                ordered.add(cat);
                items.stream().filter(i -> i.kind().equals(CHANNEL) && cat.remoteId().equals(i.parent())).forEach(ordered::add);
            }
        }
        return new StructurePlan(s, ordered);
    }

    private static Item item(String kind, String id, String name, String topic, String parent, boolean open,
                             Map<String, MigrationTables.Mirrored> mirrored, Optional<RoomId> portal) {
        MigrationTables.Mirrored m = mirrored.get(id);
        if (m != null) {
            return new Item(kind, id, name, topic, parent, open, Status.MIRRORED, Optional.of(m.room()));
        }
        if (portal.isPresent()) {
            return new Item(kind, id, name, topic, parent, open, Status.ADOPTED, portal);
        }
        return new Item(kind, id, name, topic, parent, open, Status.NEW, Optional.empty());
    }

    /** How many entries will be created. */
    long toCreate() {
        return items.stream().filter(i -> i.status() == Status.NEW).count();
    }

    /** The tree as the dry run shows it, then what is left out, then what to type next. */
    String render(Catalogue t, String network, String command) {
        StringBuilder sb = new StringBuilder(t.text("structure.preview", "network", network, "name", structure.name())).append('\n');
        for (Item i : items) {
            String status = t.text("structure.status." + i.status().name().toLowerCase(java.util.Locale.ROOT));
            String access = t.text(i.open() ? "structure.access.members" : "structure.access.invite");
            String indent = i.kind().equals(SERVER) ? "" : i.kind().equals(CHANNEL) && !structure.id().equals(i.parent()) ? "    " : "  ";
            sb.append(indent).append("• ").append(t.text("structure.item." + i.kind(), "name", i.name(),
                    "access", access, "status", status)).append('\n');
        }
        if (!structure.skipped().isEmpty()) {
            sb.append(t.text("structure.skipped", "list", structure.skipped().stream()
                    .map(x -> "#" + x.name() + " (" + t.text("structure.reason." + x.reason().name().toLowerCase(java.util.Locale.ROOT)) + ")")
                    .collect(Collectors.joining(", ")))).append('\n');
        }
        sb.append(t.text("structure.preview.next", "count", toCreate(), "command", command));
        return sb.toString();
    }
}
