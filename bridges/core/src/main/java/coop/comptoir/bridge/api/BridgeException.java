package coop.comptoir.bridge.api;

import java.time.Duration;
import java.util.Optional;

/**
 * A remote operation failed. Retryable failures (outage, rate limit) are retried by the engine in
 * order; permanent ones are reported to the room once and skipped. The message is shown to room
 * admins: it must say what went wrong in plain words and never hold a token.
 */
public class BridgeException extends Exception {
    private final boolean retryable;
    private final Duration retryAfter;

    private BridgeException(String message, Throwable cause, boolean retryable, Duration retryAfter) {
        super(message, cause);
        this.retryable = retryable;
        this.retryAfter = retryAfter;
    }

    /** The network is down, slow or rate-limiting: try again later (after {@code retryAfter} if known). */
    public static BridgeException retryable(String message, Duration retryAfter, Throwable cause) {
        return new BridgeException(message, cause, true, retryAfter);
    }

    /** It will never work as it is (too big, forbidden, unknown channel). */
    public static BridgeException permanent(String message, Throwable cause) {
        return new BridgeException(message, cause, false, null);
    }

    public boolean isRetryable() {
        return retryable;
    }

    /** How long the network asked to wait, if it said so. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
