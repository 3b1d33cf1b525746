package coop.comptoir.bridge.discord;

import coop.comptoir.api.plugin.ConfigException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One Discord bridge's config section. Keys are snake_case in YAML ({@code webhook_name}).
 *
 * @param token                 the bot token; write {@code ${DISCORD_TOKEN}} and keep it in the environment.
 *                              Never logged, never shown in an error
 * @param guildId               the Discord server whose channels may be bridged (required): a channel of
 *                              any other server the bot is in is never linked nor read
 * @param links                 portals written in the config, besides those made with {@code !bridge link}
 * @param ghostPrefix           localpart prefix of the Discord users' ghosts (default {@code _discord_})
 * @param ghostName             display name of a ghost, {@code {name}} being the Discord name
 *                              (default {@code "{name} (Discord)"})
 * @param webhookName           name of the webhook the bridge creates in each channel to speak for Matrix
 *                              users (default {@code Comptoir})
 * @param language              {@code fr} or {@code en}, for notices in the rooms; null: the top-level {@code language:}
 * @param maxRetryDelaySeconds  longest wait between two delivery attempts while Discord is down (default 300)
 * @param apiBaseUrl            for tests against a local server only: the REST base with the version
 *                              ({@code http://127.0.0.1:PORT/api/v10/}); default Discord's
 * @param gatewayUrl            for tests against a local server only: the Gateway WebSocket address
 * @param cdnUrl                for tests against a local server only: where avatars and custom emoji are
 *                              fetched instead of {@code https://cdn.discordapp.com}
 * @param publicAddress         where Discord fetches Matrix users' avatars from (optional)
 * @param redactMatrixOriginals when a Discord moderator deletes the copy of a message written on Matrix,
 *                              also redact the original on Matrix with the bot's power (default false:
 *                              only the bridge's own copies of Discord messages are redacted)
 */
public record DiscordConfig(String token, String guildId, List<Link> links, String ghostPrefix, String ghostName,
                            String webhookName, String language, Integer maxRetryDelaySeconds, String apiBaseUrl,
                            String gatewayUrl, String cdnUrl, String publicAddress, Boolean redactMatrixOriginals) {
    static final String DISCORD_CDN = "https://cdn.discordapp.com";

    public DiscordConfig {
        links = links == null ? List.of() : List.copyOf(links);
        ghostPrefix = ghostPrefix == null ? "_discord_" : ghostPrefix;
        ghostName = ghostName == null ? "{name} (Discord)" : ghostName;
        webhookName = webhookName == null ? "Comptoir" : webhookName;
        language = language == null ? null : language.toLowerCase(Locale.ROOT);
        maxRetryDelaySeconds = maxRetryDelaySeconds == null ? 300 : maxRetryDelaySeconds;
        apiBaseUrl = blankToNull(apiBaseUrl);
        publicAddress = blankToNull(publicAddress);
        gatewayUrl = blankToNull(gatewayUrl);
        cdnUrl = blankToNull(cdnUrl);
        guildId = blankToNull(guildId);
        redactMatrixOriginals = redactMatrixOriginals != null && redactMatrixOriginals;
    }

    /**
     * A portal from the config file.
     *
     * @param room    a room ID ({@code !abc:server}) or alias ({@code #name:server})
     * @param channel the Discord channel's ID (right click → Copy Channel ID, with developer mode on)
     */
    public record Link(String room, String channel) {}

    /** Where Discord fetches Matrix users' avatars from (see the README), if configured. */
    java.util.Optional<java.net.URI> publicUri() {
        return java.util.Optional.ofNullable(publicAddress).map(java.net.URI::create);
    }

    Duration maxRetryDelay() {
        return Duration.ofSeconds(maxRetryDelaySeconds);
    }

    /** The CDN address without a trailing slash. */
    String cdn() {
        String c = cdnUrl == null ? DISCORD_CDN : cdnUrl;
        return c.endsWith("/") ? c.substring(0, c.length() - 1) : c;
    }

    /** Every problem, each with its key path under {@code path}; none of them holds the token. */
    List<ConfigException> problems(String path) {
        List<ConfigException> out = new ArrayList<>();
        if (token == null || token.isBlank()) {
            out.add(new ConfigException(path + ".token", "missing (the bot token, e.g. token: ${DISCORD_TOKEN})"));
        } else if (token.startsWith("Bot ")) {
            out.add(new ConfigException(path + ".token", "give the token alone, without the \"Bot \" prefix"));
        } else if (token.chars().anyMatch(Character::isWhitespace)) {
            out.add(new ConfigException(path + ".token", "must not contain spaces or line breaks"));
        }
        if (guildId == null) {
            out.add(new ConfigException(path + ".guild_id", "missing: the ID of the Discord server to bridge (Developer Mode on"
                    + " → right click on the server → Copy Server ID); only its channels can be linked"));
        } else if (!isSnowflake(guildId)) {
            out.add(new ConfigException(path + ".guild_id", "expected a Discord server ID (digits only)"));
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
            if (l.channel() == null || !isSnowflake(l.channel())) {
                out.add(new ConfigException(lp + ".channel", "expected a Discord channel ID (digits only)"));
            } else if (!channels.add(l.channel())) {
                out.add(new ConfigException(lp + ".channel", "channel " + l.channel() + " is linked twice"));
            }
        }
        if (!ghostPrefix.matches("[a-z0-9._=/-]+")) {
            out.add(new ConfigException(path + ".ghost_prefix", "lower-case letters, digits and . _ = - / only"));
        }
        if (!ghostName.contains("{name}")) {
            out.add(new ConfigException(path + ".ghost_name", "must contain {name}"));
        }
        if (webhookName.isBlank() || webhookName.length() > 80) {
            out.add(new ConfigException(path + ".webhook_name", "1 to 80 characters"));
        } else if (!WebhookNames.acceptedByDiscord(webhookName)) {
            out.add(new ConfigException(path + ".webhook_name", "Discord refuses names containing \"discord\" or \"clyde\""));
        }
        if (language != null && !coop.comptoir.api.text.Catalogue.speaks(DiscordTexts.BUNDLE, language, DiscordConfig.class)) {
            out.add(new ConfigException(path + ".language", "fr or en"));
        }
        if (maxRetryDelaySeconds < 1) {
            out.add(new ConfigException(path + ".max_retry_delay_seconds", "must be at least 1"));
        }
        checkUrl(apiBaseUrl, path + ".api_base_url", List.of("http", "https"), out);
        checkUrl(gatewayUrl, path + ".gateway_url", List.of("ws", "wss"), out);
        checkUrl(cdnUrl, path + ".cdn_url", List.of("http", "https"), out);
        checkUrl(publicAddress, path + ".public_address", List.of("http", "https"), out);
        return out;
    }

    private static void checkUrl(String url, String key, List<String> schemes, List<ConfigException> out) {
        if (url == null) {
            return;
        }
        try {
            URI u = URI.create(url);
            if (!schemes.contains(u.getScheme()) || u.getHost() == null) {
                out.add(new ConfigException(key, "expected a " + String.join(" or ", schemes) + " address"));
            }
        } catch (IllegalArgumentException e) {
            out.add(new ConfigException(key, "not a valid address"));
        }
    }

    static boolean isSnowflake(String s) {
        return s.matches("[0-9]{1,20}");
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    /** Never shows the token. */
    @Override
    public String toString() {
        return "DiscordConfig[guildId=" + guildId + ", links=" + links + ", ghostPrefix=" + ghostPrefix
                + ", webhookName=" + webhookName + ", language=" + language + ", redactMatrixOriginals=" + redactMatrixOriginals
                + ", token=***]";
    }
}
