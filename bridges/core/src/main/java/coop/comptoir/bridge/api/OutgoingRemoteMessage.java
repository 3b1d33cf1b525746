package coop.comptoir.bridge.api;

import coop.comptoir.api.id.EventId;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A Matrix message for the connector to post on the remote side.
 *
 * @param replyTo    the remote message it answers, when that message is linked
 * @param threadRoot the remote message whose thread it belongs to, when linked
 * @param origin     the Matrix event it comes from, when it is a new message (not an edit): stable
 *                   across retries, so a network that lets clients choose message IDs can derive
 *                   them from it and never post a retried message twice
 */
public record OutgoingRemoteMessage(MatrixSender sender, MatrixContent content, Optional<RemoteMessageId> replyTo,
                                    Optional<RemoteMessageId> threadRoot, List<OutgoingAttachment> attachments,
                                    Optional<EventId> origin) {
    /** A message without a known Matrix origin (an edit's new content). */
    public OutgoingRemoteMessage(MatrixSender sender, MatrixContent content, Optional<RemoteMessageId> replyTo,
                                 Optional<RemoteMessageId> threadRoot, List<OutgoingAttachment> attachments) {
        this(sender, content, replyTo, threadRoot, attachments, Optional.empty());
    }

    public OutgoingRemoteMessage {
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(replyTo, "replyTo");
        Objects.requireNonNull(threadRoot, "threadRoot");
        attachments = List.copyOf(attachments);
        Objects.requireNonNull(origin, "origin");
    }
}
