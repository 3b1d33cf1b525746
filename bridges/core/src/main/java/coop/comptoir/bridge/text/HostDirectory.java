package coop.comptoir.bridge.text;

import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.id.UserId;
import coop.comptoir.bridge.api.BridgeHost;
import coop.comptoir.bridge.api.RemoteChannelId;
import coop.comptoir.bridge.api.RemoteUserId;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The {@link MentionDirectory} the engine offers a connector: ghosts and portals come from the
 * {@link BridgeHost}'s pure lookups, names from the connector's own cache. Immutable; as
 * thread-safe as the name functions.
 *
 * <p>A remote user becomes a pill only when {@code userNames} knows it (the connector usually
 * knows the names of the users a message mentions); a remote channel is shown by name when
 * {@code channelNames} knows it, and as a pill when it is also bridged. Matrix display names are
 * not looked up (that may block): a pill's own text is used.
 */
public final class HostDirectory implements MentionDirectory {
    private final BridgeHost host;
    private final Function<String, Optional<String>> userNames;
    private final Function<String, Optional<String>> channelNames;

    /**
     * @param host         the engine
     * @param userNames    the display name of a remote user by remote ID, empty when unknown; must
     *                     not block
     * @param channelNames the name of a remote channel (without {@code #}) by remote ID, empty when
     *                     unknown; must not block
     */
    public HostDirectory(BridgeHost host, Function<String, Optional<String>> userNames,
            Function<String, Optional<String>> channelNames) {
        this.host = Objects.requireNonNull(host, "host");
        this.userNames = Objects.requireNonNull(userNames, "userNames");
        this.channelNames = Objects.requireNonNull(channelNames, "channelNames");
    }

    @Override
    public Optional<String> remoteUser(UserId user) {
        return host.remoteUserOf(user).map(RemoteUserId::value);
    }

    @Override
    public Optional<MatrixUser> matrixUser(String remoteUserId) {
        Optional<String> name = userNames.apply(remoteUserId);
        if (name == null || name.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new MatrixUser(host.ghostOf(new RemoteUserId(remoteUserId)), name.get()));
    }

    @Override
    public Optional<String> remoteChannel(String roomIdOrAlias) {
        if (roomIdOrAlias == null || !roomIdOrAlias.startsWith("!")) {
            return Optional.empty(); // an alias would need a lookup on the homeserver
        }
        return host.channelOf(RoomId.of(roomIdOrAlias)).map(RemoteChannelId::value);
    }

    @Override
    public Optional<MatrixRoom> matrixRoom(String remoteChannelId) {
        Optional<String> name = channelNames.apply(remoteChannelId);
        if (name == null || name.isEmpty()) {
            return Optional.empty();
        }
        String room = host.roomOf(new RemoteChannelId(remoteChannelId)).map(RoomId::value).orElse(null);
        return Optional.of(new MatrixRoom(name.get(), room));
    }
}
