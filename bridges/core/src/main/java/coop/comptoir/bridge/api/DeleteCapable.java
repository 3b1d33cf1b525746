package coop.comptoir.bridge.api;

/** A network where the bridge can delete messages. */
public interface DeleteCapable {
    /** Deletes a message this connector posted; a message already gone is not an error. May block. */
    void delete(RemoteChannelId channel, RemoteMessageId message) throws BridgeException;
}
