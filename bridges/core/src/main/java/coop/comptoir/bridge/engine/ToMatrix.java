package coop.comptoir.bridge.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.api.id.EventId;
import coop.comptoir.api.id.MxcUri;
import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.id.UserId;
import coop.comptoir.api.matrix.MatrixClient;
import coop.comptoir.api.matrix.MatrixException;
import coop.comptoir.api.matrix.OutgoingMessage;
import coop.comptoir.bridge.api.BridgeException;
import coop.comptoir.bridge.api.MatrixContent;
import coop.comptoir.bridge.api.MediaCapable;
import coop.comptoir.bridge.api.NetworkConnector;
import coop.comptoir.bridge.api.RemoteAttachment;
import coop.comptoir.bridge.api.RemoteEvent;
import coop.comptoir.bridge.api.RemoteMessageId;
import coop.comptoir.bridge.engine.MessageLinkTable.Link;
import coop.comptoir.bridge.engine.OutboxTable.Row;
import coop.comptoir.bridge.engine.ReactionLinkTable.ReactionLink;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;

/**
 * Remote events to Matrix: messages sent by the author's ghost (with the original time, replies and
 * threads mapped through the message links, files uploaded), edits as {@code m.replace}, deletions
 * as redactions, reactions as the ghost's {@code m.reaction}. Transaction IDs come from the remote
 * IDs, so a message sent again after a crash is not doubled while the homeserver remembers them.
 * Each message part also carries its transaction ID in its content ({@link #MARKER}): a delivery
 * whose earlier outcome is unknown (a failed attempt, or the first one of a room after a start) first
 * looks for it among the ghost's latest messages in the room, which still works after a homeserver
 * restart made it forget the transaction IDs. Content never notifies the whole room.
 * Replies, threads, edits, deletions and reactions follow the links of the same room only.
 *
 * <p>A remote deletion redacts the bridge's own copies (the ghosts' messages); a Matrix user's
 * original is redacted with the bot's power only when {@code redactMatrixOriginals} is set, and
 * otherwise stays, with a notice saying its remote copy is gone.
 */
final class ToMatrix implements Lanes.Deliverer {
    /** Used when the homeserver does not say how large an upload may be. */
    static final long DEFAULT_MAX_UPLOAD = 50L * 1024 * 1024;
    /**
     * The most a message's text may take in an event, body and HTML together, in bytes of JSON: an
     * edit carries it twice, and a homeserver refuses events over 65,536 bytes.
     */
    static final int MAX_TEXT_BYTES = 28_000;
    /**
     * Content key holding the transaction ID a message part was sent with: how a send whose answer
     * was lost is found again in the room (Synapse forgets transaction IDs when it restarts).
     */
    static final String MARKER = "coop.comptoir.bridge.txn";
    /**
     * How many of the ghost's latest messages in the room are read to find a send whose outcome is
     * unknown. A queue is sequential, so the one looked for is at most a few messages back (later
     * parts of the same message, edits).
     */
    static final int LOOK_BACK = 50;

    private final String instance;
    private final MatrixClient bot;
    private final NetworkConnector connector;
    private final Portals portals;
    private final Ghosts ghosts;
    private final MessageLinkTable links;
    private final ReactionLinkTable reactions;
    private final Notices notices;
    private final Texts texts;
    private final boolean redactMatrixOriginals;
    private final Clock clock;
    private final Logger log;
    private final Map<RoomId, ReentrantLock> roomLocks = new ConcurrentHashMap<>();
    private volatile Long maxUpload;
    /** Rooms whose queue delivered a message since this start: only a room's first one may follow a crash mid-send. */
    private final Set<RoomId> deliveredSinceStart = ConcurrentHashMap.newKeySet();
    /** Messages whose last send failed without a clear refusal (the history import retries them outside the queue). */
    private final Set<RemoteMessageId> unsure = ConcurrentHashMap.newKeySet();
    private volatile SubChannelOpener subChannels = (room, ev) -> { };

    /** Opens the room of a sub-channel announced in a portal's queue. */
    interface SubChannelOpener {
        void open(RoomId parentRoom, RemoteEvent.SubChannel event) throws Exception;
    }

    void onSubChannel(SubChannelOpener opener) {
        this.subChannels = opener;
    }

    private volatile AccountLinks accounts;

    /** Account linking: {@code !link} messages go there instead of Matrix, and it hears of each message delivered. */
    void accounts(AccountLinks accounts) {
        this.accounts = accounts;
    }

    ToMatrix(String instance, MatrixClient bot, NetworkConnector connector, Portals portals, Ghosts ghosts,
             MessageLinkTable links, ReactionLinkTable reactions, Notices notices, Texts texts, boolean redactMatrixOriginals,
             Clock clock, Logger log) {
        this.instance = instance;
        this.bot = bot;
        this.connector = connector;
        this.portals = portals;
        this.ghosts = ghosts;
        this.links = links;
        this.reactions = reactions;
        this.notices = notices;
        this.texts = texts;
        this.redactMatrixOriginals = redactMatrixOriginals;
        this.clock = clock;
        this.log = log;
    }

    /** Held while a message is delivered to a room, by the live queue and the history import alike. */
    ReentrantLock lock(RoomId room) {
        return roomLocks.computeIfAbsent(room, r -> new ReentrantLock());
    }

    @Override
    public void deliver(Row row) throws Exception {
        RemoteEvent event = EventCodec.decode(row.kind(), row.payload());
        RoomId room = row.room();
        if (portals.byRoom(room).filter(p -> p.channel().equals(event.channel())).isEmpty()) {
            log.debug("Dropped {}: {} is no longer linked to {}", row.dedupKey(), room, event.channel());
            return;
        }
        ReentrantLock lock = lock(room);
        lock.lock();
        try {
            AccountLinks a = accounts;
            if (event instanceof RemoteEvent.Message m && a != null && AccountLinks.isRemoteCommand(m)) {
                a.remoteCommand(room, m);
            } else if (event instanceof RemoteEvent.Message m) {
                // After a start only a queue's head may have been sent by the run that died; a failed
                // attempt (a timeout, a reset, a 5xx) may have been stored by the homeserver too.
                boolean mayBeThere = deliveredSinceStart.add(room) || row.attempts() > 0;
                if (message(room, m, mayBeThere) && a != null) {
                    links.eventOf(room, m.id()).ifPresent(sent -> a.delivered(room, sent, m));
                }
            } else if (event instanceof RemoteEvent.Edit e) {
                edit(room, e);
            } else if (event instanceof RemoteEvent.Delete d) {
                delete(room, d);
            } else if (event instanceof RemoteEvent.Reaction r) {
                reaction(room, r, row.id());
            } else if (event instanceof RemoteEvent.SubChannel sc) {
                subChannels.open(room, sc);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void gaveUp(Row row, String reason) {
        notices.about(row.room(), null, "to-matrix-" + row.id(), texts.notSentToMatrix(reason));
    }

    /**
     * Sends a remote message to the room, unless it already crossed (either way); call with
     * {@link #lock} held. Returns whether anything was sent (or found already there). A message whose
     * earlier send failed in this run without a clear refusal is looked for in the room first, as with
     * {@code mayBeThere}.
     *
     * @param mayBeThere whether an earlier attempt may have reached the homeserver without its link
     *                   being recorded (a failed attempt, a run that died): then the room's recent
     *                   messages are read first ({@link #MARKER})
     * @throws MatrixException transient, when the homeserver cannot answer the send or that read
     */
    boolean message(RoomId room, RemoteEvent.Message m, boolean mayBeThere) throws BridgeException {
        if (AccountLinks.isRemoteCommand(m)) {
            return false; // a code to link an account: never shown on Matrix, not even from the history
        }
        List<Link> existing = links.byRemote(m.id());
        if (existing.stream().anyMatch(l -> l.direction() == Direction.TO_REMOTE)) {
            return false; // a Matrix message the connector posted: never bridged back
        }
        Set<Integer> done = new HashSet<>();
        existing.forEach(l -> done.add(l.part()));
        boolean hasText = !m.content().body().isBlank() || m.attachments().isEmpty();
        int parts = (hasText ? 1 : 0) + m.attachments().size();
        if (done.size() >= parts) {
            return false;
        }
        UserId ghost = ghosts.ensure(m.sender(), room);
        if (mayBeThere || unsure.contains(m.id())) {
            findSent(room, ghost, m, parts, done);
            if (done.size() >= parts) {
                unsure.remove(m.id());
                return true;
            }
        }
        try {
            sendParts(room, ghost, m, hasText, done);
        } catch (RuntimeException e) {
            if (!(e instanceof MatrixException me) || me.isTransient()) {
                unsure.add(m.id()); // stored or not, nobody knows: the next try looks first
            }
            throw e;
        }
        unsure.remove(m.id());
        return true;
    }

    private void sendParts(RoomId room, UserId ghost, RemoteEvent.Message m, boolean hasText, Set<Integer> done)
            throws BridgeException {
        MatrixClient as = bot.as(ghost).withTimestamp(m.timestamp().toEpochMilli());
        Optional<EventId> thread = m.threadRoot().flatMap(r -> links.eventOf(room, r));
        Optional<EventId> reply = m.replyTo().flatMap(r -> links.eventOf(room, r));
        int part = 0;
        if (hasText) {
            if (!done.contains(part)) {
                OutgoingMessage om = outgoing(m.content());
                if (thread.isPresent()) {
                    om = om.inThread(thread.get());
                }
                if (reply.isPresent()) {
                    om = om.replyingTo(reply.get());
                }
                String txn = Txn.of(instance, "m", m.id(), part);
                EventId sent = as.sendEvent(room, "m.room.message", om.toContent().put(MARKER, txn), txn);
                link(room, sent, m, part, ghost);
            }
            part++;
        }
        for (RemoteAttachment a : m.attachments()) {
            if (!done.contains(part)) {
                ObjectNode content = attachment(as, a);
                relate(content, thread, part == 0 ? reply : Optional.empty());
                String txn = Txn.of(instance, "m", m.id(), part);
                EventId sent = as.sendEvent(room, "m.room.message", content.put(MARKER, txn), txn);
                link(room, sent, m, part, ghost);
            }
            part++;
        }
    }

    /**
     * Links the parts of {@code m} the homeserver already holds (found by their {@link #MARKER} among
     * the ghost's last {@link #LOOK_BACK} messages in the room) and adds them to {@code done}. A
     * homeserver that cannot answer now throws (the delivery is retried, not sent blindly); one that
     * refuses the read is logged and the parts are sent.
     */
    private void findSent(RoomId room, UserId ghost, RemoteEvent.Message m, int parts, Set<Integer> done) {
        ObjectNode filter = EventCodec.JSON.createObjectNode();
        filter.putArray("types").add("m.room.message");
        filter.putArray("senders").add(ghost.value());
        String path = "/_matrix/client/v3/rooms/" + encode(room.value()) + "/messages?dir=b&limit=" + LOOK_BACK
                + "&filter=" + encode(filter.toString());
        JsonNode page;
        try {
            page = bot.as(ghost).request("GET", path, null);
        } catch (MatrixException e) {
            if (e.isTransient()) {
                throw e;
            }
            log.warn("Could not look for {} message {} among the room's recent messages ({}); sending it", texts.network(),
                    m.id(), e.getMessage());
            return;
        }
        Map<String, EventId> byMarker = new HashMap<>();
        for (JsonNode ev : page.path("chunk")) { // newest first: the oldest copy wins
            JsonNode marker = ev.path("content").path(MARKER);
            if (marker.isTextual() && ev.path("event_id").isTextual()) {
                byMarker.put(marker.asText(), EventId.of(ev.get("event_id").asText()));
            }
        }
        int found = 0;
        for (int part = 0; part < parts; part++) {
            EventId there = done.contains(part) ? null : byMarker.get(Txn.of(instance, "m", m.id(), part));
            if (there != null) {
                link(room, there, m, part, ghost);
                done.add(part);
                found++;
            }
        }
        if (found > 0) {
            log.info("{} message {} was already in {} ({} part(s), stored before a lost answer or a crash): linked, not sent again",
                    texts.network(), m.id(), room, found);
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private void link(RoomId room, EventId event, RemoteEvent.Message m, int part, UserId ghost) {
        links.insert(new Link(room, event, m.channel(), m.id(), part, Direction.TO_MATRIX, ghost, clock.millis(),
                m.timestamp().toEpochMilli()));
    }

    /**
     * Matrix content for remote text: its own mentions of users, never of the whole room, and small
     * enough for one event ({@link #MAX_TEXT_BYTES}): formatting too large goes (the text stays), and
     * text too long is cut with a line saying so, rather than refused by the homeserver and lost.
     */
    OutgoingMessage outgoing(MatrixContent c) {
        String body = c.body();
        Optional<String> html = c.html();
        if (html.isPresent() && jsonBytes(body) + jsonBytes(html.get()) > MAX_TEXT_BYTES) {
            log.info("The formatting of a {} message is too large for Matrix ({} characters of HTML): sent as plain text",
                    texts.network(), html.get().length());
            html = Optional.empty();
        }
        if (jsonBytes(body) > MAX_TEXT_BYTES) {
            long total = body.codePointCount(0, body.length());
            String kept = cut(body, MAX_TEXT_BYTES - 200);
            log.info("A {} message of {} characters is too long for Matrix: cut after {}", texts.network(), total,
                    kept.codePointCount(0, kept.length()));
            body = kept + "\n" + texts.cutForMatrix(kept.codePointCount(0, kept.length()), total);
        }
        OutgoingMessage om = html.isPresent() ? OutgoingMessage.html(body, html.get()) : OutgoingMessage.text(body);
        om = om.withMsgtype(c.msgtype());
        if (!c.mentions().isEmpty()) {
            om = om.mentioning(c.mentions().toArray(UserId[]::new));
        }
        return om;
    }

    /** How many bytes {@code s} takes as a JSON string (UTF-8, escapes counted at their longest). */
    static int jsonBytes(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            n += charBytes(s, i);
        }
        return (int) Math.min(Integer.MAX_VALUE, n);
    }

    private static int charBytes(String s, int i) {
        char ch = s.charAt(i);
        if (ch == '"' || ch == '\\') {
            return 2;
        } else if (ch < 0x20 || ch == 0x7f) {
            return 6;
        } else if (ch < 0x80) {
            return 1;
        } else if (ch < 0x800) {
            return 2;
        } else if (Character.isSurrogate(ch)) {
            boolean paired = Character.isHighSurrogate(ch) ? i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))
                    : i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
            return paired ? 2 : 6;
        }
        return 3;
    }

    /** The start of {@code s} that takes at most {@code maxBytes} as JSON, ended at a space when one is near. */
    static String cut(String s, int maxBytes) {
        long used = 0;
        int end = 0;
        while (end < s.length()) {
            int size = charBytes(s, end);
            if (used + size > maxBytes) {
                break;
            }
            used += size;
            end++;
        }
        if (end > 0 && end < s.length() && Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        int space = s.lastIndexOf(' ', end);
        if (end < s.length() && space > end - 200 && space > 0) {
            end = space;
        }
        return s.substring(0, end).stripTrailing();
    }

    private ObjectNode attachment(MatrixClient as, RemoteAttachment a) throws BridgeException {
        ObjectNode c = EventCodec.JSON.createObjectNode();
        // the connector's download stops at the limit, whatever size the remote side announced
        long limit = Math.min(maxUpload(), ToRemote.MAX_FILE_BYTES);
        byte[] data = null;
        if (connector instanceof MediaCapable media && (a.size() < 0 || a.size() <= limit)) {
            try {
                data = media.download(a.url(), limit);
            } catch (BridgeException e) {
                if (e.isRetryable()) {
                    throw e;
                }
                log.info("Attachment {} not copied: {}", a.fileName(), e.getMessage());
            }
        }
        String caption = a.caption().map(MatrixContent::body).filter(b -> !b.isBlank()).orElse(null);
        if (data == null) {
            c.put("msgtype", "m.text");
            boolean tooLarge = a.size() > limit;
            String notCarried = texts.fileNotCarriedMatrix(a.fileName(), a.size(), a.url().toString(), tooLarge);
            c.put("body", caption == null ? notCarried : caption + "\n" + notCarried);
        } else {
            MxcUri mxc = as.upload(data, a.contentType(), a.fileName());
            c.put("msgtype", msgtype(a.contentType()));
            // a body other than the file name is the file's caption (Matrix 1.10), formatted_body its rich form
            c.put("body", caption == null || caption.equals(a.fileName()) ? a.fileName() : caption);
            c.put("filename", a.fileName());
            if (caption != null && a.caption().get().html().isPresent()) {
                c.put("format", "org.matrix.custom.html");
                c.put("formatted_body", a.caption().get().html().get());
            }
            c.put("url", mxc.toString());
            ObjectNode info = c.putObject("info");
            info.put("mimetype", a.contentType());
            info.put("size", data.length);
        }
        ObjectNode mentions = c.putObject("m.mentions");
        a.caption().filter(cap -> !cap.mentions().isEmpty()).ifPresent(cap -> {
            ArrayNode ids = mentions.putArray("user_ids");
            cap.mentions().stream().sorted().forEach(u -> ids.add(u.value()));
        });
        return c;
    }

    static String msgtype(String contentType) {
        if (contentType.startsWith("image/")) {
            return "m.image";
        } else if (contentType.startsWith("video/")) {
            return "m.video";
        } else if (contentType.startsWith("audio/")) {
            return "m.audio";
        }
        return "m.file";
    }

    private static void relate(ObjectNode c, Optional<EventId> thread, Optional<EventId> reply) {
        if (thread.isPresent()) {
            ObjectNode rel = c.putObject("m.relates_to");
            rel.put("rel_type", "m.thread");
            rel.put("event_id", thread.get().value());
            rel.putObject("m.in_reply_to").put("event_id", reply.orElse(thread.get()).value());
            rel.put("is_falling_back", reply.isEmpty());
        } else if (reply.isPresent()) {
            c.putObject("m.relates_to").putObject("m.in_reply_to").put("event_id", reply.get().value());
        }
    }

    /** The homeserver's upload limit ({@code m.upload.size}), asked once. */
    long maxUpload() {
        Long known = maxUpload;
        if (known != null) {
            return known;
        }
        long limit = DEFAULT_MAX_UPLOAD;
        try {
            JsonNode config = bot.request("GET", "/_matrix/client/v1/media/config", null);
            if (config != null && config.path("m.upload.size").canConvertToLong()) {
                limit = config.get("m.upload.size").asLong();
            }
        } catch (RuntimeException e) {
            log.debug("Media config not available ({}); assuming {} bytes", e.getMessage(), limit);
        }
        maxUpload = limit;
        return limit;
    }

    private void edit(RoomId room, RemoteEvent.Edit e) {
        Optional<Link> target = links.byRemote(room, e.id()).stream().filter(l -> l.direction() == Direction.TO_MATRIX).findFirst();
        if (target.isEmpty()) {
            log.debug("Edit of {} ignored: that message was not bridged", e.id());
            return;
        }
        ghosts.ensureProfile(e.sender());
        MatrixClient as = bot.as(target.get().sender());
        String txn = Txn.of(instance, "e", e.id(), e.timestamp().toEpochMilli());
        Optional<ObjectNode> file = captionedFile(as, room, target.get().event());
        if (file.isPresent()) {
            as.sendEvent(room, "m.room.message", captionEdit(file.get(), e.content(), target.get().event()), txn);
            return;
        }
        as.edit(room, target.get().event(), outgoing(e.content()), txn);
    }

    /** The content of a file event the bridge sent (its caption is what an edit changes), if the target is one. */
    private Optional<ObjectNode> captionedFile(MatrixClient as, RoomId room, EventId event) {
        try {
            JsonNode c = as.getEvent(room, event).path("content");
            return ToRemote.MEDIA.contains(c.path("msgtype").asText()) && c.path("url").isTextual()
                    ? Optional.of((ObjectNode) c) : Optional.empty();
        } catch (RuntimeException e) {
            log.debug("Could not read {} before editing it ({}): edited as text", event, e.getMessage());
            return Optional.empty();
        }
    }

    /** An edit of a file's caption: the file stays, its caption changes (Matrix 1.10 captions). */
    private static ObjectNode captionEdit(ObjectNode file, MatrixContent caption, EventId original) {
        ObjectNode now = EventCodec.JSON.createObjectNode();
        for (String field : List.of("msgtype", "filename", "url", "info")) {
            if (file.has(field)) {
                now.set(field, file.get(field).deepCopy());
            }
        }
        String name = file.path("filename").asText(file.path("body").asText(""));
        now.put("body", caption.body().isBlank() ? name : caption.body());
        if (!caption.body().isBlank() && caption.html().isPresent()) {
            now.put("format", "org.matrix.custom.html");
            now.put("formatted_body", caption.html().get());
        }
        ObjectNode mentions = now.putObject("m.mentions");
        if (!caption.mentions().isEmpty()) {
            ArrayNode ids = mentions.putArray("user_ids");
            caption.mentions().stream().sorted().forEach(u -> ids.add(u.value()));
        }
        ObjectNode c = now.deepCopy();
        c.put("body", "* " + now.get("body").asText());
        c.remove("formatted_body");
        c.remove("format");
        c.set("m.new_content", now);
        c.putObject("m.relates_to").put("rel_type", "m.replace").put("event_id", original.value());
        return c;
    }

    private void delete(RoomId room, RemoteEvent.Delete d) {
        List<Link> targets = links.byRemote(room, d.id());
        if (targets.isEmpty()) {
            log.debug("Deletion of {} ignored: that message was not bridged in this room", d.id());
            return;
        }
        for (Link l : targets) {
            if (l.direction() == Direction.TO_MATRIX) {
                bot.as(l.sender()).redact(room, l.event(), null, Txn.of(instance, "d", l.event())); // a ghost removes its own
            } else if (redactMatrixOriginals) {
                bot.redact(room, l.event(), null, Txn.of(instance, "d", l.event()));
            } else { // one notice per message, whichever of its parts went (the transaction ID is the same)
                log.info("The {} copy of {} was deleted there; the original stays (redact_matrix_originals is off)",
                        texts.network(), l.event());
                notices.about(room, l.event(), "deleted-remotely", texts.deletedRemotely());
            }
        }
        links.deleteByRemote(d.id());
    }

    private void reaction(RoomId room, RemoteEvent.Reaction r, long rowId) {
        Optional<EventId> target = links.eventOf(room, r.message());
        if (target.isEmpty()) {
            log.debug("Reaction on {} ignored: that message was not bridged", r.message());
            return;
        }
        String reactor = r.sender().id().value();
        Optional<ReactionLink> existing = reactions.byRemote(r.message(), reactor, r.key()).filter(x -> x.room().equals(room));
        if (r.added()) {
            if (existing.isPresent()) {
                return;
            }
            UserId ghost = ghosts.ensure(r.sender(), room);
            EventId sent = bot.as(ghost).react(room, target.get(), r.key(), Txn.of(instance, "r", rowId));
            reactions.insert(new ReactionLink(room, sent, target.get(), r.channel(), r.message(), reactor, r.key(),
                    Direction.TO_MATRIX));
        } else if (existing.isPresent()) {
            UserId ghost = ghosts.ensure(r.sender(), null);
            bot.as(ghost).redact(room, existing.get().event(), null, Txn.of(instance, "ru", rowId));
            reactions.delete(existing.get().event());
        }
    }
}
