package coop.comptoir.bridge.rocketchat;

import coop.comptoir.api.plugin.ConfigException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * Rocket.Chat's own keys of a bridge section ({@code type: rocketchat}); keys are snake_case in
 * YAML. The keys every bridge has (links, ghosts, language, retries, public address) are the
 * engine's ({@link coop.comptoir.bridge.api.BridgeConfig}).
 *
 * @param serverUrl    the server's address ({@code https://chat.example.coop}); the realtime API is
 *                     reached at {@code wss://…/websocket}
 * @param userId       the bot user's ID (shown with its personal access token)
 * @param token        the bot user's personal access token; write {@code ${ROCKETCHAT_TOKEN}} and keep it
 *                     in the environment. Never logged, never shown in an error
 * @param maxFileBytes largest file sent to Rocket.Chat (default 100 MiB, Rocket.Chat's default
 *                     {@code FileUpload_MaxFileSize}); lower it to the server's setting
 */
public record RocketChatConfig(String serverUrl, String userId, String token, Long maxFileBytes) {

    public RocketChatConfig {
        serverUrl = blankToNull(serverUrl);
        userId = blankToNull(userId);
        maxFileBytes = maxFileBytes == null ? 100L * 1024 * 1024 : maxFileBytes;
    }

    /** The server address without a trailing slash. */
    String server() {
        return serverUrl.endsWith("/") ? serverUrl.substring(0, serverUrl.length() - 1) : serverUrl;
    }

    /** Whether {@code id} can be a Rocket.Chat room or user ID. */
    static boolean isId(String id) {
        return id != null && id.matches("[A-Za-z0-9]{1,64}");
    }

    /** Every problem, each with its key path under {@code path}; none holds the token. */
    List<ConfigException> problems(String path) {
        List<ConfigException> out = new ArrayList<>();
        if (serverUrl == null) {
            out.add(new ConfigException(path + ".server_url", "missing: the Rocket.Chat address, e.g. https://chat.example.coop"));
        } else {
            checkUrl(serverUrl, path + ".server_url", out);
        }
        if (userId == null) {
            out.add(new ConfigException(path + ".user_id", "missing: the bot user's ID, shown with its personal access token"));
        } else if (!isId(userId)) {
            out.add(new ConfigException(path + ".user_id", "expected a Rocket.Chat user ID (letters and digits)"));
        }
        if (token == null || token.isBlank()) {
            out.add(new ConfigException(path + ".token", "missing (the bot's personal access token, e.g. token: ${ROCKETCHAT_TOKEN})"));
        } else if (token.chars().anyMatch(Character::isWhitespace)) {
            out.add(new ConfigException(path + ".token", "must not contain spaces or line breaks"));
        }
        if (maxFileBytes < 1) {
            out.add(new ConfigException(path + ".max_file_bytes", "must be at least 1"));
        }
        return out;
    }

    private static void checkUrl(String url, String key, List<ConfigException> out) {
        try {
            URI u = URI.create(url);
            if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) {
                out.add(new ConfigException(key, "expected an http or https address"));
            }
        } catch (IllegalArgumentException e) {
            out.add(new ConfigException(key, "not a valid address"));
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    /** Never shows the token. */
    @Override
    public String toString() {
        return "RocketChatConfig[serverUrl=" + serverUrl + ", userId=" + userId + ", maxFileBytes=" + maxFileBytes + ", token=***]";
    }
}
