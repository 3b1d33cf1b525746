package coop.comptoir.bridge.discord;

import coop.comptoir.api.plugin.ConfigException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * The Discord connector's own keys in a Discord bridge's config section (snake_case in YAML:
 * {@code webhook_name}). The keys every bridge has (links, ghost prefix and name, language, retry
 * delay, public address, redact_matrix_originals) are the engine's
 * ({@link coop.comptoir.bridge.api.BridgeConfig}), in the same section.
 *
 * @param token       the bot token; write {@code ${DISCORD_TOKEN}} and keep it in the environment.
 *                    Never logged, never shown in an error
 * @param guildId     the Discord server whose channels may be bridged (required): a channel of any
 *                    other server the bot is in is never linked nor read
 * @param webhookName name of the webhook the bridge creates in each channel to speak for Matrix
 *                    users (default {@code Comptoir})
 * @param apiBaseUrl  for tests against a local server only: the REST base with the version
 *                    ({@code http://127.0.0.1:PORT/api/v10/}); default Discord's
 * @param gatewayUrl  for tests against a local server only: the Gateway WebSocket address
 * @param cdnUrl      for tests against a local server only: where avatars and custom emoji are
 *                    fetched instead of {@code https://cdn.discordapp.com}
 */
public record DiscordConfig(String token, String guildId, String webhookName, String apiBaseUrl, String gatewayUrl,
                            String cdnUrl) {
    static final String DISCORD_CDN = "https://cdn.discordapp.com";

    public DiscordConfig {
        webhookName = webhookName == null ? "Comptoir" : webhookName;
        apiBaseUrl = blankToNull(apiBaseUrl);
        gatewayUrl = blankToNull(gatewayUrl);
        cdnUrl = blankToNull(cdnUrl);
        guildId = blankToNull(guildId);
    }

    /** The REST base with a trailing slash. */
    String api() {
        String a = apiBaseUrl == null ? "https://discord.com/api/v10/" : apiBaseUrl;
        return a.endsWith("/") ? a : a + "/";
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
        if (webhookName.isBlank() || webhookName.length() > 80) {
            out.add(new ConfigException(path + ".webhook_name", "1 to 80 characters"));
        } else if (!WebhookNames.acceptedByDiscord(webhookName)) {
            out.add(new ConfigException(path + ".webhook_name", "Discord refuses names containing \"discord\" or \"clyde\""));
        }
        checkUrl(apiBaseUrl, path + ".api_base_url", List.of("http", "https"), out);
        checkUrl(gatewayUrl, path + ".gateway_url", List.of("ws", "wss"), out);
        checkUrl(cdnUrl, path + ".cdn_url", List.of("http", "https"), out);
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
        return "DiscordConfig[guildId=" + guildId + ", webhookName=" + webhookName + ", token=***]";
    }
}
