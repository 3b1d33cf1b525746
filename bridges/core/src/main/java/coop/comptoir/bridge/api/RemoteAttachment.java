package coop.comptoir.bridge.api;

import java.net.URI;
import java.util.Objects;

/**
 * A file on the remote side, fetched by the engine at delivery time through
 * {@link MediaCapable#download} (so the stored queue only holds the reference).
 *
 * @param size bytes, or -1 when unknown
 */
public record RemoteAttachment(String fileName, String contentType, long size, URI url) {
    public RemoteAttachment {
        Objects.requireNonNull(fileName, "fileName");
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(url, "url");
    }
}
