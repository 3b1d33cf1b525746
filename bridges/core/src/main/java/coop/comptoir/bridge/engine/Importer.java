package coop.comptoir.bridge.engine;

import coop.comptoir.api.id.EventId;
import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.matrix.MatrixClient;
import coop.comptoir.api.matrix.OutgoingMessage;
import coop.comptoir.bridge.api.BackfillCapable;
import coop.comptoir.bridge.api.RemoteChannelId;
import coop.comptoir.bridge.api.RemoteEvent;
import coop.comptoir.bridge.api.RemoteMessageId;
import coop.comptoir.bridge.engine.CursorTable.Cursor;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;

/**
 * The history import ({@code !bridge import}): the channel's past messages, oldest first, in
 * batches, sent by their authors' ghosts with their original times; replies and threads are kept
 * through the message links. Its position is stored after each batch, so it resumes after a
 * restart; messages the live bridge already carried are skipped; one import at a time per room.
 * A progress notice is edited in place after each batch.
 */
final class Importer {
    static final String RUNNING = "RUNNING";
    static final String DONE = "DONE";
    static final String STOPPED = "STOPPED";

    private final String instance;
    private final MatrixClient bot;
    private final BackfillCapable backfill;
    private final Portals portals;
    private final CursorTable cursors;
    private final MessageLinkTable links;
    private final ToMatrix toMatrix;
    private final Texts texts;
    private final ScheduledExecutorService exec;
    private final Clock clock;
    private final Lanes lanes;
    private final int batchSize;
    private final Logger log;
    private final Set<RoomId> running = ConcurrentHashMap.newKeySet();
    /** Rooms whose import sent a message since this start: only the first one may follow a run that died mid-send. */
    private final Set<RoomId> importedSinceStart = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    Importer(String instance, MatrixClient bot, BackfillCapable backfill, Portals portals, CursorTable cursors,
             MessageLinkTable links, ToMatrix toMatrix, Texts texts, ScheduledExecutorService exec, Clock clock, Lanes lanes,
             int batchSize, Logger log) {
        this.instance = instance;
        this.bot = bot;
        this.backfill = backfill;
        this.portals = portals;
        this.cursors = cursors;
        this.links = links;
        this.toMatrix = toMatrix;
        this.texts = texts;
        this.exec = exec;
        this.clock = clock;
        this.lanes = lanes;
        this.batchSize = batchSize;
        this.log = log;
    }

    boolean isRunning(RoomId room) {
        return running.contains(room);
    }

    /**
     * Starts (or resumes) the import of a portal; the answer for the person who asked. {@code cause}
     * is the command's event, for the notice's transaction ID.
     */
    String start(RoomId room, RemoteChannelId channel, EventId cause) {
        if (!running.add(room)) {
            return texts.importRunning();
        }
        try {
            Optional<Cursor> existing = cursors.get(room, CursorTable.IMPORT, channel);
            if (existing.filter(c -> DONE.equals(c.state())).isPresent()) {
                running.remove(room);
                return texts.importAlreadyDone(existing.get().count());
            }
            String first = existing.map(Cursor::count).filter(n -> n > 0).map(texts::importResumed).orElse(texts.importStarted());
            EventId notice = bot.send(room, OutgoingMessage.notice(first), Txn.of(instance, "import-start", room, cause));
            Cursor c = new Cursor(room, CursorTable.IMPORT, channel, existing.flatMap(Cursor::position),
                    existing.map(Cursor::count).orElse(0L), RUNNING, Optional.of(notice));
            cursors.put(c, clock.millis());
            submit(room, 0);
            return null;
        } catch (RuntimeException e) {
            running.remove(room);
            throw e;
        }
    }

    /** Resumes the imports a restart interrupted. */
    void resumeAll() {
        for (Cursor c : cursors.all(CursorTable.IMPORT)) {
            if (RUNNING.equals(c.state()) && portals.byRoom(c.room()).filter(p -> p.channel().equals(c.channel())).isPresent()
                    && running.add(c.room())) {
                log.info("Resuming the history import of {} after {} message(s)", c.room(), c.count());
                submit(c.room(), 0);
            }
        }
    }

    void close() {
        closed = true;
    }

    private void submit(RoomId room, long delayMillis) {
        try {
            exec.schedule(() -> batch(room, 0), delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            running.remove(room);
        }
    }

    private void batch(RoomId room, int failures) {
        if (closed) {
            running.remove(room);
            return;
        }
        Optional<Cursor> found = portals.byRoom(room).flatMap(p -> cursors.get(room, CursorTable.IMPORT, p.channel()));
        if (found.isEmpty() || !RUNNING.equals(found.get().state())) {
            running.remove(room);
            return;
        }
        Cursor c = found.get();
        Optional<RemoteMessageId> position = c.position();
        long count = c.count();
        long lastTs = 0;
        List<RemoteEvent.Message> batch;
        try {
            batch = backfill.messagesAfter(c.channel(), position, batchSize);
            for (RemoteEvent.Message m : batch) {
                if (closed) {
                    running.remove(room);
                    return;
                }
                ReentrantLock lock = toMatrix.lock(room);
                lock.lock();
                try {
                    // the first message of a run may have been sent by a run that died before storing its position
                    if (!links.isLinked(m.id()) && toMatrix.message(room, m, importedSinceStart.add(room))) {
                        count++;
                    }
                } catch (Exception e) {
                    Lanes.Failure f = Lanes.classify(e);
                    if (f.retryable()) {
                        throw e;
                    }
                    log.warn("Import: message {} skipped: {}", m.id(), f.message());
                } finally {
                    lock.unlock();
                }
                position = Optional.of(m.id());
                lastTs = m.timestamp().toEpochMilli();
                // Stored as it goes: a retry resumes after the last message sent.
                cursors.put(new Cursor(room, CursorTable.IMPORT, c.channel(), position, count, RUNNING, c.notice()), clock.millis());
            }
        } catch (Exception e) {
            Lanes.Failure f = Lanes.classify(e);
            if (f.retryable() && failures < 50) {
                long wait = lanes.delay(failures + 1, f.retryAfter()).toMillis();
                log.warn("Import of {} paused ({}); going on in {} ms", room, f.message(), wait);
                try {
                    exec.schedule(() -> batch(room, failures + 1), wait, TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException ex) {
                    running.remove(room);
                }
                return;
            }
            log.warn("Import of {} stopped: {}", room, f.message());
            Cursor now = cursors.get(room, CursorTable.IMPORT, c.channel()).orElse(c);
            cursors.put(new Cursor(room, CursorTable.IMPORT, c.channel(), now.position(), now.count(), STOPPED, c.notice()),
                    clock.millis());
            progress(room, c.notice(), texts.importFailed(f.message()), "stopped-" + now.count());
            running.remove(room);
            return;
        }
        if (batch.size() < batchSize) {
            cursors.put(new Cursor(room, CursorTable.IMPORT, c.channel(), position, count, DONE, c.notice()), clock.millis());
            progress(room, c.notice(), texts.importDone(count), "done-" + count);
            log.info("History import of {} finished: {} message(s)", room, count);
            running.remove(room);
            return;
        }
        progress(room, c.notice(), texts.importProgress(count, lastTs), position.map(RemoteMessageId::value).orElse("") + count);
        submit(room, 0);
    }

    private void progress(RoomId room, Optional<EventId> notice, String text, String step) {
        try {
            if (notice.isPresent()) {
                bot.edit(room, notice.get(), OutgoingMessage.notice(text), Txn.of(instance, "import-progress", room, step));
            } else {
                bot.send(room, OutgoingMessage.notice(text), Txn.of(instance, "import-progress", room, step));
            }
        } catch (RuntimeException e) {
            log.debug("Import progress not shown in {}: {}", room, e.getMessage());
        }
    }

}
