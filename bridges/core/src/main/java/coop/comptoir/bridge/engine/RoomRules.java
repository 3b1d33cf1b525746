package coop.comptoir.bridge.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.id.UserId;
import coop.comptoir.api.matrix.MatrixClient;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the bridge reads of a room's state to judge what may cross: the room version (where a
 * redaction names its target), who may redact others' messages, whether the room is encrypted.
 * Every call but a known version asks the homeserver, and may throw its {@code MatrixException}.
 */
final class RoomRules {
    /** The {@code redact} power level when the room does not set one (Matrix's default). */
    static final long DEFAULT_REDACT = 50;

    private final MatrixClient bot;
    private final Map<RoomId, String> versions = new ConcurrentHashMap<>();

    RoomRules(MatrixClient bot) {
        this.bot = bot;
    }

    /** The room version from {@code m.room.create} ("1" when it says none); it never changes, so it is read once. */
    String version(RoomId room) {
        String known = versions.get(room);
        if (known != null) {
            return known;
        }
        String version = bot.getState(room, "m.room.create", "")
                .map(c -> c.path("room_version"))
                .filter(JsonNode::isTextual)
                .map(JsonNode::asText)
                .orElse("1");
        versions.put(room, version);
        return version;
    }

    /** Whether {@code user} may redact other people's events in the room: their power level reaches {@code redact}. */
    boolean mayRedactOthers(RoomId room, UserId user) {
        Optional<ObjectNode> levels = bot.getState(room, "m.room.power_levels", "");
        long needed = levels.map(l -> l.path("redact")).filter(n -> n.isNumber() || n.isTextual())
                .map(n -> n.asLong(DEFAULT_REDACT)).orElse(DEFAULT_REDACT);
        return bot.powerLevel(room, user) >= needed;
    }

    /** Whether the room is encrypted ({@code m.room.encryption} in its state): the bot cannot read it. */
    boolean encrypted(RoomId room) {
        return bot.getState(room, "m.room.encryption", "").isPresent();
    }
}
