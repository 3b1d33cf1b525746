package coop.comptoir.bridge.api;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * A file on the remote side, fetched by the engine at delivery time through
 * {@link MediaCapable#download} (so the stored queue only holds the reference).
 *
 * @param size    bytes, or -1 when unknown
 * @param caption the text that goes with this file on the network (a file's description): on Matrix
 *                it becomes the file event's caption ({@code body} and {@code formatted_body} beside
 *                {@code filename}) instead of a message of its own
 */
public record RemoteAttachment(String fileName, String contentType, long size, URI url, Optional<MatrixContent> caption) {
    public RemoteAttachment {
        Objects.requireNonNull(fileName, "fileName");
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(caption, "caption");
    }

    /** A file without a caption. */
    public RemoteAttachment(String fileName, String contentType, long size, URI url) {
        this(fileName, contentType, size, url, Optional.empty());
    }
}
