package coop.comptoir.bridge.imports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.id.UserId;
import coop.comptoir.api.matrix.MatrixClient;
import coop.comptoir.bridge.api.RemoteChannelId;
import coop.comptoir.bridge.api.RunningBridge;
import coop.comptoir.bridge.imports.StructurePlan.Item;
import coop.comptoir.bridge.imports.StructurePlan.Status;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;

/**
 * Carries out a {@link StructurePlan}: creates the space, the sub-spaces and the rooms (bridged at
 * once, as {@code !bridge link} would), each recorded as soon as it exists so that a run cut short
 * goes on where it stopped and nothing is created twice. Blocks (one request per room, a few more
 * per entry); call it from a worker thread.
 *
 * <p>Matrix requests (client-server API, {@code createRoom}, spaces): a space is a room created with
 * {@code creation_content.type = m.space}; a child is attached with {@code m.space.child} (state key
 * the child's ID, {@code via} the server) in its space and {@code m.space.parent} (canonical) in the
 * child; a room open to the members of a space has the {@code restricted} join rule allowing
 * members ({@code m.room_membership}) of that space and of the top space, which needs room
 * version 8 or later.
 */
final class StructureMirror {
    /** Stable room versions that know the {@code restricted} join rule and keep the power-level rules Comptoir writes. */
    static final Set<String> RESTRICTED_VERSIONS = Set.of("8", "9", "10", "11");
    static final String FALLBACK_VERSION = "10";

    /** What one run did. */
    record Outcome(int created, int linked, int existing) {}

    private final MatrixClient matrix;
    private final MigrationTables tables;
    private final String server;
    private final Clock clock;
    private final Logger log;

    StructureMirror(MatrixClient matrix, MigrationTables tables, String server, Clock clock, Logger log) {
        this.matrix = matrix;
        this.tables = tables;
        this.server = server;
        this.clock = clock;
        this.log = log;
    }

    /**
     * Applies the plan for {@code bridge}; {@code admin} (who asked) is invited to the space and to
     * every invite-only room, with power 100 in all of them.
     *
     * @throws RuntimeException when the homeserver refuses; what was done stays recorded
     */
    Outcome apply(StructurePlan plan, RunningBridge bridge, UserId admin) {
        String version = roomVersion();
        String instance = bridge.instanceId();
        Map<String, MigrationTables.Mirrored> before = tables.mirrored(instance);
        Map<String, RoomId> rooms = new HashMap<>();
        int created = 0;
        int linked = 0;
        int existing = 0;
        int order = 0;
        for (Item item : plan.items) {
            order++;
            RoomId parent = item.parent() == null ? null : rooms.get(item.parent());
            RoomId top = rooms.get(plan.structure.id());
            RoomId room;
            boolean fresh = item.status() == Status.NEW;
            if (fresh) {
                room = matrix.createRoom(createRequest(item, parent, top, admin, version));
                tables.putMirrored(instance, new MigrationTables.Mirrored(item.remoteId(), item.kind(), room, MigrationTables.CREATED),
                        clock.millis());
                created++;
                log.info("Mirrored {} {} ({}) as {}", item.kind(), item.remoteId(), item.name(), room);
            } else {
                room = item.room().orElseThrow();
                existing++;
            }
            rooms.put(item.remoteId(), room);
            MigrationTables.Mirrored earlier = before.get(item.remoteId());
            boolean finished = earlier != null && earlier.state().equals(MigrationTables.DONE);
            if (finished) {
                continue;
            }
            if (item.kind().equals(StructurePlan.CHANNEL) && item.status() != Status.ADOPTED) {
                RemoteChannelId channel = new RemoteChannelId(item.remoteId());
                if (bridge.roomOf(channel).isEmpty() && bridge.link(room, channel, admin)) {
                    linked++;
                }
            }
            if (parent != null) {
                ObjectNode child = JsonNodeFactory.instance.objectNode();
                child.putArray("via").add(server);
                child.put("order", String.format("%04d", order));
                matrix.sendState(parent, "m.space.child", room.value(), child);
            }
            tables.putMirrored(instance, new MigrationTables.Mirrored(item.remoteId(), item.kind(), room, MigrationTables.DONE),
                    clock.millis());
        }
        return new Outcome(created, linked, existing);
    }

    /** The body of {@code POST /createRoom} for one entry. Pure. */
    ObjectNode createRequest(Item item, RoomId parent, RoomId top, UserId admin, String version) {
        ObjectNode r = JsonNodeFactory.instance.objectNode();
        r.put("name", item.name());
        if (!item.topic().isBlank()) {
            r.put("topic", item.topic());
        }
        r.put("preset", "private_chat");
        r.put("visibility", "private");
        r.put("room_version", version);
        if (item.isSpace()) {
            r.putObject("creation_content").put("type", "m.space");
        }
        ObjectNode power = r.putObject("power_level_content_override");
        ObjectNode users = power.putObject("users");
        users.put(matrix.userId().value(), 100);
        users.put(admin.value(), 100);
        if (item.isSpace()) {
            power.put("events_default", 100); // only admins add rooms to a space
        }
        ArrayNode state = r.putArray("initial_state");
        ObjectNode joinRules = JsonNodeFactory.instance.objectNode();
        boolean restricted = item.open() && top != null;
        if (restricted) {
            joinRules.put("join_rule", "restricted");
            ArrayNode allow = joinRules.putArray("allow");
            for (RoomId space : parent != null && !parent.equals(top) ? List.of(parent, top) : List.of(top)) {
                allow.addObject().put("type", "m.room_membership").put("room_id", space.value());
            }
        } else {
            joinRules.put("join_rule", "invite");
        }
        state.addObject().put("type", "m.room.join_rules").put("state_key", "").set("content", joinRules);
        if (parent != null) {
            ObjectNode content = JsonNodeFactory.instance.objectNode().put("canonical", true);
            content.putArray("via").add(server);
            state.addObject().put("type", "m.space.parent").put("state_key", parent.value()).set("content", content);
        }
        if (!restricted) {
            r.putArray("invite").add(admin.value());
        }
        return r;
    }

    /**
     * The homeserver's default room version when it knows the {@code restricted} join rule, else
     * {@value #FALLBACK_VERSION}; read from {@code GET /capabilities}, {@value #FALLBACK_VERSION}
     * when that cannot be read.
     */
    String roomVersion() {
        try {
            JsonNode caps = matrix.request("GET", "/_matrix/client/v3/capabilities", null);
            JsonNode versions = caps.path("capabilities").path("m.room_versions");
            String preferred = versions.path("default").asText("");
            if (RESTRICTED_VERSIONS.contains(preferred)) {
                return preferred;
            }
            return versions.path("available").has(FALLBACK_VERSION) ? FALLBACK_VERSION
                    : RESTRICTED_VERSIONS.stream().filter(v -> versions.path("available").has(v)).max(java.util.Comparator.comparingInt(Integer::parseInt))
                    .orElse(FALLBACK_VERSION);
        } catch (RuntimeException e) {
            log.debug("Room versions not read ({}); using {}", e.toString(), FALLBACK_VERSION);
            return FALLBACK_VERSION;
        }
    }
}
