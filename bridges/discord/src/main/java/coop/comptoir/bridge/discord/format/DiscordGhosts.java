package coop.comptoir.bridge.discord.format;

import coop.comptoir.api.id.UserId;
import java.util.Objects;
import java.util.Optional;

/**
 * The naming rule of Discord ghosts on Matrix: Discord user {@code 123} is
 * {@code @_discord_123:server}. Resolvers on both sides can share one instance.
 *
 * @param serverName the homeserver of the ghosts
 * @param prefix     the localpart prefix, {@value #DEFAULT_PREFIX} by default
 */
public record DiscordGhosts(String serverName, String prefix) {
    public static final String DEFAULT_PREFIX = "_discord_";

    public DiscordGhosts {
        Objects.requireNonNull(serverName, "serverName");
        Objects.requireNonNull(prefix, "prefix");
        UserId.of(prefix + "0", serverName); // validates both
    }

    public DiscordGhosts(String serverName) {
        this(serverName, DEFAULT_PREFIX);
    }

    /** The ghost of a Discord user. */
    public UserId ghost(String discordUserId) {
        return UserId.of(prefix + Snowflakes.check("Discord user id", discordUserId), serverName);
    }

    /** The Discord user behind a ghost, or empty if {@code user} is not one of our ghosts. */
    public Optional<String> discordUserId(UserId user) {
        if (user == null || !user.serverName().equals(serverName) || !user.localpart().startsWith(prefix)) {
            return Optional.empty();
        }
        String id = user.localpart().substring(prefix.length());
        return Snowflakes.isSnowflake(id) ? Optional.of(id) : Optional.empty();
    }
}
