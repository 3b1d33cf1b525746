package coop.comptoir.internal.config;

import coop.comptoir.api.plugin.Namespaces;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.PatternSyntaxException;

/**
 * What Comptoir reads back from a registration file: the tokens (when the config does not give
 * them) and what must agree with the config. {@code toString()} hides the tokens.
 *
 * @param namespaces as written; entries that are not {@code {regex, exclusive}} are left out
 */
public record RegistrationFile(String id, String url, String asToken, String hsToken, String senderLocalpart,
                               Namespaces namespaces) {

    /**
     * Reads a registration file. Missing keys are null.
     *
     * @throws ConfigErrors (key {@code appservice.registration}) when the file is missing, unreadable,
     *     not YAML or not a mapping
     */
    public static RegistrationFile read(Path file) {
        String at = "appservice.registration";
        JsonNode root;
        try {
            root = ConfigLoader.readYaml(file, at);
        } catch (ConfigErrors e) {
            // Name the file: the key alone does not say which one was read.
            String reason = e.errors().get(0).getMessage().substring(at.length() + 2);
            throw ConfigErrors.of(at, reason.startsWith("file ") ? reason : "file " + file + " is " + reason);
        }
        if (!root.isObject()) {
            throw ConfigErrors.of(at, "file " + file + " is not a registration (expected a mapping with as_token, hs_token, …)");
        }
        JsonNode ns = root.path("namespaces");
        return new RegistrationFile(text(root, "id"), text(root, "url"), text(root, "as_token"),
                text(root, "hs_token"), text(root, "sender_localpart"),
                new Namespaces(entries(ns.path("users")), entries(ns.path("aliases")), entries(ns.path("rooms"))));
    }

    private static List<Namespaces.Entry> entries(JsonNode list) {
        List<Namespaces.Entry> out = new ArrayList<>();
        for (JsonNode item : list) {
            JsonNode regex = item.get("regex");
            if (regex != null && regex.isTextual()) {
                try {
                    out.add(new Namespaces.Entry(regex.asText(), item.path("exclusive").asBoolean(false)));
                } catch (PatternSyntaxException e) {
                    // Not something Comptoir wrote; comparisons will show it as different.
                }
            }
        }
        return out;
    }

    private static String text(JsonNode root, String key) {
        JsonNode value = root.get(key);
        return value == null || !value.isValueNode() || value.isNull() ? null : value.asText();
    }

    @Override
    public String toString() {
        return "RegistrationFile[id=" + id + ", url=" + url + ", asToken=" + (asToken == null ? "null" : "(hidden)")
                + ", hsToken=" + (hsToken == null ? "null" : "(hidden)") + ", senderLocalpart=" + senderLocalpart
                + ", namespaces=" + namespaces + "]";
    }
}
