package coop.comptoir.bridge.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.id.UserId;
import coop.comptoir.api.matrix.MatrixClient;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;

/**
 * What the bridge reads of a room's state to judge what may cross: the room version (where a
 * redaction names its target), who may redact others' messages, whether the room is encrypted.
 * Every call but a known version asks the homeserver, and may throw its {@code MatrixException}.
 */
final class RoomRules {
    /** The {@code redact} power level when the room does not set one (Matrix's default). */
    static final long DEFAULT_REDACT = 50;

    private final MatrixClient bot;
    private final String network;
    private final Logger log;
    private final Map<RoomId, String> versions = new ConcurrentHashMap<>();
    /** Portal rooms known to be encrypted, each logged once. */
    private final Set<RoomId> encryptedPortals = ConcurrentHashMap.newKeySet();

    RoomRules(MatrixClient bot, String network, Logger log) {
        this.bot = bot;
        this.network = network;
        this.log = log;
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

    /** Whether the bot reads end-to-end encrypted rooms ({@code encryption.enabled}). Does not block. */
    boolean readsEncrypted() {
        return bot.readsEncryptedRooms();
    }

    /** Whether the room is encrypted ({@code m.room.encryption} in its state); see {@link #readsEncrypted}. */
    boolean encrypted(RoomId room) {
        return bot.getState(room, Engine.ENCRYPTION, "").isPresent();
    }

    /**
     * Whether a portal's room (or a room about to be one) is encrypted and the bot cannot read it
     * (always false with {@code encryption.enabled}), logged once per room.
     * Never throws: a state that cannot be read (the bot not joined yet) counts as not encrypted.
     */
    boolean portalEncrypted(RoomId room) {
        if (readsEncrypted()) {
            return false; // encryption.enabled: the bot reads it, and messages cross decrypted
        }
        if (encryptedPortals.contains(room)) {
            return true; // encryption cannot be turned off
        }
        try {
            if (encrypted(room)) {
                noteEncryptedPortal(room);
                return true;
            }
        } catch (RuntimeException e) {
            log.debug("Whether {} is encrypted was not read: {}", room, e.getMessage());
        }
        return false;
    }

    /** Records (and logs, the first time) that a portal's room is encrypted. */
    void noteEncryptedPortal(RoomId room) {
        if (encryptedPortals.add(room)) {
            log.warn("Room {} is encrypted: the bot cannot read encrypted messages yet, so nothing crosses from it to {}. "
                    + "Link an unencrypted room instead", room, network);
        }
    }
}
