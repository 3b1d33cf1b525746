package coop.comptoir.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sending side: the bot's Megolm session of each encrypted room, shared over Olm with every
 * device of the room's joined members (device keys checked against their own signature; one-time
 * keys checked against the device's), and replaced by a new one when a member left, after
 * {@value #ROTATION_MESSAGES} messages or after a week, as the other clients do.
 */
final class RoomEncryption {
    private static final Logger log = LoggerFactory.getLogger(RoomEncryption.class);
    static final int ROTATION_MESSAGES = 100;
    static final Duration ROTATION_AGE = Duration.ofDays(7);

    private final ObjectMapper mapper = new ObjectMapper();
    private final CryptoStore store;
    private final MatrixKeysHttp hs;
    private final OlmAccount account;
    private final String userId;
    private final String deviceId;

    RoomEncryption(CryptoStore store, MatrixKeysHttp hs, OlmAccount account, String userId, String deviceId) {
        this.store = store;
        this.hs = hs;
        this.account = account;
        this.userId = userId;
        this.deviceId = deviceId;
    }

    /** A device of a member, its keys checked. */
    record Device(String userId, String deviceId, String curve25519, String ed25519) {
        String label() {
            return userId + "|" + deviceId;
        }
    }

    /** The {@code m.room.encrypted} content of an event of {@code type} with {@code content}. Call with the account's lock. */
    ObjectNode encrypt(String roomId, String type, JsonNode content, Collection<String> members, long nowMillis)
            throws IOException {
        CryptoStore.Outbound stored = store.outbound(roomId).orElse(null);
        Set<String> memberSet = new TreeSet<>(members);
        if (stored != null && mustRotate(stored, memberSet, nowMillis)) {
            stored.session().close();
            stored = null;
        }
        if (stored == null) {
            stored = new CryptoStore.Outbound(MegolmOutbound.create(), nowMillis, new TreeSet<>());
            log.info("New room key for {}", roomId);
        }
        CryptoStore.Outbound current = stored;
        List<Device> devices = devices(memberSet);
        List<Device> missing = devices.stream().filter(d -> !current.sharedWith().contains(d.label())).toList();
        if (!missing.isEmpty()) {
            share(roomId, current.session(), missing);
            missing.forEach(d -> current.sharedWith().add(d.label()));
        }
        ObjectNode plain = mapper.createObjectNode();
        plain.put("type", type).put("room_id", roomId).set("content", content);
        String ciphertext = current.session().encrypt(CanonicalJson.of(plain));
        store.saveOutbound(roomId, current); // the ratchet moved: never encrypt twice with one index
        ObjectNode out = mapper.createObjectNode();
        out.put("algorithm", BotDevice.MEGOLM).put("sender_key", account.curve25519()).put("ciphertext", ciphertext)
                .put("session_id", current.session().id()).put("device_id", deviceId);
        return out;
    }

    private static boolean mustRotate(CryptoStore.Outbound o, Set<String> members, long now) {
        if (o.session().messageIndex() >= ROTATION_MESSAGES || now - o.createdAt() > ROTATION_AGE.toMillis()) {
            return true;
        }
        // Someone who had the key left: the next messages must not be readable with it.
        return o.sharedWith().stream().map(l -> l.substring(0, l.indexOf('|'))).anyMatch(u -> !members.contains(u));
    }

    /** The members' devices that can receive Olm and Megolm, from /keys/query, signatures checked; not the bot's own. */
    private List<Device> devices(Set<String> members) throws IOException {
        ObjectNode query = mapper.createObjectNode();
        ObjectNode wanted = query.putObject("device_keys");
        members.forEach(u -> wanted.putArray(u));
        JsonNode answer = hs.post("keys/query", query).path("device_keys");
        List<Device> out = new ArrayList<>();
        for (String user : members) {
            for (var entry : answer.path(user).properties()) {
                String device = entry.getKey();
                JsonNode keys = entry.getValue();
                if (user.equals(userId) && device.equals(deviceId)) {
                    continue;
                }
                String ed = keys.path("keys").path("ed25519:" + device).asText("");
                String curve = keys.path("keys").path("curve25519:" + device).asText("");
                String signature = keys.path("signatures").path(user).path("ed25519:" + device).asText("");
                boolean valid = user.equals(keys.path("user_id").asText()) && device.equals(keys.path("device_id").asText())
                        && !curve.isEmpty() && keys instanceof ObjectNode o
                        && Signatures.verify(ed, CanonicalJson.forSigning(o), signature);
                if (valid) {
                    out.add(new Device(user, device, curve, ed));
                } else {
                    log.warn("Ignored device {} of {}: its keys are not signed by itself", device, user);
                }
            }
        }
        return out;
    }

    /** Sends the room key to each device over Olm (opening sessions with claimed one-time keys where needed). */
    private void share(String roomId, MegolmOutbound session, List<Device> devices) throws IOException {
        Map<Device, OlmSession> sessions = new LinkedHashMap<>();
        List<Device> toClaim = new ArrayList<>();
        for (Device d : devices) {
            List<OlmSession> known = store.olmSessions(d.curve25519());
            if (known.isEmpty()) {
                toClaim.add(d);
            } else {
                sessions.put(d, known.get(0));
            }
        }
        if (!toClaim.isEmpty()) {
            sessions.putAll(claim(toClaim));
        }
        ObjectNode body = mapper.createObjectNode();
        ObjectNode messages = body.putObject("messages");
        for (Map.Entry<Device, OlmSession> e : sessions.entrySet()) {
            Device d = e.getKey();
            ObjectNode payload = mapper.createObjectNode();
            payload.put("type", "m.room_key");
            payload.putObject("content").put("algorithm", BotDevice.MEGOLM).put("room_id", roomId)
                    .put("session_id", session.id()).put("session_key", session.sessionKey());
            payload.put("sender", userId).put("sender_device", deviceId).put("recipient", d.userId());
            payload.putObject("keys").put("ed25519", account.ed25519());
            payload.putObject("recipient_keys").put("ed25519", d.ed25519());
            OlmCiphertext c = e.getValue().encrypt(CanonicalJson.of(payload));
            store.saveOlmSession(d.curve25519(), e.getValue(), System.currentTimeMillis());
            ObjectNode content = mapper.createObjectNode();
            content.put("algorithm", BotDevice.OLM).put("sender_key", account.curve25519());
            content.putObject("ciphertext").putObject(d.curve25519()).put("type", c.type()).put("body", c.body());
            ObjectNode forUser = messages.has(d.userId()) ? (ObjectNode) messages.get(d.userId()) : messages.putObject(d.userId());
            forUser.set(d.deviceId(), content);
        }
        if (!sessions.isEmpty()) {
            hs.put("sendToDevice/m.room.encrypted/" + UUID.randomUUID(), body);
            log.info("Shared the room key of {} with {} device(s)", roomId, sessions.size());
        }
    }

    private Map<Device, OlmSession> claim(List<Device> devices) throws IOException {
        ObjectNode query = mapper.createObjectNode();
        ObjectNode wanted = query.putObject("one_time_keys");
        for (Device d : devices) {
            (wanted.has(d.userId()) ? (ObjectNode) wanted.get(d.userId()) : wanted.putObject(d.userId()))
                    .put(d.deviceId(), "signed_curve25519");
        }
        JsonNode answer = hs.post("keys/claim", query).path("one_time_keys");
        Map<Device, OlmSession> out = new HashMap<>();
        for (Device d : devices) {
            for (var k : answer.path(d.userId()).path(d.deviceId()).properties()) {
                JsonNode key = k.getValue();
                String signature = key.path("signatures").path(d.userId()).path("ed25519:" + d.deviceId()).asText("");
                if (!k.getKey().startsWith("signed_curve25519:") || !(key instanceof ObjectNode o)
                        || !Signatures.verify(d.ed25519(), CanonicalJson.forSigning(o), signature)) {
                    log.warn("Ignored a one-time key of device {} of {}: bad signature", d.deviceId(), d.userId());
                    continue;
                }
                out.put(d, account.openSession(d.curve25519(), key.path("key").asText()));
            }
            if (!out.containsKey(d)) {
                log.warn("Device {} of {} has no one-time key left: it cannot read the bot's messages in this room for now",
                        d.deviceId(), d.userId());
            }
        }
        return out;
    }
}
