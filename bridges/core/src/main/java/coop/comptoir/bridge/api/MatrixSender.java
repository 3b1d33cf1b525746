package coop.comptoir.bridge.api;

import coop.comptoir.api.id.UserId;
import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * Who wrote a Matrix message, as the remote side should show it.
 *
 * @param avatar a public HTTP(S) URL of the avatar the remote network can fetch, if there is one
 */
public record MatrixSender(UserId id, String displayName, Optional<URI> avatar) {
    public MatrixSender {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(displayName, "displayName");
        Objects.requireNonNull(avatar, "avatar");
    }
}
