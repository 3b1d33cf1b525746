package coop.comptoir.bridge.discord.format;

import coop.comptoir.api.id.MxcUri;
import coop.comptoir.api.id.UserId;
import java.util.Optional;

/**
 * What {@link MatrixToDiscord} needs to know about the Matrix side of one portal.
 *
 * <p>Called on the converting thread, possibly several times per message; must not block on
 * I/O (read a cache) and should not throw: an exception is treated as "unknown".
 */
public interface MentionResolver {
    /**
     * The Discord user behind {@code user} when it is a Discord ghost ({@code @_discord_<id>:server},
     * see {@link DiscordGhosts}), otherwise empty.
     */
    Optional<String> discordUserId(UserId user);

    /** The display name of a Matrix user in the portal room, if known. */
    Optional<String> displayName(UserId user);

    /**
     * The Discord channel bridged to a Matrix room.
     *
     * @param roomIdOrAlias a room ID ({@code !…}) or alias ({@code #…:server}) as found in a link
     */
    Optional<String> discordChannelId(String roomIdOrAlias);

    /** The Discord custom emoji that was uploaded to Matrix as {@code mxc}, if any. */
    default Optional<CustomEmoji> discordEmoji(MxcUri mxc) {
        return Optional.empty();
    }

    /** Knows nothing: every user is a plain Matrix user named by its ID, no room is bridged. */
    MentionResolver NONE = new MentionResolver() {
        @Override
        public Optional<String> discordUserId(UserId user) {
            return Optional.empty();
        }

        @Override
        public Optional<String> displayName(UserId user) {
            return Optional.empty();
        }

        @Override
        public Optional<String> discordChannelId(String roomIdOrAlias) {
            return Optional.empty();
        }
    };
}
