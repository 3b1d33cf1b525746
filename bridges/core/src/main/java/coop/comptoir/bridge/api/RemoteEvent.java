package coop.comptoir.bridge.api;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Something that happened on the remote network, handed to {@link BridgeHost#receive}. The
 * connector has already converted the text to Matrix content and dropped its own echoes.
 */
public sealed interface RemoteEvent {
    /** The channel of the portal (for a message in a thread: the thread's parent channel). */
    RemoteChannelId channel();

    /**
     * A new message.
     *
     * @param replyTo    the message it answers, if any
     * @param threadRoot the message that started its thread, if it was posted in a thread
     */
    record Message(RemoteChannelId channel, RemoteMessageId id, RemoteUser sender, Instant timestamp,
                   MatrixContent content, Optional<RemoteMessageId> replyTo, Optional<RemoteMessageId> threadRoot,
                   List<RemoteAttachment> attachments) implements RemoteEvent {
        public Message {
            Objects.requireNonNull(channel, "channel");
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(sender, "sender");
            Objects.requireNonNull(timestamp, "timestamp");
            Objects.requireNonNull(content, "content");
            Objects.requireNonNull(replyTo, "replyTo");
            Objects.requireNonNull(threadRoot, "threadRoot");
            attachments = List.copyOf(attachments);
        }
    }

    /** A message's new text. */
    record Edit(RemoteChannelId channel, RemoteMessageId id, RemoteUser sender, Instant timestamp,
                MatrixContent content) implements RemoteEvent {
        public Edit {
            Objects.requireNonNull(channel, "channel");
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(sender, "sender");
            Objects.requireNonNull(timestamp, "timestamp");
            Objects.requireNonNull(content, "content");
        }
    }

    /** A message was deleted. */
    record Delete(RemoteChannelId channel, RemoteMessageId id) implements RemoteEvent {
        public Delete {
            Objects.requireNonNull(channel, "channel");
            Objects.requireNonNull(id, "id");
        }
    }

    /**
     * A reaction added or removed.
     *
     * @param key   a unicode emoji, or {@code :name:} for a custom one
     * @param image the custom emoji's picture, if any (shown as an image on Matrix when possible)
     */
    record Reaction(RemoteChannelId channel, RemoteMessageId message, RemoteUser sender, String key,
                    Optional<RemoteAttachment> image, boolean added) implements RemoteEvent {
        public Reaction {
            Objects.requireNonNull(channel, "channel");
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(sender, "sender");
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(image, "image");
        }
    }

    /**
     * A sub-channel was opened under the channel (a Rocket.Chat discussion): the engine gives it a
     * Matrix room of its own, announced in the parent's room, and bridges it like any portal. Given
     * again (a replay, the sweep after a reconnection), it is opened once.
     *
     * @param channel    the parent channel (the portal the announcement goes to)
     * @param subChannel the new channel and its name
     * @param creator    who opened it, when known
     * @param timestamp  when it was opened
     */
    record SubChannel(RemoteChannelId channel, RemoteChannel subChannel, Optional<RemoteUser> creator, Instant timestamp)
            implements RemoteEvent {
        public SubChannel {
            Objects.requireNonNull(channel, "channel");
            Objects.requireNonNull(subChannel, "subChannel");
            Objects.requireNonNull(creator, "creator");
            Objects.requireNonNull(timestamp, "timestamp");
        }
    }
}
