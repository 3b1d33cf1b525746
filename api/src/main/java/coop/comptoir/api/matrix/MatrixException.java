package coop.comptoir.api.matrix;

/**
 * An error answer from the homeserver (or no answer at all): {@code errcode} is the Matrix error
 * code ({@code M_FORBIDDEN}, {@code M_LIMIT_EXCEEDED}, …), or {@code NETWORK} when the homeserver
 * could not be reached. Messages never hold access tokens.
 */
public class MatrixException extends RuntimeException {
    public static final String NETWORK = "NETWORK";

    private final int status;
    private final String errcode;

    public MatrixException(int status, String errcode, String message) {
        super(errcode + " (HTTP " + status + "): " + message);
        this.status = status;
        this.errcode = errcode;
    }

    public MatrixException(String message, Throwable cause) {
        super(NETWORK + ": " + message, cause);
        this.status = 0;
        this.errcode = NETWORK;
    }

    /** HTTP status, 0 when there was no answer. */
    public int status() {
        return status;
    }

    public String errcode() {
        return errcode;
    }

    /** Whether retrying the same request later may succeed (rate limit, 5xx, network). */
    public boolean isTransient() {
        return status == 0 || status == 429 || status >= 500;
    }
}
