package coop.comptoir.bridge.api;

import java.util.Objects;

/** What {@code !bridge link} shows about a remote channel before linking it. */
public record RemoteChannel(RemoteChannelId id, String name, String description) {
    public RemoteChannel {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
    }
}
