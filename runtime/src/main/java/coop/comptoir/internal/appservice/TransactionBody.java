package coop.comptoir.internal.appservice;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import coop.comptoir.api.event.MatrixEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the body of a transaction from the homeserver: its events, in the order the handlers get
 * them (persistent events, then ephemeral ones), and its fingerprint.
 *
 * <p>The same parsing serves the request and the replay of a stored transaction after a restart,
 * so an event keeps its index in the list both times (the dispatcher's saved progress refers to
 * events by that index).
 *
 * <p>The fingerprint tells two transactions that share an ID apart: a SHA-256 over the IDs of the
 * persistent events, in order. It leaves out what a homeserver may change when it sends the same
 * transaction again ({@code unsigned.age}, the order of JSON keys, ephemeral events, which Synapse
 * drops from a transaction it retries after its own restart), and catches what matters: a homeserver
 * restored from a backup that numbers new events with IDs it used before.
 */
public final class TransactionBody {
    private static final Logger log = LoggerFactory.getLogger(TransactionBody.class);
    private static final String[] EPHEMERAL_KEYS = {"ephemeral", "de.sorunome.msc2409.ephemeral"};

    /** The events of a body and its fingerprint. */
    public record Parsed(List<MatrixEvent> events, String fingerprint) {}

    /** A body that is not a transaction; {@code errcode} is the Matrix error code to answer. */
    public static final class BadTransaction extends Exception {
        private final String errcode;

        BadTransaction(String errcode, String message) {
            super(message);
            this.errcode = errcode;
        }

        public String errcode() {
            return errcode;
        }
    }

    private TransactionBody() {}

    /**
     * Parses a body as received. The envelope must be right ({@code events} an array, ephemeral
     * keys arrays when present); a single event that cannot be read is logged and left out.
     *
     * @throws BadTransaction not JSON ({@code M_NOT_JSON}) or not the shape of a transaction ({@code M_BAD_JSON})
     */
    public static Parsed parse(ObjectMapper mapper, String txnId, byte[] body) throws BadTransaction {
        JsonNode root;
        try {
            root = mapper.readTree(body);
        } catch (JsonProcessingException e) {
            throw new BadTransaction("M_NOT_JSON", "Body is not valid JSON");
        } catch (IOException e) {
            throw new BadTransaction("M_NOT_JSON", "Body could not be read");
        }
        if (root == null || !root.isObject()) {
            throw new BadTransaction("M_BAD_JSON", "Body must be a JSON object");
        }
        JsonNode events = root.get("events");
        if (events == null || !events.isArray()) {
            throw new BadTransaction("M_BAD_JSON", "'events' must be an array");
        }
        for (String key : EPHEMERAL_KEYS) {
            JsonNode eph = root.get(key);
            if (eph != null && !eph.isArray()) {
                throw new BadTransaction("M_BAD_JSON", "'" + key + "' must be an array");
            }
        }
        return new Parsed(events(txnId, root), fingerprint(events));
    }

    /**
     * The events of a stored body (already checked when it was received); an empty list, logged,
     * if it cannot be read any more.
     */
    public static List<MatrixEvent> readStored(ObjectMapper mapper, String txnId, byte[] body) {
        try {
            JsonNode root = body == null ? null : mapper.readTree(body);
            if (root != null && root.isObject()) {
                return events(txnId, root);
            }
        } catch (IOException e) {
            // logged below
        }
        log.error("Stored transaction {} cannot be read back; skipped", txnId);
        return List.of();
    }

    private static List<MatrixEvent> events(String txnId, JsonNode root) {
        List<MatrixEvent> out = new ArrayList<>(root.path("events").size());
        readEvents(txnId, root.path("events"), out);
        for (String key : EPHEMERAL_KEYS) {
            readEvents(txnId, root.path(key), out);
        }
        return out;
    }

    private static void readEvents(String txnId, JsonNode array, List<MatrixEvent> out) {
        for (JsonNode n : array) {
            try {
                out.add(MatrixEvent.of(n));
            } catch (IllegalArgumentException e) {
                log.warn("Skipped an unreadable event in transaction {} ({}): {}", txnId,
                        n.path("event_id").asText("no event_id"), e.getMessage());
            }
        }
    }

    /** SHA-256, in hex, over the persistent events' IDs (an event without one: its JSON), each ended by a NUL. */
    static String fingerprint(JsonNode events) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (JsonNode n : events) {
            JsonNode id = n.get("event_id");
            String key = id != null && id.isTextual() ? id.asText() : n.toString();
            sha.update(key.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
