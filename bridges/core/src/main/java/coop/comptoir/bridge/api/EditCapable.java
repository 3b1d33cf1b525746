package coop.comptoir.bridge.api;

/** A network where a message's text can be changed after posting. */
public interface EditCapable {
    /** Replaces the text of a message this connector posted. May block. */
    void edit(RemoteChannelId channel, RemoteMessageId message, OutgoingRemoteMessage newContent) throws BridgeException;
}
