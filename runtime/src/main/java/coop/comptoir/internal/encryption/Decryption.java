package coop.comptoir.internal.encryption;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.id.UserId;
import coop.comptoir.api.matrix.MatrixClient;
import coop.comptoir.api.matrix.MatrixException;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import coop.comptoir.api.event.MatrixEvent;
import coop.comptoir.crypto.EndToEnd;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands plugins the plain events hidden in {@code m.room.encrypted} ones ({@code encryption.enabled}):
 * every stored transaction goes through {@link #decrypt} before the dispatcher sees its events: its
 * to-device messages first (the room keys members' devices send the bot), then its events. It runs
 * where transactions are committed, one at a time, while the homeserver waits for the answer: it
 * never waits for a key (the homeserver would not send it meanwhile). An event whose key has not
 * come yet is kept (up to 10 minutes, 200 events) and handed to plugins after the events of the
 * transaction that brings its key.
 */
public final class Decryption implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Decryption.class);

    private final CompletableFuture<EndToEnd> device = new CompletableFuture<>();
    private final MatrixClient matrix;
    /** Rooms known to be encrypted (for good: encryption cannot be turned off). */
    private final Set<RoomId> encryptedRooms = ConcurrentHashMap.newKeySet();
    /** Rooms seen unencrypted, and when: checked again after {@link #PLAIN_RECHECK}. */
    private final Map<RoomId, Long> plainRooms = new ConcurrentHashMap<>();
    static final long PLAIN_RECHECK = TimeUnit.SECONDS.toNanos(30);
    private static final String TO_DEVICE = "de.sorunome.msc2409.to_device";
    /** How long, and how many, events wait for a room key that comes after them. */
    static final long KEY_WAIT = TimeUnit.MINUTES.toNanos(10);
    static final int MAX_WAITING = 200;
    private final Map<String, Waiting> waiting = new java.util.LinkedHashMap<>();

    /** @param matrix the bot's client: reads whether a room is encrypted, and its members */
    public Decryption(MatrixClient matrix) {
        this.matrix = matrix;
    }

    /**
     * {@link coop.comptoir.internal.matrix.HttpMatrixClient.Encryptor}: the encrypted form of what the
     * bot sends to an encrypted room, null for other rooms (and while the device is not up, logged).
     */
    public ObjectNode encrypt(RoomId room, String type, ObjectNode content) {
        if (!isEncrypted(room)) {
            return null;
        }
        EndToEnd e2e = device.getNow(null);
        if (e2e == null) {
            log.warn("Room {} is encrypted but the bot's encryption device is not up: sending in clear", room);
            return null;
        }
        try {
            List<String> members = new ArrayList<>(matrix.joinedMembers(room).stream().map(UserId::value).toList());
            for (String invited : invitedMembers(room)) {
                if (!members.contains(invited)) {
                    members.add(invited);
                }
            }
            return e2e.encrypt(room.value(), type, content, members);
        } catch (IOException e) {
            throw new MatrixException("could not encrypt for " + room + ": " + e.getMessage(), e);
        }
    }

    /**
     * The invited members of {@code room}: a direct chat the bot just opened holds only the bot and
     * the invited member when it says hello, and her devices need the room key to read it (Element
     * shares with invited members too). Blocks on the homeserver; may throw {@link MatrixException}.
     */
    private List<String> invitedMembers(RoomId room) {
        String path = "/_matrix/client/v3/rooms/" + java.net.URLEncoder.encode(room.value(), java.nio.charset.StandardCharsets.UTF_8)
                + "/members?membership=invite";
        JsonNode answer = matrix.request("GET", path, null);
        List<String> invited = new ArrayList<>();
        if (answer != null) {
            for (JsonNode member : answer.path("chunk")) {
                if ("invite".equals(member.path("content").path("membership").asText())) {
                    invited.add(member.path("state_key").asText());
                }
            }
        }
        return invited;
    }

    private boolean isEncrypted(RoomId room) {
        if (encryptedRooms.contains(room)) {
            return true;
        }
        Long seen = plainRooms.get(room);
        if (seen != null && System.nanoTime() - seen < PLAIN_RECHECK) {
            return false;
        }
        boolean encrypted = matrix.getState(room, EncryptedRooms.ROOM_ENCRYPTION, "").isPresent();
        if (encrypted) {
            encryptedRooms.add(room);
            plainRooms.remove(room);
        } else {
            plainRooms.put(room, System.nanoTime());
        }
        return encrypted;
    }

    /** The device is up: called once by the start-up sequence. */
    public void started(EndToEnd endToEnd) {
        device.complete(endToEnd);
    }

    /** Whether the device is up. */
    public boolean isUp() {
        return device.isDone() && !device.isCompletedExceptionally();
    }

    /** The device could not be started: encrypted events stay encrypted. */
    public void failed(Exception cause) {
        device.completeExceptionally(cause);
    }

    /**
     * Takes the transaction's to-device messages, then returns its events with each encrypted one
     * replaced by its plain version when possible. Blocks on the database only; never throws.
     *
     * @param transaction the stored body, or null
     */
    public List<MatrixEvent> decrypt(JsonNode transaction, List<MatrixEvent> events) {
        EndToEnd e2e = device.getNow(null);
        if (e2e == null) {
            if (events.stream().anyMatch(this::encrypted)) {
                log.warn("Encrypted events left encrypted: the bot's encryption device is not up");
            }
            return events;
        }
        boolean keysCame = false;
        if (transaction != null) {
            e2e.receive(transaction);
            keysCame = !transaction.path(TO_DEVICE).isEmpty();
        }
        for (MatrixEvent e : events) {
            if (EncryptedRooms.ROOM_ENCRYPTION.equals(e.type()) && e.isState() && e.roomId() != null) {
                encryptedRooms.add(e.roomId());
            }
        }
        List<MatrixEvent> late = keysCame ? retryWaiting(e2e) : List.of();
        if (late.isEmpty() && events.stream().noneMatch(this::encrypted)) {
            return events;
        }
        List<MatrixEvent> out = new ArrayList<>(events.size() + late.size());
        for (MatrixEvent e : events) {
            if (encrypted(e)) {
                Optional<MatrixEvent> plain = e2e.decrypt(e.json(), Duration.ZERO).map(MatrixEvent::of);
                if (plain.isEmpty()) {
                    wait(e);
                }
                out.add(plain.orElse(e));
            } else {
                out.add(e);
            }
        }
        // After this transaction's own events: a late key's events come once it is here. They are not
        // in this transaction's stored body, so a crash before they are handled loses them (logged then).
        out.addAll(late);
        return out;
    }

    /** An event whose room key has not come yet: kept (a bounded while) for the transaction that brings it. */
    private void wait(MatrixEvent e) {
        synchronized (waiting) {
            waiting.put(e.eventId() == null ? e.json().toString() : e.eventId().value(), new Waiting(e, System.nanoTime()));
            waiting.values().removeIf(w -> System.nanoTime() - w.since() > KEY_WAIT);
            while (waiting.size() > MAX_WAITING) {
                waiting.remove(waiting.keySet().iterator().next());
            }
        }
    }

    private List<MatrixEvent> retryWaiting(EndToEnd e2e) {
        List<MatrixEvent> decrypted = new ArrayList<>();
        synchronized (waiting) {
            for (var it = waiting.values().iterator(); it.hasNext(); ) {
                Optional<ObjectNode> plain = e2e.decrypt(it.next().event().json(), Duration.ZERO);
                if (plain.isPresent()) {
                    decrypted.add(MatrixEvent.of(plain.get()));
                    it.remove();
                }
            }
        }
        if (!decrypted.isEmpty()) {
            log.info("{} encrypted event(s) decrypted once their room key came", decrypted.size());
        }
        return decrypted;
    }

    private record Waiting(MatrixEvent event, long since) {
    }

    /** An encrypted room event of someone else (the bot's own come back too: nothing to read there). */
    private boolean encrypted(MatrixEvent e) {
        return EndToEnd.ENCRYPTED.equals(e.type()) && e.roomId() != null && !e.isState() && !matrix.userId().equals(e.sender());
    }

    @Override
    public void close() {
        device.thenAccept(EndToEnd::close);
    }
}
