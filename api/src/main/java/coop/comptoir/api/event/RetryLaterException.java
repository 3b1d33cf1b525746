package coop.comptoir.api.event;

/**
 * Thrown by an {@link EventSubscriptions.EventHandler} that could not handle an event for a
 * passing reason (its database, a service it depends on) and wants it again later.
 *
 * <p>The runtime then delivers the same event again to this handler only (the handlers that were
 * done with it are not called again), after a growing wait (1 s, 2 s, 4 s… up to 1 min): an event
 * is tried {@value #MAX_ATTEMPTS} times at most, about 4 minutes in all. Meanwhile the later events
 * of the same room wait, so the handler still sees them in order; other rooms go on. When the last
 * attempt fails too, the event is skipped for this handler: logged as an error with the plugin,
 * room and event IDs, and counted in {@code comptoir_events_skipped_total{plugin}}. Retries go on
 * across a restart of Comptoir (the attempts already made count).
 *
 * <p>A {@link coop.comptoir.api.store.Database.StoreException} thrown by a handler (or found among
 * the causes of what it throws) is retried the same way, except a constraint violation, which
 * would fail again; so is a {@link coop.comptoir.api.matrix.MatrixException} that may pass (the
 * homeserver unreachable, 5xx, rate-limited: {@code isTransient()}) once the client's own retries
 * are spent. Anything else a handler throws is logged and not retried.
 *
 * <p>What the handler did before throwing is not undone: a handler that may be retried should be
 * safe to run again on the same event (send with a transaction ID derived from the event, insert
 * with a key derived from it, and so on).
 */
public class RetryLaterException extends RuntimeException {
    /** Attempts per event and handler, the first one included. */
    public static final int MAX_ATTEMPTS = 10;

    /** @param message why, for the log: IDs and reasons, never message bodies or secrets */
    public RetryLaterException(String message) {
        super(message);
    }

    /** @param message why, for the log: IDs and reasons, never message bodies or secrets */
    public RetryLaterException(String message, Throwable cause) {
        super(message, cause);
    }
}
