package coop.comptoir.api.event;

/**
 * Where a plugin says which events it wants. Handlers are called in order per room (one event of a
 * room at a time, rooms in parallel), on a runtime thread; they may block on Matrix calls. A handler
 * that throws is logged with the plugin, room and event, and the others still run.
 *
 * <p>Events sent by the bot itself are not delivered, except to {@link #onAnyIncludingOwn}.
 */
public interface EventSubscriptions {
    /** Every event of one type ({@code m.room.message}, …). */
    void on(String type, EventHandler handler);

    /** Every room event, whatever its type (unknown types included). */
    void onAny(EventHandler handler);

    /** Every event, even the bot's own ones. */
    void onAnyIncludingOwn(EventHandler handler);

    /** An invitation of the bot; the runtime already joins when invited unless told otherwise. */
    default void onMessage(EventHandler handler) {
        on(EventTypes.ROOM_MESSAGE, handler);
    }

    @FunctionalInterface
    interface EventHandler {
        void handle(MatrixEvent event) throws Exception;
    }
}
