package coop.comptoir.bridge.api;

import java.util.Objects;

/** A file from Matrix, already downloaded by the engine, to upload on the remote side. */
public record OutgoingAttachment(String fileName, String contentType, byte[] data) {
    public OutgoingAttachment {
        Objects.requireNonNull(fileName, "fileName");
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(data, "data");
    }
}
