package coop.comptoir.bridge.api;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A Matrix message for the connector to post on the remote side.
 *
 * @param replyTo    the remote message it answers, when that message is linked
 * @param threadRoot the remote message whose thread it belongs to, when linked
 */
public record OutgoingRemoteMessage(MatrixSender sender, MatrixContent content, Optional<RemoteMessageId> replyTo,
                                    Optional<RemoteMessageId> threadRoot, List<OutgoingAttachment> attachments) {
    public OutgoingRemoteMessage {
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(replyTo, "replyTo");
        Objects.requireNonNull(threadRoot, "threadRoot");
        attachments = List.copyOf(attachments);
    }
}
