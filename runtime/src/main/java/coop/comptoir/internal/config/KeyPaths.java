package coop.comptoir.internal.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/**
 * Key paths as shown in error messages ({@code plugins[0].rooms[1].room_id}), and the rule that
 * keeps secrets out of them.
 */
final class KeyPaths {
    private KeyPaths() {}

    static String child(String path, String key) {
        return path.isEmpty() ? key(key) : path + "." + key(key);
    }

    /** A key as shown in a path: an empty or blank key quoted ({@code ""}), so that the path still names it. */
    static String key(String key) {
        return key.isBlank() ? "\"" + key + "\"" : key;
    }

    static String index(String path, int i) {
        return path + "[" + i + "]";
    }

    /**
     * Whether a key names a secret, whose value never appears in a message: tokens, secrets,
     * passwords, keys (Discourse's {@code api_key}) and webhook URLs (they carry a token).
     */
    static boolean isSecretKey(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.endsWith("token") || k.endsWith("secret") || k.endsWith("password") || k.endsWith("passwd")
                || k.endsWith("key") || k.contains("webhook");
    }

    /** Whether any key along the path names a secret. */
    static boolean isSecretPath(String path) {
        for (String part : path.split("[.\\[]")) {
            if (!part.endsWith("]") && !part.isEmpty() && isSecretKey(part)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Describes a value for "expected …, got …": strings quoted, lists and mappings by kind. A
     * hidden value (secret key, or substituted from the environment) is described by its kind only.
     */
    static String describe(JsonNode node, boolean hidden) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return "nothing";
        }
        if (node.isArray()) {
            return "a list";
        }
        if (node.isObject()) {
            return "a mapping";
        }
        if (hidden || node instanceof EnvSubstitution.EnvTextNode) {
            return node.isTextual() ? "a string (value hidden)" : "a value (hidden)";
        }
        if (node.isTextual()) {
            String s = node.asText();
            return "\"" + (s.length() > 60 ? s.substring(0, 57) + "..." : s) + "\"";
        }
        return node.toString();
    }
}
