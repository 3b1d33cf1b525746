package coop.comptoir.internal.matrix;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * JSON bodies made of well-formed Unicode before they go to the homeserver. A string may hold a lone
 * surrogate (text from elsewhere, read from a {@code \\uD800} escape); JSON can carry it, but Synapse
 * answers 500 to such an event, again at every retry, so the message would never arrive. Each lone
 * surrogate becomes U+FFFD, as a UTF-8 decoder would show it. Pure; the input is never changed.
 */
final class WellFormedJson {
    private WellFormedJson() {}

    /** {@code node} itself when all its strings are well formed, else a copy where they are. */
    static JsonNode of(JsonNode node) {
        return hasLoneSurrogate(node) ? repaired(node.deepCopy()) : node;
    }

    private static boolean hasLoneSurrogate(JsonNode node) {
        if (node == null) {
            return false;
        }
        if (node.isTextual()) {
            return loneAt(node.textValue()) >= 0;
        }
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                if (loneAt(e.getKey()) >= 0 || hasLoneSurrogate(e.getValue())) {
                    return true;
                }
            }
        } else if (node.isArray()) {
            for (JsonNode child : node) {
                if (hasLoneSurrogate(child)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static JsonNode repaired(JsonNode node) {
        if (node.isTextual()) {
            return TextNode.valueOf(wellFormed(node.textValue()));
        }
        if (node instanceof ObjectNode o) {
            List<Map.Entry<String, JsonNode>> fields = new ArrayList<>(o.properties());
            o.removeAll();
            for (Map.Entry<String, JsonNode> e : fields) {
                o.set(wellFormed(e.getKey()), repaired(e.getValue()));
            }
        } else if (node instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                a.set(i, repaired(a.get(i)));
            }
        }
        return node;
    }

    /** {@code s} with each lone surrogate replaced by U+FFFD. */
    static String wellFormed(String s) {
        int first = loneAt(s);
        if (first < 0) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s.length()).append(s, 0, first);
        for (int i = first; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                sb.append(c).append(s.charAt(++i));
            } else {
                sb.append(Character.isSurrogate(c) ? '\uFFFD' : c);
            }
        }
        return sb.toString();
    }

    /** Where the first lone surrogate of {@code s} is, or -1. */
    private static int loneAt(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }
}
