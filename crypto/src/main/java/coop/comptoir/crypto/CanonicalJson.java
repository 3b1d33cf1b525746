package coop.comptoir.crypto;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.TreeMap;

/**
 * Matrix's canonical JSON (keys sorted, no spaces, UTF-8), the form that signatures cover. Signing
 * drops {@code signatures} and {@code unsigned} first, as the specification says.
 */
final class CanonicalJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private CanonicalJson() {
    }

    static String of(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(sorted(node));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The text an Ed25519 signature of {@code object} covers. */
    static String forSigning(ObjectNode object) {
        ObjectNode copy = object.deepCopy();
        copy.remove("signatures");
        copy.remove("unsigned");
        return of(copy);
    }

    private static Object sorted(JsonNode node) {
        if (node.isObject()) {
            Map<String, Object> m = new TreeMap<>();
            node.properties().forEach(e -> m.put(e.getKey(), sorted(e.getValue())));
            return m;
        }
        if (node.isArray()) {
            java.util.List<Object> l = new java.util.ArrayList<>();
            node.forEach(n -> l.add(sorted(n)));
            return l;
        }
        return node;
    }
}
