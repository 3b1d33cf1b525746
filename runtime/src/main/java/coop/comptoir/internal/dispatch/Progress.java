package coop.comptoir.internal.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What is done of a transaction that is not handled yet, as saved in the journal: the events done
 * (by index in the transaction), and for an event being retried, its failed attempts and the
 * subscriptions already done with it. Stored as a small JSON object:
 * {@code {"done":[0,1,4],"partial":[{"i":3,"attempts":2,"ok":["bridge/0"]}]}}.
 */
record Progress(BitSet done, Map<Integer, Partial> partial) {
    private static final Logger log = LoggerFactory.getLogger(Progress.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    static final Progress NONE = new Progress(new BitSet(), Map.of());

    /** An event tried {@code attempts} times, done with by the subscriptions {@code ok}. */
    record Partial(int attempts, Set<String> ok) {}

    boolean isDone(int index) {
        return done.get(index);
    }

    String encode() {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode d = root.putArray("done");
        done.stream().forEach(d::add);
        ArrayNode p = root.putArray("partial");
        partial.forEach((i, part) -> {
            ObjectNode n = p.addObject().put("i", i).put("attempts", part.attempts());
            ArrayNode ok = n.putArray("ok");
            part.ok().forEach(ok::add);
        });
        return root.toString();
    }

    /** The saved progress, or {@link #NONE} when there is none or it cannot be read (then all is done again). */
    static Progress decode(long seq, String saved) {
        if (saved == null || saved.isBlank()) {
            return NONE;
        }
        try {
            JsonNode root = JSON.readTree(saved);
            BitSet done = new BitSet();
            for (JsonNode n : root.path("done")) {
                if (n.canConvertToInt() && n.asInt() >= 0) {
                    done.set(n.asInt());
                }
            }
            Map<Integer, Partial> partial = new HashMap<>();
            for (JsonNode n : root.path("partial")) {
                Set<String> ok = new LinkedHashSet<>();
                n.path("ok").forEach(k -> ok.add(k.asText()));
                partial.put(n.path("i").asInt(), new Partial(Math.max(0, n.path("attempts").asInt()), ok));
            }
            return new Progress(done, partial);
        } catch (IOException | RuntimeException e) {
            log.warn("Saved progress of transaction {} cannot be read; all its events are handled again", seq);
            return NONE;
        }
    }
}
