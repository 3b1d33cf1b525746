package coop.comptoir.bridge.api;

import java.util.Objects;

/** The remote network's opaque ID of a channel (or a thread, which is a channel on most networks); unique within one connector instance. */
public record RemoteChannelId(String value) {
    public RemoteChannelId {
        Objects.requireNonNull(value, "value");
        if (value.isBlank() || value.length() > 255) {
            throw new IllegalArgumentException("RemoteChannelId must be 1 to 255 characters, not blank");
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
