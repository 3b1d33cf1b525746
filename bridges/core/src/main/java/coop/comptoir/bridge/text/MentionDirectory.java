package coop.comptoir.bridge.text;

import coop.comptoir.api.id.RoomAlias;
import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.id.UserId;
import java.util.Objects;
import java.util.Optional;

/**
 * What the Matrix side of the text conversion may know about the users, rooms and emoji of one
 * portal; the connector (or the engine) implements it over its caches. Remote identities are plain
 * strings as the connector writes them (a Discord snowflake, a Rocket.Chat username): no network
 * type crosses into the engine.
 *
 * <p>Called on the converting thread, possibly several times per message; must not block on I/O
 * (read a cache) and should not throw: an exception, like a null, is read as "unknown". Every
 * method has a "knows nothing" default, so implement only what the network has.
 */
public interface MentionDirectory {
    /** The remote user behind a Matrix user (a ghost's remote account), if any. */
    default Optional<String> remoteUser(UserId user) {
        return Optional.empty();
    }

    /** The Matrix user standing for a remote user: its ghost, or the Matrix user it relays. */
    default Optional<MatrixUser> matrixUser(String remoteUserId) {
        return Optional.empty();
    }

    /** The display name of a Matrix user in the portal, if known. */
    default Optional<String> displayName(UserId user) {
        return Optional.empty();
    }

    /**
     * The remote channel bridged to a Matrix room.
     *
     * @param roomIdOrAlias a room ID ({@code !…}) or alias ({@code #…:server}) as found in a link
     */
    default Optional<String> remoteChannel(String roomIdOrAlias) {
        return Optional.empty();
    }

    /** A remote channel: its name and, when bridged, its Matrix room. */
    default Optional<MatrixRoom> matrixRoom(String remoteChannelId) {
        return Optional.empty();
    }

    /** The network's spelling of the custom emoji uploaded as {@code mxcUri}, if any. */
    default Optional<String> remoteEmoji(String mxcUri) {
        return Optional.empty();
    }

    /** Knows nothing: mentions are shown by their IDs or link texts. */
    MentionDirectory NONE = new MentionDirectory() {};

    /**
     * A Matrix user and the name to show for it.
     *
     * @param id          the Matrix user
     * @param displayName the pill text and plain-text name (the user ID when blank)
     */
    record MatrixUser(UserId id, String displayName) {
        public MatrixUser {
            Objects.requireNonNull(id, "id");
            displayName = displayName == null || displayName.isBlank() ? id.value() : displayName;
        }
    }

    /**
     * A remote channel as Matrix sees it.
     *
     * @param name       the channel name, without {@code #}
     * @param matrixRoom the bridged room, a room ID {@code !…} or an alias {@code #…:server}
     *                   (preferred, it makes nicer links); null when not bridged
     */
    record MatrixRoom(String name, String matrixRoom) {
        public MatrixRoom {
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
}
