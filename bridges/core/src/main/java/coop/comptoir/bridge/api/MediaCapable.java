package coop.comptoir.bridge.api;

import java.net.URI;

/** A network where files can be fetched (attachments, avatars, custom emoji) and posted. */
public interface MediaCapable {
    /**
     * Downloads a remote file (an attachment's URL, an avatar). May block.
     *
     * @throws BridgeException permanent when the file is larger than {@code maxBytes} or gone
     */
    byte[] download(URI url, long maxBytes) throws BridgeException;

    /** The largest file {@code send} can post in that channel, in bytes. Must not do I/O. */
    long maxUploadBytes(RemoteChannelId channel);
}
