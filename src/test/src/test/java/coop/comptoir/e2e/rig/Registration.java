package coop.comptoir.e2e.rig;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * An appservice registration file as Synapse reads it: what the tests need to talk to Comptoir
 * as the homeserver would ({@code hs_token}) and to check which users it owns.
 */
public record Registration(
        Path file,
        String id,
        String url,
        String asToken,
        String hsToken,
        String senderLocalpart,
        List<String> userRegexes,
        JsonNode tree) {

    /** Reads a registration file; a missing required key is an error naming the key. */
    public static Registration read(Path file) throws IOException {
        JsonNode tree = Http.YAML.readTree(file.toFile());
        if (tree == null || !tree.isObject()) {
            throw new IllegalStateException(file + " is not a YAML mapping");
        }
        List<String> users = new ArrayList<>();
        for (JsonNode entry : tree.path("namespaces").path("users")) {
            users.add(entry.path("regex").asText());
        }
        return new Registration(file, required(tree, file, "id"), tree.path("url").asText(null),
                required(tree, file, "as_token"), required(tree, file, "hs_token"),
                required(tree, file, "sender_localpart"), List.copyOf(users), tree);
    }

    private static String required(JsonNode tree, Path file, String key) {
        String value = tree.path(key).asText("");
        if (value.isEmpty()) {
            throw new IllegalStateException(file + ": " + key + " is missing");
        }
        return value;
    }

    /**
     * Whether a users namespace covers this user ID, matched as Synapse does (Python
     * {@code re.match}: anchored at the start only).
     */
    public boolean ownsUser(String userId) {
        return userRegexes.stream().anyMatch(regex -> Pattern.compile(regex).matcher(userId).lookingAt());
    }
}
