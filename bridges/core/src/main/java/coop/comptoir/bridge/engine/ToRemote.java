package coop.comptoir.bridge.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.api.event.MatrixEvent;
import coop.comptoir.api.event.Message;
import coop.comptoir.api.event.Relation;
import coop.comptoir.api.id.EventId;
import coop.comptoir.api.id.MxcUri;
import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.id.UserId;
import coop.comptoir.api.matrix.MatrixClient;
import coop.comptoir.api.matrix.MediaTooLargeException;
import coop.comptoir.bridge.api.BridgeException;
import coop.comptoir.bridge.api.DeleteCapable;
import coop.comptoir.bridge.api.EditCapable;
import coop.comptoir.bridge.api.MatrixContent;
import coop.comptoir.bridge.api.MatrixSender;
import coop.comptoir.bridge.api.MediaCapable;
import coop.comptoir.bridge.api.NetworkConnector;
import coop.comptoir.bridge.api.OutgoingAttachment;
import coop.comptoir.bridge.api.OutgoingRemoteMessage;
import coop.comptoir.bridge.api.ReactionCapable;
import coop.comptoir.bridge.api.RemoteChannelId;
import coop.comptoir.bridge.api.RemoteMessageId;
import coop.comptoir.bridge.api.SentLookupCapable;
import coop.comptoir.bridge.engine.MessageLinkTable.Link;
import coop.comptoir.bridge.engine.OutboxTable.Row;
import coop.comptoir.bridge.engine.ReactionLinkTable.ReactionLink;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.regex.Pattern;
import org.slf4j.Logger;

/**
 * Matrix events to the remote network: messages (text and files) through {@code send}, edits,
 * deletions and reactions through the capabilities the connector has, with reply, thread and edit
 * targets mapped through the message links of the same room. What the network cannot take is
 * skipped, and the room told once.
 *
 * <p>Nobody acts for someone else through the bridge: an edit is carried only from the original's
 * sender (Matrix clients ignore the others), a redaction only from the sender of what it removes or
 * from someone with the room's {@code redact} power level, its target read where the room version
 * authorises it. Relations never reach into another room.
 */
final class ToRemote implements Lanes.Deliverer {
    static final Set<String> MEDIA = Set.of("m.image", "m.file", "m.video", "m.audio");
    /**
     * The largest file the bridge carries, either way, whatever the other side would take: a file is
     * held in memory while it crosses. Discord's largest limit (a server at boost level 3) fits.
     */
    static final long MAX_FILE_BYTES = 100L * 1024 * 1024;
    private static final Pattern MX_REPLY = Pattern.compile("(?s)^\\s*<mx-reply>.*?</mx-reply>");

    private final MatrixClient bot;
    private final NetworkConnector connector;
    private final Portals portals;
    private final RoomRules rooms;
    private final MessageLinkTable links;
    private final ReactionLinkTable reactions;
    private final Notices notices;
    private final Texts texts;
    private final BiFunction<RoomId, UserId, MatrixSender> senders;
    private final Clock clock;
    private final Logger log;
    /** Rooms whose queue delivered since this start: only a room's first delivery may follow a crash mid-send. */
    private final Set<RoomId> deliveredSinceStart = ConcurrentHashMap.newKeySet();

    ToRemote(MatrixClient bot, NetworkConnector connector, Portals portals, RoomRules rooms, MessageLinkTable links,
             ReactionLinkTable reactions, Notices notices, Texts texts, BiFunction<RoomId, UserId, MatrixSender> senders,
             Clock clock, Logger log) {
        this.bot = bot;
        this.connector = connector;
        this.portals = portals;
        this.rooms = rooms;
        this.links = links;
        this.reactions = reactions;
        this.notices = notices;
        this.texts = texts;
        this.senders = senders;
        this.clock = clock;
        this.log = log;
    }

    @Override
    public void deliver(Row row) throws Exception {
        MatrixEvent ev = MatrixEvent.of(EventCodec.JSON.readTree(row.payload()));
        RemoteChannelId channel = row.channel();
        if (portals.byRoom(row.room()).filter(p -> p.channel().equals(channel)).isEmpty()) {
            log.debug("Dropped {}: {} is no longer linked to {}", ev.eventId(), row.room(), channel);
            return;
        }
        switch (ev.type()) {
            case "m.room.message" -> {
                Optional<Relation> rel = ev.relation();
                if (rel.isPresent() && rel.get().isEdit()) {
                    edit(ev, channel, rel.get());
                } else {
                    // A queue is sequential: after a start only its head may have been sent by the run that
                    // died; a failed attempt (a timeout) may have been sent too.
                    boolean mayBeThere = deliveredSinceStart.add(row.room()) || row.attempts() > 0;
                    message(ev, channel, rel, mayBeThere);
                }
            }
            case "m.reaction" -> reaction(ev, channel);
            case "m.room.redaction" -> redaction(ev, channel);
            default -> log.debug("Ignored {} of type {}", ev.eventId(), ev.type());
        }
    }

    @Override
    public void gaveUp(Row row, String reason) {
        EventId about = row.dedupKey().startsWith("$") ? EventId.of(row.dedupKey()) : null;
        notices.about(row.room(), about, "to-remote-failed", texts.notSentToRemote(reason));
    }

    MatrixSender sender(RoomId room, UserId user) {
        return senders.apply(room, user);
    }

    /**
     * @param mayBeThere whether an earlier attempt may have reached the network without its link being
     *                   recorded: then the network is asked first ({@link SentLookupCapable})
     */
    private void message(MatrixEvent ev, RemoteChannelId channel, Optional<Relation> rel, boolean mayBeThere)
            throws BridgeException {
        if (links.isLinked(ev.eventId())) {
            return; // sent before a crash, or an echo of the bridge's own message
        }
        Message msg = ev.message().orElseThrow();
        RoomId room = ev.roomId();
        Optional<RemoteMessageId> thread = rel.filter(Relation::isThread).map(Relation::eventId)
                .flatMap(e -> links.remoteOf(room, e));
        Optional<RemoteMessageId> reply = rel.filter(r -> r.inReplyTo() != null && !r.isFallingBack())
                .map(Relation::inReplyTo).flatMap(e -> links.remoteOf(room, e));
        List<OutgoingAttachment> attachments = List.of();
        MatrixContent content;
        Runnable afterSend = () -> {};
        if (MEDIA.contains(msg.msgtype())) {
            ObjectNode c = msg.content();
            String name = c.path("filename").isTextual() ? c.get("filename").asText() : msg.body();
            String caption = c.path("filename").isTextual() && !msg.body().equals(name) ? msg.body() : "";
            String type = c.path("info").path("mimetype").asText("application/octet-stream");
            long size = c.path("info").path("size").asLong(-1);
            if (!c.path("url").isTextual()) {
                content = MatrixContent.text(join(caption, "📎 " + name));
                afterSend = () -> notices.oncePerRoom(room, "encrypted", texts.encryptedNotCarried());
            } else if (!(connector instanceof MediaCapable media)) {
                log.debug("{} cannot take files: only the name of {} is sent", texts.network(), name);
                content = MatrixContent.text(join(caption, "📎 " + name));
                afterSend = () -> notices.oncePerRoom(room, "files", texts.filesNotCarried());
            } else {
                long max = Math.min(media.maxUploadBytes(channel), MAX_FILE_BYTES);
                // info.size is the sender's word: a small one is not believed, the download stops at the limit
                byte[] data = null;
                long known = size;
                if (size <= max) {
                    try {
                        data = bot.download(MxcUri.parse(c.get("url").asText()), max);
                    } catch (MediaTooLargeException e) {
                        known = e.declaredSize();
                    }
                }
                if (data == null) {
                    long shown = known;
                    content = MatrixContent.text(join(caption, texts.fileNotCarriedRemote(name, shown)));
                    afterSend = () -> notices.about(room, ev.eventId(), "too-big", texts.fileTooBigForRemote(name, shown, max));
                } else {
                    content = new MatrixContent("m.text", caption, Optional.empty(), Set.of());
                    attachments = List.of(new OutgoingAttachment(name, type, data));
                }
            }
        } else {
            content = content(msg, mentions(ev.content()), rel.map(r -> r.inReplyTo() != null).orElse(false));
        }
        OutgoingRemoteMessage out = new OutgoingRemoteMessage(sender(room, ev.sender()), content, reply, thread, attachments,
                Optional.of(ev.eventId()));
        List<RemoteMessageId> ids = List.of();
        if (mayBeThere && connector instanceof SentLookupCapable lookup) {
            // the other server's clock may be a little behind the homeserver's
            Instant notBefore = Instant.ofEpochMilli(ev.originServerTs()).minusSeconds(60);
            try {
                ids = lookup.findSent(channel, out, notBefore, links::isLinked);
            } catch (BridgeException e) {
                if (e.isRetryable()) {
                    throw e;
                }
                log.warn("Could not look for {} among the recent messages of {} ({}); sending it", ev.eventId(),
                        texts.network(), e.getMessage());
            }
            if (!ids.isEmpty()) {
                log.info("{} was already on {} (sent before a crash or a lost answer): linked, not sent again",
                        ev.eventId(), texts.network());
            }
        }
        if (ids.isEmpty()) {
            ids = connector.send(channel, out);
        }
        long now = clock.millis();
        for (int i = 0; i < ids.size(); i++) {
            links.insert(new Link(room, ev.eventId(), channel, ids.get(i), i, Direction.TO_REMOTE, ev.sender(), now,
                    ev.originServerTs()));
        }
        afterSend.run();
    }

    private static String join(String caption, String line) {
        return caption.isBlank() ? line : caption + "\n" + line;
    }

    static Set<UserId> mentions(JsonNode content) {
        Set<UserId> out = new LinkedHashSet<>();
        for (JsonNode u : content.path("m.mentions").path("user_ids")) {
            try {
                out.add(UserId.of(u.asText()));
            } catch (IllegalArgumentException ignored) {
                // not a user ID: left out
            }
        }
        return out;
    }

    /** The text of a message, without the quoted fallback of replies (older clients still send it). */
    static MatrixContent content(Message msg, Set<UserId> mentions, boolean isReply) {
        String msgtype = switch (msg.msgtype() == null ? "" : msg.msgtype()) {
            case "m.notice", "m.emote" -> msg.msgtype();
            default -> "m.text";
        };
        String body = msg.body();
        Optional<String> html = msg.formattedBody();
        if (isReply) {
            if (body.startsWith("> ")) {
                int end = body.indexOf("\n\n");
                if (end >= 0) {
                    body = body.substring(end + 2);
                }
            }
            html = html.map(h -> MX_REPLY.matcher(h).replaceFirst(""));
        }
        return new MatrixContent(msgtype, body, html, mentions);
    }

    private void edit(MatrixEvent ev, RemoteChannelId channel, Relation rel) throws BridgeException {
        RoomId room = ev.roomId();
        if (!(connector instanceof EditCapable editor)) {
            log.debug("{} cannot edit: edit {} not carried", texts.network(), ev.eventId());
            notices.oncePerRoom(room, "edits", texts.editsNotCarried());
            return;
        }
        Optional<Link> target = links.byEvent(room, rel.eventId()).stream().filter(l -> l.direction() == Direction.TO_REMOTE)
                .findFirst();
        if (target.isEmpty()) {
            log.debug("Edit {} of {} not carried: that message did not cross from this room", ev.eventId(), rel.eventId());
            return;
        }
        if (!target.get().sender().equals(ev.sender())) {
            // Matrix clients show only the original sender's edits; the remote copy must not differ
            log.info("Edit {} by {} not carried: {} was sent by someone else", ev.eventId(), ev.sender(), rel.eventId());
            return;
        }
        Message msg = ev.message().orElseThrow();
        Message newContent = msg.newContent().orElse(msg);
        MatrixContent content = content(newContent, mentions(newContent.content()), false);
        editor.edit(channel, target.get().remote(), new OutgoingRemoteMessage(sender(room, ev.sender()), content,
                Optional.empty(), Optional.empty(), List.of()));
    }

    private void reaction(MatrixEvent ev, RemoteChannelId channel) throws BridgeException {
        Optional<Relation> rel = ev.reaction();
        if (rel.isEmpty() || rel.get().eventId() == null || rel.get().key() == null) {
            return;
        }
        RoomId room = ev.roomId();
        if (!(connector instanceof ReactionCapable reactor)) {
            log.debug("{} has no reactions: {} not carried", texts.network(), ev.eventId());
            return;
        }
        Optional<RemoteMessageId> target = links.remoteOf(room, rel.get().eventId());
        if (target.isEmpty()) {
            log.debug("Reaction {} not carried: its message did not cross", ev.eventId());
            return;
        }
        if (reactions.byEvent(ev.eventId()).isPresent()) {
            return;
        }
        reactor.react(channel, target.get(), sender(room, ev.sender()), rel.get().key(), true);
        reactions.insert(new ReactionLink(room, ev.eventId(), rel.get().eventId(), channel, target.get(), ev.sender().value(),
                rel.get().key(), Direction.TO_REMOTE));
    }

    private void redaction(MatrixEvent ev, RemoteChannelId channel) throws BridgeException {
        RoomId room = ev.roomId();
        Optional<EventId> redacted = ev.redacts(rooms.version(room));
        if (redacted.isEmpty()) {
            log.debug("Redaction {} not carried: no target where room version {} puts it", ev.eventId(), rooms.version(room));
            return;
        }
        Optional<ReactionLink> reaction = reactions.byEvent(redacted.get())
                .filter(r -> r.direction() == Direction.TO_REMOTE && r.room().equals(room));
        if (reaction.isPresent()) {
            if (!mayRedact(ev, reaction.get().reactor(), redacted.get())) {
                return;
            }
            if (connector instanceof ReactionCapable reactor) {
                ReactionLink r = reaction.get();
                reactor.react(channel, r.remoteMessage(), sender(room, UserId.of(r.reactor())), r.key(), false);
            }
            reactions.delete(redacted.get());
            return;
        }
        List<Link> targets = links.byEvent(room, redacted.get()).stream().filter(l -> l.direction() == Direction.TO_REMOTE).toList();
        if (targets.isEmpty()) {
            log.debug("Redaction {} not carried: {} did not cross from Matrix in this room", ev.eventId(), redacted.get());
            return;
        }
        if (!mayRedact(ev, targets.get(0).sender().value(), redacted.get())) {
            return;
        }
        if (!(connector instanceof DeleteCapable deleter)) {
            log.debug("{} cannot delete: redaction {} not carried", texts.network(), ev.eventId());
            notices.oncePerRoom(room, "deletions", texts.deletionsNotCarried());
            return;
        }
        for (Link l : targets) {
            deleter.delete(channel, l.remote());
        }
        links.deleteByEvent(redacted.get());
    }

    /**
     * Whether the redaction's sender may remove what {@code author} sent: their own, or with the
     * room's {@code redact} power level. The homeserver checks this for its own users, but a
     * redaction from another server reaches the bridge whether or not it is allowed to apply.
     */
    private boolean mayRedact(MatrixEvent redaction, String author, EventId target) {
        if (redaction.sender().value().equals(author) || rooms.mayRedactOthers(redaction.roomId(), redaction.sender())) {
            return true;
        }
        log.info("Redaction {} by {} not carried: {} was sent by someone else, and the room's redact power level is not reached",
                redaction.eventId(), redaction.sender(), target);
        return false;
    }
}
