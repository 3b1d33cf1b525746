package coop.comptoir.bridge.api;

import java.util.Objects;

/** The remote network's opaque ID of a user; unique within one connector instance. */
public record RemoteUserId(String value) {
    public RemoteUserId {
        Objects.requireNonNull(value, "value");
        if (value.isBlank() || value.length() > 255) {
            throw new IllegalArgumentException("RemoteUserId must be 1 to 255 characters, not blank");
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
