package coop.comptoir.api.matrix;

/**
 * A download from the homeserver stopped because the file is larger than the caller's limit: the
 * homeserver declared a larger {@code Content-Length}, or sent more bytes than the limit. At most
 * the limit and a few kilobytes were read; the rest was never fetched. Not transient: the same file
 * stays too large.
 */
public class MediaTooLargeException extends MatrixException {
    /** The errcode of this exception: a local one, never sent by a homeserver. */
    public static final String TOO_LARGE = "TOO_LARGE";

    private final long maxBytes;
    private final long declaredSize;

    /**
     * @param status       the HTTP status of the answer whose body was too long
     * @param maxBytes     the caller's limit
     * @param declaredSize the size the homeserver declared ({@code Content-Length}), or -1 when it declared none
     */
    public MediaTooLargeException(int status, long maxBytes, long declaredSize) {
        super(status, TOO_LARGE, "the file is larger than " + maxBytes + " bytes"
                + (declaredSize >= 0 ? " (" + declaredSize + " bytes)" : ""));
        this.maxBytes = maxBytes;
        this.declaredSize = declaredSize;
    }

    /** The limit the download was made with, in bytes. */
    public long maxBytes() {
        return maxBytes;
    }

    /** The file's size as the homeserver declared it, or -1 when it did not (then only "more than {@link #maxBytes}" is known). */
    public long declaredSize() {
        return declaredSize;
    }
}
