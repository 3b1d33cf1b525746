package coop.comptoir.bridge.rocketchat;

import coop.comptoir.api.plugin.ConfigException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * One Rocket.Chat bridge's config section ({@code type: rocketchat}); keys are snake_case in YAML.
 *
 * <p>Rocket.Chat's own keys:
 *
 * @param serverUrl      the server's address ({@code https://chat.example.coop}); the realtime API is
 *                       reached at {@code wss://…/websocket}
 * @param userId         the bot user's ID (Administration → Users, or the token page)
 * @param token          the bot user's personal access token; write {@code ${ROCKETCHAT_TOKEN}} and keep it
 *                       in the environment. Never logged, never shown in an error
 * @param maxFileBytes   largest file sent to Rocket.Chat (default 100 MiB, Rocket.Chat's default
 *                       {@code FileUpload_MaxFileSize}); lower it to the server's setting
 *
 * <p>Generic bridge keys, the same as the Discord bridge's today (they move to the engine's own
 * config when it lands):
 *
 * @param links                 portals written in the config, besides those made with {@code !bridge link}
 * @param ghostPrefix           localpart prefix of the Rocket.Chat users' ghosts (default {@code _rocketchat_})
 * @param ghostName             display name of a ghost, {@code {name}} being the Rocket.Chat name
 *                              (default {@code "{name} (Rocket.Chat)"})
 * @param language              {@code fr} or {@code en}, for notices in the rooms; null: the top-level {@code language:}
 * @param maxRetryDelaySeconds  longest wait between two delivery attempts while Rocket.Chat is down (default 300)
 * @param publicAddress         where Rocket.Chat fetches Matrix users' avatars from (optional)
 * @param redactMatrixOriginals when a Rocket.Chat moderator deletes the copy of a Matrix message, also
 *                              redact the Matrix original (default false)
 */
public record RocketChatConfig(String serverUrl, String userId, String token, Long maxFileBytes,
                               // ---- generic bridge keys (mirror DiscordConfig; to move onto the engine config) ----
                               List<Link> links, String ghostPrefix, String ghostName, String language,
                               Integer maxRetryDelaySeconds, String publicAddress, Boolean redactMatrixOriginals) {

    public RocketChatConfig {
        serverUrl = blankToNull(serverUrl);
        userId = blankToNull(userId);
        maxFileBytes = maxFileBytes == null ? 100L * 1024 * 1024 : maxFileBytes;
        links = links == null ? List.of() : List.copyOf(links);
        ghostPrefix = ghostPrefix == null ? "_rocketchat_" : ghostPrefix;
        ghostName = ghostName == null ? "{name} (Rocket.Chat)" : ghostName;
        language = language == null ? null : language.toLowerCase(Locale.ROOT);
        maxRetryDelaySeconds = maxRetryDelaySeconds == null ? 300 : maxRetryDelaySeconds;
        publicAddress = blankToNull(publicAddress);
        redactMatrixOriginals = redactMatrixOriginals != null && redactMatrixOriginals;
    }

    /**
     * A portal from the config file.
     *
     * @param room    a room ID ({@code !abc:server}) or alias ({@code #name:server})
     * @param channel the Rocket.Chat room's ID (Room info → the address ends with it, or {@code rooms.info})
     */
    public record Link(String room, String channel) {}

    /** The server address without a trailing slash. */
    String server() {
        return serverUrl.endsWith("/") ? serverUrl.substring(0, serverUrl.length() - 1) : serverUrl;
    }

    Optional<URI> publicUri() {
        return Optional.ofNullable(publicAddress).map(URI::create);
    }

    Duration maxRetryDelay() {
        return Duration.ofSeconds(maxRetryDelaySeconds);
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
        } else if (!userId.matches("[A-Za-z0-9]{1,64}")) {
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
        Set<String> channels = new HashSet<>();
        for (int i = 0; i < links.size(); i++) {
            Link l = links.get(i);
            String lp = path + ".links[" + i + "]";
            if (l == null) {
                out.add(new ConfigException(lp, "expected {room, channel}"));
                continue;
            }
            if (l.room() == null || !l.room().matches("![^\\s]+|#[^:\\s]+:\\S+")) {
                out.add(new ConfigException(lp + ".room", "expected a room ID (!abc:server) or alias (#name:server)"));
            }
            if (l.channel() == null || !l.channel().matches("[A-Za-z0-9]{1,64}")) {
                out.add(new ConfigException(lp + ".channel", "expected a Rocket.Chat room ID (letters and digits)"));
            } else if (!channels.add(l.channel())) {
                out.add(new ConfigException(lp + ".channel", "room " + l.channel() + " is linked twice"));
            }
        }
        if (!ghostPrefix.matches("[a-z0-9._=/-]+")) {
            out.add(new ConfigException(path + ".ghost_prefix", "lower-case letters, digits and . _ = - / only"));
        }
        if (!ghostName.contains("{name}")) {
            out.add(new ConfigException(path + ".ghost_name", "must contain {name}"));
        }
        if (language != null && !coop.comptoir.api.text.Catalogue.speaks(RocketChatTexts.BUNDLE, language, RocketChatConfig.class)) {
            out.add(new ConfigException(path + ".language", "fr or en"));
        }
        if (maxRetryDelaySeconds < 1) {
            out.add(new ConfigException(path + ".max_retry_delay_seconds", "must be at least 1"));
        }
        if (publicAddress != null) {
            checkUrl(publicAddress, path + ".public_address", out);
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
        return "RocketChatConfig[serverUrl=" + serverUrl + ", userId=" + userId + ", links=" + links + ", ghostPrefix="
                + ghostPrefix + ", language=" + language + ", token=***]";
    }
}
