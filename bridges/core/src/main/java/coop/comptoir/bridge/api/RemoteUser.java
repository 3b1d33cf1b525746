package coop.comptoir.bridge.api;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * A remote author as the connector sees it now; the engine keeps the ghost's display name and
 * avatar in sync with it.
 *
 * @param avatar where the connector can download the avatar with {@link MediaCapable#download}
 */
public record RemoteUser(RemoteUserId id, String displayName, Optional<URI> avatar) {
    public RemoteUser {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(displayName, "displayName");
        Objects.requireNonNull(avatar, "avatar");
    }
}
