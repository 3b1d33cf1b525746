package coop.comptoir.api.event;

/**
 * Where a plugin says which events it wants. Handlers are called in order per room (one event of a
 * room at a time, rooms in parallel), on a runtime thread; they may block on Matrix calls. A handler
 * that throws is logged with the plugin, room and event, and the others still run.
 *
 * <p>A handler that throws {@link RetryLaterException} or a
 * {@link coop.comptoir.api.store.Database.StoreException} gets the same event again later, alone
 * (handlers that succeeded are not called again), while the later events of that room wait; after
 * {@value RetryLaterException#MAX_ATTEMPTS} attempts the event is skipped and reported. See
 * {@link RetryLaterException}.
 *
 * <p>Events sent by the bot itself are not delivered, except to {@link #onAnyIncludingOwn}.
 */
public interface EventSubscriptions {
    /** Every event of one type ({@code m.room.message}, …). */
    default void on(String type, EventHandler handler) {
        on(type, EventFilter.ALL, handler);
    }

    /**
     * The events of one type that {@code filter} accepts. The filter runs as soon as the event is
     * stored, on the thread that received it: it must be quick, must not block and must depend on
     * the event alone. Events no handler wants cost no thread switch, which keeps busy rooms cheap.
     */
    void on(String type, EventFilter filter, EventHandler handler);

    /** Every room event, whatever its type (unknown types included). */
    void onAny(EventHandler handler);

    /** Every event, even the bot's own ones. */
    void onAnyIncludingOwn(EventHandler handler);

    /** Every {@code m.room.message}. */
    default void onMessage(EventHandler handler) {
        on(EventTypes.ROOM_MESSAGE, handler);
    }

    /** A quick, side-effect-free test of an event: see {@link #on(String, EventFilter, EventHandler)}. */
    @FunctionalInterface
    interface EventFilter {
        EventFilter ALL = e -> true;

        boolean accepts(MatrixEvent event);
    }

    /**
     * Handles one event. Called on a runtime thread, one event of a room at a time; may block.
     * May throw: {@link RetryLaterException} (or a {@code StoreException}) to be called again with
     * the same event later, anything else to be logged and not called again for this event.
     */
    @FunctionalInterface
    interface EventHandler {
        void handle(MatrixEvent event) throws Exception;
    }
}
