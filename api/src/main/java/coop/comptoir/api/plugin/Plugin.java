package coop.comptoir.api.plugin;

import coop.comptoir.api.id.RoomAlias;
import coop.comptoir.api.id.UserId;

/** A running plugin instance. Every method has a default: implement what the plugin needs. */
public interface Plugin extends AutoCloseable {
    /**
     * Called once the homeserver is known to reach Comptoir, before events are delivered. May do
     * I/O (join rooms, set the profile). A throw is logged and the instance stays off.
     */
    default void start() throws Exception {}

    /**
     * The homeserver asks whether a user in this instance's namespace exists
     * ({@code GET /_matrix/app/v1/users/{userId}}). Return true after creating it (register the ghost,
     * set its profile); false if it does not exist. Called on a worker thread; may block.
     */
    default boolean queryUser(UserId user) throws Exception {
        return false;
    }

    /** Same for a room alias in this instance's namespace: create the room and return true, or false. */
    default boolean queryAlias(RoomAlias alias) throws Exception {
        return false;
    }

    /** Stops timers and connections. Events are no longer delivered once this is called. */
    @Override
    default void close() throws Exception {}
}
