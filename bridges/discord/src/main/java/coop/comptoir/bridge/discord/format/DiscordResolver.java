package coop.comptoir.bridge.discord.format;

import coop.comptoir.api.id.MxcUri;
import coop.comptoir.api.id.RoomAlias;
import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.id.UserId;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link DiscordToMatrix} needs to know about the Discord side of one portal.
 *
 * <p>Called on the converting thread, possibly several times per message; must not block on
 * I/O (read a cache) and should not throw: an exception is treated as "unknown".
 */
public interface DiscordResolver {
    /**
     * The Matrix user standing for a Discord user: its ghost ({@code @_discord_<id>:server}), or the
     * Matrix user whose messages that Discord account relays (webhook author).
     */
    Optional<MatrixUser> user(String discordUserId);

    /** A Discord channel: its name, and the Matrix room if it is bridged. */
    Optional<Channel> channel(String channelId);

    /** The name of a Discord role (shown as text, never pinged). */
    Optional<String> roleName(String roleId);

    /** The {@code mxc://} copy of a custom emoji if the connector uploaded one. */
    default Optional<MxcUri> emojiMxc(CustomEmoji emoji) {
        return Optional.empty();
    }

    /**
     * A Matrix user and the name to show for it.
     *
     * @param id          the Matrix user
     * @param displayName the pill text and plain-text name
     */
    record MatrixUser(UserId id, String displayName) {
        public MatrixUser {
            Objects.requireNonNull(id, "id");
            displayName = displayName == null || displayName.isBlank() ? id.value() : displayName;
        }
    }

    /**
     * A Discord channel.
     *
     * @param name       the channel name, without {@code #}
     * @param matrixRoom the bridged room, a room ID {@code !…} or an alias {@code #…:server}
     *                   (preferred, it makes nicer links); null when not bridged
     */
    record Channel(String name, String matrixRoom) {
        public Channel {
            Objects.requireNonNull(name, "name");
            if (matrixRoom != null) {
                if (matrixRoom.startsWith("#")) {
                    RoomAlias.of(matrixRoom);
                } else {
                    RoomId.of(matrixRoom);
                }
            }
        }
    }

    /** Knows nothing: mentions are shown by their ID. */
    DiscordResolver NONE = new DiscordResolver() {
        @Override
        public Optional<MatrixUser> user(String discordUserId) {
            return Optional.empty();
        }

        @Override
        public Optional<Channel> channel(String channelId) {
            return Optional.empty();
        }

        @Override
        public Optional<String> roleName(String roleId) {
            return Optional.empty();
        }
    };
}
