package coop.comptoir.internal.encryption;

import com.fasterxml.jackson.databind.JsonNode;
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
 * come stays as it came, and is logged.
 */
public final class Decryption implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Decryption.class);

    private final CompletableFuture<EndToEnd> device = new CompletableFuture<>();

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
            if (events.stream().anyMatch(Decryption::encrypted)) {
                log.warn("Encrypted events left encrypted: the bot's encryption device is not up");
            }
            return events;
        }
        if (transaction != null) {
            e2e.receive(transaction);
        }
        if (events.stream().noneMatch(Decryption::encrypted)) {
            return events;
        }
        List<MatrixEvent> out = new ArrayList<>(events.size());
        for (MatrixEvent e : events) {
            if (encrypted(e)) {
                Optional<MatrixEvent> plain = e2e.decrypt(e.json(), Duration.ZERO).map(MatrixEvent::of);
                out.add(plain.orElse(e));
            } else {
                out.add(e);
            }
        }
        return out;
    }

    private static boolean encrypted(MatrixEvent e) {
        return EndToEnd.ENCRYPTED.equals(e.type()) && e.roomId() != null && !e.isState();
    }

    @Override
    public void close() {
        device.thenAccept(EndToEnd::close);
    }
}
