package coop.comptoir.bridge.discord;

import coop.comptoir.bridge.api.BridgeException;
import coop.comptoir.bridge.api.MatrixContent;
import coop.comptoir.bridge.api.MatrixSender;
import coop.comptoir.bridge.api.OutgoingAttachment;
import coop.comptoir.bridge.api.OutgoingRemoteMessage;
import coop.comptoir.bridge.api.RemoteChannelId;
import coop.comptoir.bridge.api.RemoteMessageId;
import coop.comptoir.bridge.discord.format.MatrixToDiscord;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import net.dv8tion.jda.api.entities.Message;
import net.dv8tion.jda.api.entities.MessageHistory;
import net.dv8tion.jda.api.entities.channel.concrete.ThreadChannel;
import net.dv8tion.jda.api.entities.channel.middleman.MessageChannel;
import net.dv8tion.jda.api.entities.channel.middleman.StandardGuildMessageChannel;
import net.dv8tion.jda.api.entities.emoji.Emoji;
import net.dv8tion.jda.api.exceptions.ErrorResponseException;
import net.dv8tion.jda.api.requests.ErrorResponse;
import net.dv8tion.jda.api.requests.restaction.WebhookMessageCreateAction;
import net.dv8tion.jda.api.requests.restaction.WebhookMessageDeleteAction;
import net.dv8tion.jda.api.requests.restaction.WebhookMessageEditAction;
import org.slf4j.Logger;

/**
 * Matrix → Discord: messages posted through the channel's webhook under the Matrix sender's name
 * and avatar (a message of several parts is posted whole or not at all: the parts already posted
 * are deleted when a later one fails), files uploaded, replies quoted, threads followed or started,
 * edits, deletions and the bot's reactions. Pings are limited to the Discord users mentioned on
 * purpose ({@code allowed_mentions} with an empty {@code parse}), so {@code @everyone} and
 * {@code @here} never ring.
 *
 * <p>Called by the engine from one delivery thread per portal; every method may block on Discord.
 */
final class ToDiscord {
    private static final int MAX_FILES_PER_MESSAGE = 10;
    /** How far back a message sent before a crash is looked for: 1,000 messages. */
    private static final int LOOKUP_PAGES = 10;
    /** Discord takes at most 100 users in {@code allowed_mentions.users}. */
    static final int MAX_PINGED_USERS = 100;
    /** Message flag: a thread was started from this message. */
    private static final long HAS_THREAD = 1L << 5;

    private final DiscordSession session;
    private final DiscordMedia media;
    private final Webhooks webhooks;
    private final WebhookUploads uploads;
    private final ThreadPlaces threads;
    /** Messages the bridge deletes itself: their deletion events are not bridged back. */
    private final Set<String> ownDeletes;
    private final Logger log;

    ToDiscord(DiscordSession session, DiscordMedia media, Webhooks webhooks, ThreadPlaces threads, Set<String> ownDeletes) {
        this.session = session;
        this.media = media;
        this.webhooks = webhooks;
        this.threads = threads;
        this.ownDeletes = ownDeletes;
        this.log = session.log;
        this.uploads = new WebhookUploads(session.http, session.config.api(), session.texts);
    }

    List<RemoteMessageId> send(RemoteChannelId channel, OutgoingRemoteMessage message) throws BridgeException {
        StandardGuildMessageChannel target = session.portal(channel);
        String where = "#" + target.getName();
        try {
            Optional<String> thread = message.threadRoot().isPresent()
                    ? Optional.of(threadFor(target, message.threadRoot().get().value()))
                    : Optional.empty();
            String reply = message.replyTo().map(r -> replyLine(target, r.value())).orElse("");
            TextConverter.Outgoing out = convert(message.content(), reply);
            List<OutgoingAttachment> files = message.attachments();
            long limit = media.maxUploadBytes(channel);
            for (OutgoingAttachment f : files) {
                if (f.data().length > limit) {
                    throw BridgeException.permanent(session.texts.text("file.over.limit", "file", f.fileName(),
                            "size", session.megabytes(f.data().length), "where", where, "limit", session.megabytes(limit)), null);
                }
            }
            List<String> pieces = out.pieces();
            if (!files.isEmpty() && onlyFileNames(message.content(), files) && reply.isEmpty()) {
                pieces = List.of();
            }
            Webhooks.Hook hook = webhooks.forChannel(target);
            String username = WebhookNames.sanitise(message.sender().displayName(), message.sender().id().localpart());
            String avatar = message.sender().avatar().map(URI::toString).filter(a -> a.length() <= 2048).orElse(null);
            List<RemoteMessageId> ids = new ArrayList<>();
            try {
                for (String piece : pieces) {
                    if (piece.isBlank()) {
                        continue;
                    }
                    WebhookMessageCreateAction<Message> action = hook.client().sendMessage(piece);
                    ids.add(post(action, username, avatar, out.pingedUsers(), thread, channel));
                }
                for (int i = 0; i < files.size(); i += MAX_FILES_PER_MESSAGE) {
                    List<OutgoingAttachment> batch = files.subList(i, Math.min(files.size(), i + MAX_FILES_PER_MESSAGE));
                    String id;
                    try {
                        id = uploads.post(hook.id(), hook.client().getToken(), thread, username, avatar, batch);
                    } catch (BridgeException e) {
                        if (WebhookUploads.webhookGone(e)) {
                            webhooks.forget(target.getId());
                            throw BridgeException.retryable(e.getMessage(), null, null);
                        }
                        throw e;
                    }
                    thread.ifPresent(t -> threads.put(id, t));
                    ids.add(new RemoteMessageId(id));
                }
            } catch (BridgeException | RuntimeException e) {
                // The message fails as a whole: what was already posted goes, so that a retry does not
                // show it twice and a "not sent" notice is true.
                rollBack(hook, thread, ids, where);
                throw e;
            }
            return ids;
        } catch (BridgeException e) {
            throw e;
        } catch (RuntimeException e) {
            if (forgetWebhookIfGone(e, target.getId())) {
                // someone deleted the webhook on Discord: the next attempt makes a new one
                throw BridgeException.retryable("the bridge's webhook in " + where + " was deleted; making a new one", null, null);
            }
            throw session.failed(e, "posting in " + where);
        }
    }

    /**
     * Webhook sends carry no idempotency key: after a crash mid-send (or a lost answer), the messages
     * since {@code notBefore} (at most the last 1,000) of the place {@link #send} would post to (the
     * portal channel, or the thread of {@link OutgoingRemoteMessage#threadRoot}) are searched for what
     * it would post: its text pieces, then its files in batches of ten (same file names, no text), by
     * one of the bridge's webhooks under the sender's name, in order, none linked yet. A thread that
     * JDA does not hold (never started, or archived) is not searched: the message is sent. May block.
     */
    List<RemoteMessageId> findSent(RemoteChannelId channel, OutgoingRemoteMessage message, Instant notBefore,
                                   Predicate<RemoteMessageId> recorded) throws BridgeException {
        StandardGuildMessageChannel target = session.portal(channel);
        try {
            MessageChannel place = target;
            Optional<String> thread = Optional.empty();
            if (message.threadRoot().isPresent()) {
                ThreadChannel t = session.jda().getThreadChannelById(message.threadRoot().get().value());
                if (t == null || !DiscordSession.inPortal(target, t)) {
                    return List.of();
                }
                place = t;
                thread = Optional.of(t.getId());
            }
            List<Expected> expected = expected(target, message);
            if (expected.isEmpty()) {
                return List.of();
            }
            String hook = webhooks.forChannel(target).id();
            String username = WebhookNames.sanitise(message.sender().displayName(), message.sender().id().localpart());
            // Back to notBefore, a page of 100 at a time: a queue stalled by restarts in a busy channel
            // may have its message far behind the last few.
            MessageHistory history = place.getHistory();
            List<Message> recent = new ArrayList<>();
            for (int page = 0; page < LOOKUP_PAGES; page++) {
                List<Message> older = history.retrievePast(100).complete();
                recent.addAll(older);
                if (older.size() < 100 || older.get(older.size() - 1).getTimeCreated().toInstant().isBefore(notBefore)) {
                    break;
                }
            }
            Collections.reverse(recent); // oldest first
            List<Message> candidates = recent.stream()
                    // the channel's webhook now, or one of the bridge's made by an earlier run
                    .filter(m -> m.isWebhookMessage()
                            && (m.getAuthor().getId().equals(hook) || webhooks.isOurs(target, m.getAuthor().getId())))
                    .filter(m -> username.equals(m.getAuthor().getName()))
                    .filter(m -> !m.getTimeCreated().toInstant().isBefore(notBefore))
                    .filter(m -> !recorded.test(new RemoteMessageId(m.getId())))
                    .toList();
            for (int start = 0; start + expected.size() <= candidates.size(); start++) {
                boolean all = true;
                for (int i = 0; i < expected.size() && all; i++) {
                    all = expected.get(i).matches(candidates.get(start + i));
                }
                if (all) {
                    List<RemoteMessageId> ids = candidates.subList(start, start + expected.size()).stream()
                            .map(m -> new RemoteMessageId(m.getId())).toList();
                    // found in a thread: edits, deletions and reactions must go there, as after a send
                    thread.ifPresent(t -> ids.forEach(id -> threads.put(id.value(), t)));
                    return ids;
                }
            }
            return List.of();
        } catch (RuntimeException e) {
            throw session.failed(e, "reading the recent messages of #" + target.getName());
        }
    }

    /** One message {@link #send} posts: a text piece, or a batch of files (with no text). */
    private record Expected(String text, List<String> fileNames) {
        boolean matches(Message m) {
            if (fileNames.isEmpty()) {
                return m.getAttachments().isEmpty() && m.getContentRaw().equals(text);
            }
            return m.getContentRaw().isEmpty()
                    && m.getAttachments().stream().map(Message.Attachment::getFileName).toList().equals(fileNames);
        }
    }

    /** What {@link #send} posts for {@code message}, in order, as {@link #findSent} recognises it. */
    private List<Expected> expected(StandardGuildMessageChannel target, OutgoingRemoteMessage message) {
        String reply = message.replyTo().map(r -> replyLine(target, r.value())).orElse("");
        List<OutgoingAttachment> files = message.attachments();
        List<Expected> out = new ArrayList<>();
        if (files.isEmpty() || !onlyFileNames(message.content(), files) || !reply.isEmpty()) {
            convert(message.content(), reply).pieces().stream().filter(p -> !p.isBlank())
                    .forEach(p -> out.add(new Expected(p, List.of())));
        }
        for (int i = 0; i < files.size(); i += MAX_FILES_PER_MESSAGE) {
            out.add(new Expected("", files.subList(i, Math.min(files.size(), i + MAX_FILES_PER_MESSAGE)).stream()
                    .map(f -> WebhookUploads.filename(f.fileName(), f.contentType())).toList()));
        }
        return out;
    }

    /** Deletes, as far as Discord lets it, the parts of a message posted before a later part failed. */
    private void rollBack(Webhooks.Hook hook, Optional<String> thread, List<RemoteMessageId> posted, String where) {
        if (posted.isEmpty()) {
            return;
        }
        List<String> removed = new ArrayList<>();
        for (RemoteMessageId id : posted) {
            ownDeletes.add(id.value());
            try {
                WebhookMessageDeleteAction action = hook.client().deleteMessageById(id.value());
                thread.ifPresent(action::setThreadId);
                action.complete();
                removed.add(id.value());
            } catch (RuntimeException e) {
                ownDeletes.remove(id.value());
                log.debug("Could not remove part {} of a failed message in {}: {}", id.value(), where,
                        Failures.safe(e.getMessage()));
            }
        }
        log.debug("A later part of a message to {} failed: removed {} of the {} part(s) already posted {}", where,
                removed.size(), posted.size(), removed);
    }

    private RemoteMessageId post(WebhookMessageCreateAction<Message> action, String username, String avatar,
                                 Set<String> pinged, Optional<String> thread, RemoteChannelId channel) {
        action.setUsername(username)
                .setAllowedMentions(EnumSet.noneOf(Message.MentionType.class))
                .mentionUsers(pingable(pinged));
        if (avatar != null) {
            action.setAvatarUrl(avatar);
        }
        thread.ifPresent(action::setThreadId);
        Message posted = action.complete();
        thread.ifPresent(t -> threads.put(posted.getId(), t));
        return new RemoteMessageId(posted.getId());
    }

    /** The users a message may ping: the first 100 mentioned (Discord's limit; the others are still named). */
    static List<String> pingable(Set<String> pinged) {
        return pinged.stream().limit(MAX_PINGED_USERS).toList();
    }

    void edit(RemoteChannelId channel, RemoteMessageId message, OutgoingRemoteMessage newContent) throws BridgeException {
        StandardGuildMessageChannel target = session.portal(channel);
        try {
            Optional<String> thread = threads.threadOf(message.value());
            String reply = newContent.replyTo().map(r -> replyLine(target, r.value())).orElse("");
            Webhooks.Hook hook = webhooks.forChannel(target);
            if (reply.isEmpty()) {
                // Matrix edits carry no reply: keep the quote line the message was posted with
                var current = hook.client().retrieveMessageById(message.value());
                thread.ifPresent(current::setThreadId);
                reply = Rendering.leadingReplyLine(current.complete().getContentRaw());
            }
            TextConverter.Outgoing out = convert(newContent.content(), reply);
            String first = out.pieces().get(0);
            if (out.pieces().size() > 1) {
                first = WebhookNames.truncate(first, TextConverter.DISCORD_MAX - 1) + "\u2026";
            }
            WebhookMessageEditAction<Message> action = hook.client().editMessageById(message.value(), first)
                    .setAllowedMentions(EnumSet.noneOf(Message.MentionType.class))
                    .mentionUsers(pingable(out.pingedUsers()));
            thread.ifPresent(action::setThreadId);
            action.complete();
        } catch (RuntimeException e) {
            forgetWebhookIfGone(e, target.getId());
            throw session.failed(e, "editing a message in #" + target.getName());
        }
    }

    void delete(RemoteChannelId channel, RemoteMessageId message) throws BridgeException {
        StandardGuildMessageChannel target = session.portal(channel);
        ownDeletes.add(message.value());
        try {
            Optional<String> thread = threads.threadOf(message.value());
            WebhookMessageDeleteAction action = webhooks.forChannel(target).client().deleteMessageById(message.value());
            thread.ifPresent(action::setThreadId);
            action.complete();
        } catch (ErrorResponseException e) {
            if (e.getErrorResponse() == ErrorResponse.UNKNOWN_MESSAGE) {
                return; // already gone
            }
            ownDeletes.remove(message.value());
            forgetWebhookIfGone(e, target.getId());
            throw session.failed(e, "deleting a message in #" + target.getName());
        } catch (RuntimeException e) {
            ownDeletes.remove(message.value());
            throw session.failed(e, "deleting a message in #" + target.getName());
        }
    }

    void react(RemoteChannelId channel, RemoteMessageId message, MatrixSender sender,
                      String key, boolean add) throws BridgeException {
        StandardGuildMessageChannel target = session.portal(channel);
        if (!Rendering.looksLikeEmoji(key)) {
            log.debug("Reaction {} is not an emoji: not carried to Discord", key);
            return;
        }
        Optional<String> threadId = threads.threadOf(message.value());
        Optional<MessageChannel> inThread = threadId.flatMap(id -> Optional.ofNullable(session.jda().getThreadChannelById(id)));
        if (inThread.isPresent() && !DiscordSession.inPortal(target, (ThreadChannel) inThread.get())) {
            throw BridgeException.permanent(session.texts.text("message.not.in.channel", "channel", target.getName()), null);
        }
        if (threadId.isPresent() && inThread.isEmpty()) {
            // JDA holds active threads only, and has no way to fetch one by ID; an archived thread takes no
            // reactions anyway. Reacting in the portal channel instead would only get "Unknown Message".
            throw BridgeException.permanent("the Discord thread of this message is archived or gone: reacting in #"
                    + target.getName(), null);
        }
        MessageChannel holder = inThread.orElse(target);
        // The bot reacts once for every Matrix user reacting alike and takes its reaction back with the
        // last one. Who else reacts alike is read from the engine's reaction links (stored after an added
        // reaction is carried, dropped after a removed one is), which outlive a restart.
        boolean othersReact = session.host().reactionsOn(channel, message).stream()
                .anyMatch(r -> r.fromMatrix() && r.key().equals(key) && !r.reactor().equals(sender.id().value()));
        if (othersReact) {
            return;
        }
        try {
            if (add) {
                holder.addReactionById(message.value(), Emoji.fromUnicode(key)).complete();
            } else {
                holder.removeReactionById(message.value(), Emoji.fromUnicode(key)).complete();
            }
        } catch (ErrorResponseException e) {
            if (!add && e.getErrorResponse() == ErrorResponse.UNKNOWN_MESSAGE) {
                return;
            }
            throw session.failed(e, "reacting in #" + target.getName());
        } catch (RuntimeException e) {
            throw session.failed(e, "reacting in #" + target.getName());
        }
    }

    /**
     * The thread of {@code root}: an existing thread with that ID (cached, or archived and so not in
     * JDA's cache), or one started now from the message. Returns the thread's ID.
     */
    private String threadFor(StandardGuildMessageChannel portal, String root) throws BridgeException {
        ThreadChannel existing = session.jda().getThreadChannelById(root);
        if (existing != null) {
            if (!DiscordSession.inPortal(portal, existing)) {
                throw BridgeException.permanent(session.texts.text("thread.not.in.channel", "channel", portal.getName()), null);
            }
            return existing.getId();
        }
        String name = "Thread";
        try {
            Message start = portal.retrieveMessageById(root).complete();
            if (start.getStartedThread() != null || (start.getFlagsRaw() & HAS_THREAD) != 0) {
                return root; // a thread JDA does not hold (archived): its ID is the message's
            }
            String excerpt = Rendering.excerpt(start.getContentDisplay(), 90);
            name = excerpt.isBlank() ? "Thread" : excerpt;
        } catch (ErrorResponseException e) {
            if (e.getErrorResponse() != ErrorResponse.UNKNOWN_MESSAGE) {
                throw e;
            }
        }
        try {
            return portal.createThreadChannel(name, root).complete().getId();
        } catch (ErrorResponseException e) {
            if (e.getErrorResponse() == ErrorResponse.THREAD_WITH_THIS_MESSAGE_ALREADY_EXISTS) {
                return root;
            }
            throw e;
        }
    }

    /**
     * The reply line for a Matrix reply to {@code replied}, looked up where it lives. A thread JDA does
     * not hold (archived) cannot be read: the line then has the link only.
     */
    private String replyLine(StandardGuildMessageChannel portal, String replied) {
        Optional<String> threadId = threads.threadOf(replied);
        // only a message of this channel or of its threads is quoted: never one of another channel
        Optional<MessageChannel> holder = threadId.isPresent()
                ? threadId.flatMap(id -> Optional.ofNullable(session.jda().getThreadChannelById(id))).filter(t -> DiscordSession.inPortal(portal, t))
                        .map(t -> (MessageChannel) t)
                : Optional.of(portal);
        String author = null;
        String excerpt = null;
        if (holder.isPresent()) {
            try {
                Message m = holder.get().retrieveMessageById(replied).complete();
                author = m.isWebhookMessage() || m.getMember() == null ? m.getAuthor().getEffectiveName() : m.getMember().getEffectiveName();
                excerpt = m.getContentDisplay();
            } catch (ErrorResponseException e) {
                if (e.isServerError()) {
                    throw e;
                }
            }
        }
        return Rendering.replyLine(author, excerpt, Rendering.jumpUrl(portal.getGuild().getId(),
                threadId.orElse(portal.getId()), replied));
    }

    private TextConverter.Outgoing convert(MatrixContent content, String replyLine) {
        if (replyLine.isEmpty()) {
            return session.text().toDiscord(content, TextConverter.DISCORD_MAX);
        }
        if (content.html().isEmpty()) {
            // a plain reply may still carry the legacy "> <@user> quoted" fallback: the reply line replaces it
            content = new MatrixContent(content.msgtype(), MatrixToDiscord.stripReplyFallback(content.body()),
                    content.html(), content.mentions());
        }
        TextConverter.Outgoing out = session.text().toDiscord(content, TextConverter.DISCORD_MAX - replyLine.length() - 1);
        List<String> pieces = new ArrayList<>(out.pieces());
        pieces.set(0, pieces.get(0).isEmpty() ? replyLine : replyLine + "\n" + pieces.get(0));
        return new TextConverter.Outgoing(pieces, out.pingedUsers());
    }

    private static boolean onlyFileNames(MatrixContent content, List<OutgoingAttachment> files) {
        String body = content.body().strip();
        return body.isEmpty() || files.stream().anyMatch(f -> f.fileName().equals(body));
    }

    boolean forgetWebhookIfGone(RuntimeException e, String channelId) {
        if (e instanceof ErrorResponseException er && er.getErrorResponse() == ErrorResponse.UNKNOWN_WEBHOOK) {
            webhooks.forget(channelId);
            return true;
        }
        return false;
    }
}
