package coop.comptoir.internal.config;

import coop.comptoir.api.plugin.ConfigException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Replaces {@code ${NAME}} and {@code ${NAME:-default}} in string values (never in keys) with
 * environment variables; {@code $${} writes a literal {@code ${}. As in a shell, the default is
 * used when the variable is unset or empty. A string that had a substitution becomes an
 * {@link EnvTextNode}, so that no message ever shows its value.
 */
final class EnvSubstitution {
    private final Map<String, String> env;

    EnvSubstitution(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    /** Substitutes in place every string value under {@code node}; errors name the key path. */
    void apply(JsonNode node, String path, List<ConfigException> errors) {
        if (node instanceof ObjectNode object) {
            for (var field : object.properties()) {
                String childPath = KeyPaths.child(path, field.getKey());
                JsonNode value = field.getValue();
                if (value.isTextual()) {
                    field.setValue(substitute(value, childPath, errors));
                } else {
                    apply(value, childPath, errors);
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                String childPath = KeyPaths.index(path, i);
                JsonNode value = array.get(i);
                if (value.isTextual()) {
                    array.set(i, substitute(value, childPath, errors));
                } else {
                    apply(value, childPath, errors);
                }
            }
        }
    }

    /** The substituted value of one string node (the same node when it has no reference). */
    JsonNode substitute(JsonNode text, String path, List<ConfigException> errors) {
        String s = text.asText();
        if (s.indexOf('$') < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(s.length());
        boolean substituted = false;
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '$' && s.startsWith("$${", i)) {
                out.append("${");
                i += 3;
            } else if (c == '$' && s.startsWith("${", i)) {
                int end = s.indexOf('}', i);
                Reference ref = end < 0 ? null : Reference.parse(s.substring(i + 2, end));
                if (ref == null) {
                    errors.add(new ConfigException(path,
                            "malformed ${...} reference (write ${NAME} or ${NAME:-default}, and $${ for a literal ${)"));
                    return text;
                }
                String value = ref.resolve(env::get);
                if (value == null) {
                    errors.add(new ConfigException(path, "environment variable " + ref.name + " is not set"));
                    return text;
                }
                out.append(value);
                substituted = true;
                i = end + 1;
            } else {
                out.append(c);
                i++;
            }
        }
        return substituted ? new EnvTextNode(out.toString()) : TextNode.valueOf(out.toString());
    }

    private record Reference(String name, String fallback) {
        static Reference parse(String inner) {
            int sep = inner.indexOf(":-");
            String name = sep < 0 ? inner : inner.substring(0, sep);
            if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                return null;
            }
            return new Reference(name, sep < 0 ? null : inner.substring(sep + 2));
        }

        String resolve(Function<String, String> lookup) {
            String value = lookup.apply(name);
            if (fallback != null && (value == null || value.isEmpty())) {
                return fallback;
            }
            return value;
        }
    }

    /**
     * A string that came (at least partly) from the environment. Only its type differs from a
     * {@link TextNode}: messages describe it without its value. Value nodes are immutable, so the
     * mark survives {@code deepCopy()}.
     */
    static final class EnvTextNode extends TextNode {
        private static final long serialVersionUID = 1L;

        EnvTextNode(String value) {
            super(value);
        }
    }
}
