package coop.comptoir.bridge.imports;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.api.id.EventId;
import coop.comptoir.api.id.MxcUri;
import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.id.UserId;
import coop.comptoir.api.matrix.MatrixClient;
import coop.comptoir.api.matrix.MatrixException;
import coop.comptoir.api.matrix.OutgoingMessage;
import coop.comptoir.api.store.Database;
import coop.comptoir.api.text.Catalogue;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;

/**
 * Sends one channel of an export into a Matrix room: oldest first, each message by the ghost of its
 * author ({@code @_import_<source>_<id>}) with its original time, replies and thread replies related
 * to the imported events they answer, files uploaded when the export holds them.
 *
 * <p>Resumable and never twice: each imported message is recorded with its event right after it is
 * sent, so a run started again after a crash skips what was sent; each send's transaction ID is
 * derived from the export's message ID, so the homeserver answers a send repeated after a crash
 * (between the send and the record) with the event it already has. A finished run is refused.
 * A progress notice is posted every {@code progressEvery} messages, and a summary at the end.
 */
public final class HistoryImport {
    /** The localpart prefix of every imported ghost; then the source network and the escaped ID. */
    public static final String GHOST_PREFIX = "_import_";

    private final MatrixClient bot;
    private final ImportLog log;
    private final String serverName;
    private final int progressEvery;
    private final Clock clock;
    private final Logger logger;
    private final Set<String> running = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;

    /** Creates the importer; creates its tables on first use (blocks on the database). */
    public HistoryImport(MatrixClient bot, Database db, String serverName, int progressEvery, Clock clock, Logger logger) {
        this.bot = bot;
        this.log = new ImportLog(db);
        this.serverName = serverName;
        this.progressEvery = Math.max(1, progressEvery);
        this.clock = clock;
        this.logger = logger;
    }

    /** How a run ended ({@code STOPPED}: by {@link #stop()}, it resumes with the next run). */
    public enum Outcome { DONE, ALREADY_DONE, ALREADY_RUNNING, STOPPED }

    /**
     * Asks the running imports to stop once the message being sent is sent and recorded (Comptoir is
     * stopping): they return {@link Outcome#STOPPED}, stay unfinished and resume at the next start.
     * Nothing is said in the room: a stop is not a failure. Never blocks; later runs stop at once.
     */
    public void stop() {
        stopping = true;
    }

    /** The dry run's text: what would be imported, nothing sent. */
    public static String preview(Export.Channel channel, Catalogue texts) {
        Export.Summary s = Export.Summary.of(channel);
        DateTimeFormatter f = DateTimeFormatter.ofPattern(texts.text("format.time")).withZone(ZoneId.systemDefault());
        return texts.text("dry.run", "channel", channel.name(), "messages", s.messages(),
                "first", s.first().map(f::format).orElse("-"), "last", s.last().map(f::format).orElse("-"),
                "files", s.attachments(), "missing", String.valueOf(s.missingFiles()), "people", s.people().size(),
                "names", String.join(", ", s.people()));
    }

    /** Whether {@code channel} was already imported into {@code room} in full (blocks on the database). */
    public boolean isDone(String source, Export.Channel channel, RoomId room) {
        return log.state(runKey(source, channel, room)).filter(ImportLog.DONE::equals).isPresent();
    }

    private static String runKey(String source, Export.Channel channel, RoomId room) {
        return source + ":" + channel.id() + ":" + room.value();
    }

    /**
     * Imports {@code channel} into {@code room}; blocks until done. Progress notices and the final
     * summary are posted in {@code room} by the bot, in the catalogue's language.
     *
     * @throws MatrixException when the homeserver fails for good: what was sent is kept, and running
     *                         again resumes after it
     */
    public Outcome run(String source, Export.Channel channel, RoomId room, Catalogue texts) {
        return run(source, channel, room, texts, new ImportLog.Origin("", "", channel.id(), room.value()));
    }

    /** The imports a stop interrupted: format, file, channel ID and room, for {@link #run} again. */
    List<ImportLog.Origin> unfinished() {
        return log.unfinished();
    }

    /** As {@link #run(String, Export.Channel, RoomId, Catalogue)}, remembering where the export is read from. */
    Outcome run(String source, Export.Channel channel, RoomId room, Catalogue texts, ImportLog.Origin origin) {
        String run = runKey(source, channel, room);
        if (!running.add(run)) {
            return Outcome.ALREADY_RUNNING;
        }
        try {
            if (log.state(run).filter(ImportLog.DONE::equals).isPresent()) {
                return Outcome.ALREADY_DONE;
            }
            log.setState(run, ImportLog.RUNNING, origin, clock.millis());
            Map<String, String> done = log.imported(run);
            Set<UserId> ready = new HashSet<>();
            DateTimeFormatter f = DateTimeFormatter.ofPattern(texts.text("format.time")).withZone(ZoneId.systemDefault());
            int total = channel.messages().size();
            int position = 0;
            try {
                for (Export.Message m : channel.messages()) {
                    position++;
                    if (done.containsKey(m.id())) {
                        continue;
                    }
                    if (stopping) {
                        logger.info("Import {} paused by the stop after {} message(s); it resumes at the next start",
                                run, done.size());
                        return Outcome.STOPPED;
                    }
                    EventId event = send(source, channel, room, m, done, ready);
                    log.imported(run, m.id(), event.value());
                    done.put(m.id(), event.value());
                    if (position % progressEvery == 0 && position < total) {
                        notice(room, texts.text("progress", "done", String.valueOf(position), "total", String.valueOf(total),
                                "date", f.format(m.time())), run + ":progress:" + position);
                    }
                }
            } catch (RuntimeException e) {
                logger.warn("Import {} stopped after {} message(s): {}", run, done.size(), e.getMessage());
                notice(room, texts.text("failed", "done", String.valueOf(done.size()), "error", String.valueOf(e.getMessage())),
                        run + ":failed:" + done.size());
                throw e;
            }
            log.setState(run, ImportLog.DONE, origin, clock.millis());
            notice(room, texts.text("done", "count", done.size()), run + ":done");
            logger.info("Import {} finished: {} message(s)", run, done.size());
            return Outcome.DONE;
        } finally {
            running.remove(run);
        }
    }

    /** Sends one message (its files, then its text); returns the event that replies and threads point to. */
    private EventId send(String source, Export.Channel channel, RoomId room, Export.Message m, Map<String, String> done,
                         Set<UserId> ready) {
        UserId ghost = ghost(source, m.author(), room, ready);
        MatrixClient as = bot.as(ghost).withTimestamp(m.time().toEpochMilli());
        Optional<EventId> reply = m.replyTo().map(done::get).map(EventId::of);
        Optional<EventId> root = m.threadRoot().map(done::get).map(EventId::of);
        StringBuilder text = new StringBuilder(m.text());
        EventId first = null;
        int part = 0;
        for (Export.Attachment a : m.attachments()) {
            byte[] data = read(a);
            if (data == null) {
                text.append(text.length() == 0 ? "" : "\n").append("📎 ").append(a.fileName())
                        .append(a.link().isBlank() ? "" : " " + a.link());
                continue;
            }
            MxcUri mxc = bot.as(ghost).upload(data, a.contentType(), a.fileName());
            ObjectNode content = JsonNodeFactory.instance.objectNode();
            content.put("msgtype", msgtype(a.contentType())).put("body", a.fileName()).put("url", mxc.toString());
            content.putObject("info").put("mimetype", a.contentType()).put("size", data.length);
            relate(content, first == null ? reply : Optional.empty(), root);
            EventId e = as.sendEvent(room, "m.room.message", content, txn(source, channel, m, part++));
            first = first == null ? e : first;
        }
        if (text.length() > 0 || first == null) {
            OutgoingMessage msg = OutgoingMessage.text(text.length() == 0 ? "…" : text.toString());
            if (root.isPresent()) {
                msg = msg.inThread(root.get());
            }
            if (first == null && reply.isPresent()) {
                msg = msg.replyingTo(reply.get());
            }
            EventId e = as.send(room, msg, txn(source, channel, m, part));
            first = first == null ? e : first;
        }
        return first;
    }

    /** The file's bytes, or null when the export does not hold it or it cannot be read any more (then linked). */
    private byte[] read(Export.Attachment a) {
        if (a.content().isEmpty()) {
            return null;
        }
        try {
            return a.content().get().read();
        } catch (java.io.IOException | RuntimeException e) {
            logger.warn("Import: file {} not read ({}); its name is written instead", a.fileName(), e.toString());
            return null;
        }
    }

    private static void relate(ObjectNode content, Optional<EventId> reply, Optional<EventId> root) {
        OutgoingMessage shape = OutgoingMessage.text("");
        if (root.isPresent()) {
            shape = shape.inThread(root.get());
        }
        if (reply.isPresent()) {
            shape = shape.replyingTo(reply.get());
        }
        ObjectNode rel = (ObjectNode) shape.toContent().get("m.relates_to");
        if (rel != null) {
            content.set("m.relates_to", rel);
        }
    }

    private static String msgtype(String contentType) {
        if (contentType.startsWith("image/")) {
            return "m.image";
        }
        if (contentType.startsWith("video/")) {
            return "m.video";
        }
        return contentType.startsWith("audio/") ? "m.audio" : "m.file";
    }

    /** The ghost of an export's author: registered, named as in the export, joined to the room. */
    UserId ghost(String source, Export.Person person, RoomId room, Set<UserId> ready) {
        UserId ghost = ghostId(source, person.id());
        if (ready.add(ghost)) {
            MatrixClient as = bot.as(ghost);
            as.ensureRegistered();
            as.setDisplayName(person.name());
            try {
                as.join(room.value());
            } catch (MatrixException e) {
                if (e.isTransient()) {
                    throw e;
                }
                bot.invite(room, ghost);
                as.join(room.value());
            }
        }
        return ghost;
    }

    /** {@code @_import_<source>_<id>}: letters and digits kept lower case, anything else escaped as {@code =xx}. */
    UserId ghostId(String source, String remoteId) {
        StringBuilder sb = new StringBuilder(GHOST_PREFIX).append(source).append('_');
        for (byte b : remoteId.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-') {
                sb.append((char) c);
            } else {
                sb.append('=').append(String.format("%02x", c));
            }
        }
        return UserId.of(sb.toString(), serverName);
    }

    /** Stable per export message and part: a repeat after a crash is answered with the same event. */
    static String txn(String source, Export.Channel channel, Export.Message m, int part) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256")
                    .digest((source + "\n" + channel.id() + "\n" + m.id()).getBytes(StandardCharsets.UTF_8));
            return "comptoir-import-" + HexFormat.of().formatHex(h, 0, 16) + "-" + part;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void notice(RoomId room, String text, String key) {
        try {
            bot.send(room, OutgoingMessage.notice(text), txn("notice", new Export.Channel("", "", List.of()),
                    new Export.Message(key, null, Instant.EPOCH, "", Optional.empty(), Optional.empty(), List.of()), 0));
        } catch (RuntimeException e) {
            logger.debug("Import notice not shown in {}: {}", room, e.getMessage());
        }
    }
}
