package coop.comptoir.internal.dispatch;

import coop.comptoir.api.event.RetryLaterException;
import coop.comptoir.api.matrix.MatrixException;
import coop.comptoir.api.store.Database;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.time.Duration;
import java.util.Objects;

/**
 * When a handler gets an event again: which failures are retried, how long the room waits before
 * each new attempt, and after how many attempts the event is skipped.
 *
 * @param maxAttempts attempts per event and handler, the first one included (at least 1)
 * @param firstDelay  wait after the first failure; doubles after each further one
 * @param maxDelay    cap of the wait
 */
public record Retries(int maxAttempts, Duration firstDelay, Duration maxDelay) {
    /**
     * {@value RetryLaterException#MAX_ATTEMPTS} attempts, 1 s doubling up to 1 min: a room waits
     * about 4 minutes at most for an event that keeps failing.
     */
    public static final Retries DEFAULT = new Retries(RetryLaterException.MAX_ATTEMPTS, Duration.ofSeconds(1),
            Duration.ofMinutes(1));

    /** How deep the causes of a failure are searched. */
    private static final int MAX_CAUSES = 16;

    public Retries {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
        }
        Objects.requireNonNull(firstDelay, "firstDelay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        if (firstDelay.isNegative() || firstDelay.isZero() || maxDelay.compareTo(firstDelay) < 0) {
            throw new IllegalArgumentException("need 0 < firstDelay <= maxDelay: " + firstDelay + ", " + maxDelay);
        }
    }

    /** The wait after failed attempt number {@code attempts} (1-based). */
    public Duration delay(int attempts) {
        int doublings = Math.min(Math.max(attempts - 1, 0), 30);
        Duration d = firstDelay.multipliedBy(1L << doublings);
        return d.compareTo(maxDelay) > 0 || d.isNegative() ? maxDelay : d;
    }

    /**
     * Whether a handler's failure is worth a retry: a {@link RetryLaterException}; a
     * {@link Database.StoreException} that is not about the data itself (a constraint violation, a
     * value of the wrong type or size, a statement the database refuses: those fail again); or a
     * {@link MatrixException} that may pass ({@link MatrixException#isTransient()}: the homeserver
     * unreachable, 5xx, rate-limited, once the client's own retries are spent), found among the
     * causes. The last one keeps the answer of a command received just before the homeserver went
     * down: the handler runs again once it is back (answers carry transaction IDs derived from the
     * event, so a send that did reach the homeserver is not doubled).
     */
    public static boolean retryable(Throwable failure) {
        Throwable t = failure;
        for (int depth = 0; t != null && depth < MAX_CAUSES; depth++, t = t.getCause()) {
            if (t instanceof RetryLaterException) {
                return true;
            }
            if (t instanceof Database.StoreException) {
                return !aboutTheData(t);
            }
            if (t instanceof MatrixException m) {
                return m.isTransient();
            }
        }
        return false;
    }

    private static boolean aboutTheData(Throwable storeFailure) {
        Throwable t = storeFailure;
        for (int depth = 0; t != null && depth < MAX_CAUSES; depth++, t = t.getCause()) {
            if (t instanceof SQLIntegrityConstraintViolationException) {
                return true;
            }
            if (t instanceof SQLException sql) {
                String state = sql.getSQLState();
                if (state != null && (state.startsWith("22") || state.startsWith("23") || state.startsWith("42"))) {
                    return true;
                }
                // SQLite reports no SQLSTATE: 19 is SQLITE_CONSTRAINT, 20 SQLITE_MISMATCH, 18 SQLITE_TOOBIG.
                int code = sql.getErrorCode();
                if (state == null && sql.getClass().getName().startsWith("org.sqlite") && (code == 18 || code == 19 || code == 20)) {
                    return true;
                }
            }
        }
        return false;
    }
}
