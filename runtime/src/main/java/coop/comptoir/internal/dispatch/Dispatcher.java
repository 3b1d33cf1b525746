package coop.comptoir.internal.dispatch;

import coop.comptoir.api.event.EventSubscriptions.EventFilter;
import coop.comptoir.api.event.EventSubscriptions.EventHandler;
import coop.comptoir.api.event.MatrixEvent;
import coop.comptoir.api.event.RetryLaterException;
import coop.comptoir.api.id.UserId;
import coop.comptoir.internal.metrics.Metrics;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Delivers events to the subscribed handlers: in order within a room (one event of a room at a
 * time), rooms in parallel on the worker pool. A handler that throws is logged with the plugin
 * instance, room and event in the MDC, and the other handlers still get the event.
 *
 * <p>A handler that asks for a retry ({@link Retries#retryable}) gets the same event again after a
 * growing wait, alone: the handlers that succeeded are not called again. Meanwhile the room's later
 * events wait (its order holds) and the worker is free for other rooms. After
 * {@link Retries#maxAttempts()} attempts the event is skipped for that handler, logged and counted.
 *
 * <p>Each batch (a transaction) is reported done through {@link Journal#batchDone} once all of its
 * events went through every handler, so the journal can mark it handled. The progress of a batch
 * not done yet is saved through {@link Journal#saveProgress} as soon as one of its events is done
 * or waits for a retry (and by {@link #saveProgress(Duration)} for anything missed): replayed
 * after a restart with that progress ({@link #submit(long, List, String)}), the events and
 * handlers already done are not called again.
 *
 * <p>Subscriptions' filters run in {@link #submit}, on the receiving thread: an event that no
 * handler wants is done at once, without waking a worker (most events in a busy room). The events a
 * transaction brings to one room are handed to that room's queue together. A room's queue is
 * dropped when it is empty, so rooms seen once cost nothing afterwards.
 */
public final class Dispatcher {
    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
    private static final String NO_ROOM = "";
    /** Events a worker takes from one room before letting other rooms have it. */
    private static final int RUN_LENGTH = 256;

    /** Where the dispatcher reports; called on dispatch threads, must not block. */
    public interface Journal {
        /** Every event of the batch went through every handler. */
        void batchDone(long seq);

        /** The progress of a batch not done yet, to give back to {@link #submit(long, List, String)} after a restart. */
        void saveProgress(long seq, String progress);
    }

    /**
     * One subscription; {@code type} null means every type. {@code key} names it across restarts
     * (instance and rank among the instance's subscriptions), for the saved progress.
     */
    record Subscription(String instanceId, String key, String type, boolean includeOwn, EventFilter filter,
                        EventHandler handler) {}

    private final Executor workers;
    private final Metrics metrics;
    private final UserId botUser;
    private final Journal journal;
    private final Retries retries;
    private final long maxPending;
    private final ConcurrentHashMap<String, Lane> lanes = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, Batch> inFlight = new ConcurrentHashMap<>();
    private final AtomicLong pending = new AtomicLong();
    private final AtomicLong handledCount = new AtomicLong();
    private final AtomicInteger running = new AtomicInteger();
    private final Map<String, Integer> subscriptionsPerInstance = new HashMap<>();
    private volatile boolean stopping;
    private volatile Map<String, List<Subscription>> byType = Map.of();
    private volatile List<Subscription> anyType = List.of();

    /** With the default retries, no limit on the backlog and no saved progress (tests, tools). */
    public Dispatcher(Executor workers, Metrics metrics, UserId botUser, LongConsumer onBatchDone) {
        this(workers, metrics, botUser, Retries.DEFAULT, Long.MAX_VALUE, new Journal() {
            @Override
            public void batchDone(long seq) {
                onBatchDone.accept(seq);
            }

            @Override
            public void saveProgress(long seq, String progress) {
                // not kept
            }
        });
    }

    /**
     * @param maxPending events queued and not handled beyond which {@link #backlogFull()} is true
     *                   (new transactions are then refused until the handlers catch up)
     */
    public Dispatcher(Executor workers, Metrics metrics, UserId botUser, Retries retries, long maxPending, Journal journal) {
        if (maxPending < 1) {
            throw new IllegalArgumentException("maxPending must be at least 1: " + maxPending);
        }
        this.workers = workers;
        this.metrics = metrics;
        this.botUser = botUser;
        this.retries = retries;
        this.maxPending = maxPending;
        this.journal = journal;
    }

    /** Adds a subscription. Meant for start-up; safe at any time (copy on write). */
    public synchronized void subscribe(String instanceId, String type, boolean includeOwn, EventFilter filter,
                                       EventHandler handler) {
        int rank = subscriptionsPerInstance.merge(instanceId, 1, Integer::sum) - 1;
        Subscription s = new Subscription(instanceId, instanceId + "/" + rank, type, includeOwn, filter, handler);
        if (type == null) {
            List<Subscription> copy = new ArrayList<>(anyType);
            copy.add(s);
            anyType = List.copyOf(copy);
        } else {
            Map<String, List<Subscription>> copy = new HashMap<>(byType);
            List<Subscription> list = new ArrayList<>(copy.getOrDefault(type, List.of()));
            list.add(s);
            copy.put(type, List.copyOf(list));
            byType = Map.copyOf(copy);
        }
    }

    /** Removes every subscription of an instance (when it is closed). */
    public synchronized void unsubscribeAll(String instanceId) {
        Map<String, List<Subscription>> copy = new HashMap<>();
        byType.forEach((t, l) -> {
            List<Subscription> kept = l.stream().filter(s -> !s.instanceId.equals(instanceId)).toList();
            if (!kept.isEmpty()) {
                copy.put(t, kept);
            }
        });
        byType = Map.copyOf(copy);
        anyType = anyType.stream().filter(s -> !s.instanceId.equals(instanceId)).toList();
    }

    /** Same as {@link #submit(long, List, String)} for a batch with nothing done yet. */
    public void submit(long seq, List<MatrixEvent> events) {
        submit(seq, events, null);
    }

    /**
     * Queues the events of one stored transaction. Never blocks. Called in storage order, so events
     * of a room keep their order across transactions.
     *
     * @param progress what was saved through {@link Journal#saveProgress} before a restart, or null:
     *                 the events and handlers it says are done are left out
     */
    public void submit(long seq, List<MatrixEvent> events, String progress) {
        Progress saved = Progress.decode(seq, progress);
        Batch batch = new Batch(seq, saved.done());
        Map<String, List<Batch.Item>> byRoom = null;
        int wanted = 0;
        for (int i = 0; i < events.size(); i++) {
            if (saved.isDone(i)) {
                continue;
            }
            MatrixEvent e = events.get(i);
            List<Subscription> subs = subscribersOf(e);
            if (subs.isEmpty()) {
                countHandled();
                continue;
            }
            Batch.Item item = new Batch.Item(e, i, subs, batch);
            Progress.Partial part = saved.partial().get(i);
            if (part != null) {
                item.ok = new HashSet<>(part.ok());
                item.attempts = part.attempts();
                batch.partial.add(item);
            }
            if (byRoom == null) {
                byRoom = new LinkedHashMap<>();
            }
            byRoom.computeIfAbsent(e.roomId() == null ? NO_ROOM : e.roomId().value(), k -> new ArrayList<>()).add(item);
            wanted++;
        }
        if (wanted == 0) {
            journal.batchDone(seq);
            return;
        }
        batch.remaining.set(wanted);
        inFlight.put(seq, batch);
        metrics.dispatchQueue.set(pending.addAndGet(wanted));
        byRoom.forEach(this::enqueue);
    }

    /** Adds items to a room's queue, creating it if needed, and starts it if it was idle. */
    private void enqueue(String room, List<Batch.Item> items) {
        Lane[] start = new Lane[1];
        lanes.compute(room, (k, lane) -> {
            Lane l = lane == null ? new Lane(k) : lane;
            if (l.add(items)) {
                start[0] = l;
            }
            return l;
        });
        if (start[0] != null) {
            execute(start[0]);
        }
    }

    private void execute(Runnable task) {
        try {
            workers.execute(task);
        } catch (RejectedExecutionException e) {
            log.debug("Dispatch stopped: a room's queue is left for the next start");
        }
    }

    /** The subscriptions whose type and filter accept the event; a filter that throws counts as "no". */
    private List<Subscription> subscribersOf(MatrixEvent event) {
        boolean own = botUser.equals(event.sender());
        List<Subscription> out = null;
        for (List<Subscription> group : List.of(byType.getOrDefault(event.type(), List.of()), anyType)) {
            for (Subscription s : group) {
                if (own && !s.includeOwn) {
                    continue;
                }
                boolean accepts;
                try {
                    accepts = s.filter.accepts(event);
                } catch (RuntimeException ex) {
                    log.warn("Filter of plugin {} failed on {} {}: {}", s.instanceId, event.type(), event.eventId(), ex.toString());
                    accepts = false;
                }
                if (accepts) {
                    if (out == null) {
                        out = new ArrayList<>(2);
                    }
                    out.add(s);
                }
            }
        }
        return out == null ? List.of() : out;
    }

    private void countHandled() {
        handledCount.incrementAndGet();
        metrics.eventsHandled.inc();
    }

    /** Events delivered so far (for the control endpoint and tests). */
    public long handledCount() {
        return handledCount.get();
    }

    /** Events queued and not yet handled (those waiting for a retry included). */
    public long pendingCount() {
        return pending.get();
    }

    /** Whether as many events wait as the dispatcher accepts: new transactions should be refused for now. */
    public boolean backlogFull() {
        return pending.get() >= maxPending;
    }

    /** Rooms with a queue (events waiting or being handled). */
    public int roomsQueued() {
        return lanes.size();
    }

    /**
     * Whether nothing can move before a retry is due: every room's queue is empty or waits for the
     * timer of an event being retried. Stopping need not wait longer than that.
     */
    public boolean settled() {
        if (pending.get() == 0) {
            return true;
        }
        if (running.get() > 0) {
            return false;
        }
        for (Lane lane : lanes.values()) {
            if (lane.busy()) {
                return false;
            }
        }
        return running.get() == 0;
    }

    /**
     * Saves the progress of the batches submitted at least {@code olderThan} ago that changed since
     * their last save. Never blocks; called every second or so, and when stopping.
     */
    public void saveProgress(Duration olderThan) {
        long now = System.nanoTime();
        for (Batch b : inFlight.values()) {
            if (now - b.created >= olderThan.toNanos()) {
                saveIfChanged(b);
            }
        }
    }

    private void saveIfChanged(Batch b) {
        // Handed to the journal under the batch's lock (it never blocks): two rooms saving one batch at
        // once would otherwise let the older snapshot reach the journal last, and a restart would run
        // again what the newer one had recorded as done.
        synchronized (b) {
            if (b.version == b.savedVersion) {
                return;
            }
            journal.saveProgress(b.seq, b.progress());
        }
    }

    /**
     * Stops taking events from the queues, waits up to {@code timeout} for the handlers running now,
     * and saves the progress of every batch not done. What is left is replayed at the next start.
     */
    public void stop(Duration timeout) {
        stopping = true;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (running.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        saveProgress(Duration.ZERO);
    }

    /**
     * Calls the subscriptions not done with the item yet. Returns null when the item is done (or
     * skipped after its last attempt), else how long its room waits before trying it again.
     */
    private Duration deliver(Batch.Item item) {
        MatrixEvent event = item.event;
        List<Subscription> owed = null;
        Throwable last = null;
        MDC.put("room", event.roomId() == null ? "-" : event.roomId().value());
        MDC.put("event", event.eventId() == null ? "-" : event.eventId().value());
        try {
            List<Subscription> subscribers = item.subscribers;
            for (int k = 0; k < subscribers.size(); k++) {
                Subscription s = subscribers.get(k);
                if (item.ok != null && item.ok.contains(s.key)) {
                    continue;
                }
                Throwable failure = call(s, event);
                if (failure != null && Retries.retryable(failure)) {
                    if (owed == null) {
                        owed = new ArrayList<>(1);
                    }
                    owed.add(s);
                    last = failure;
                } else if (k < subscribers.size() - 1) {
                    doneWith(item, s);
                }
            }
        } finally {
            MDC.remove("room");
            MDC.remove("event");
            MDC.remove("plugin");
        }
        if (owed == null) {
            complete(item);
            return null;
        }
        int attempts = recordFailure(item, owed);
        if (attempts >= retries.maxAttempts()) {
            for (Subscription s : owed) {
                metrics.eventsSkipped.labelValues(s.instanceId).inc();
                log.error("Plugin {} gave up on {} {} in {} after {} attempts; the room's later events go on",
                        s.instanceId, event.type(), event.eventId(), event.roomId(), attempts, last);
            }
            complete(item);
            return null;
        }
        Duration wait = retries.delay(attempts);
        for (Subscription s : owed) {
            metrics.eventRetries.labelValues(s.instanceId).inc();
            log.warn("Plugin {} could not handle {} {} in {} ({}); trying again in {} ms (attempt {}/{}), the room's"
                            + " later events wait", s.instanceId, event.type(), event.eventId(), event.roomId(), reason(last),
                    wait.toMillis(), attempts + 1, retries.maxAttempts());
        }
        saveIfChanged(item.batch);
        return wait;
    }

    /** A failure as the retry log shows it: no message that could hold data, except the plugin's own. */
    private static String reason(Throwable failure) {
        if (failure instanceof RetryLaterException r) {
            return "asked to retry: " + r.getMessage();
        }
        return failure.getClass().getSimpleName();
    }

    /**
     * Notes that {@code s} is done with the item while later subscriptions still have it to handle,
     * and saves it at once: what {@code s} did may be visible already (a message sent), and a crash
     * while the others run must not call it again. (The last subscription needs no note: the item is
     * then done, and saved or marked as such.)
     */
    private void doneWith(Batch.Item item, Subscription s) {
        Batch b = item.batch;
        synchronized (b) {
            Set<String> ok = item.ok == null ? new HashSet<>() : new HashSet<>(item.ok);
            ok.add(s.key);
            item.ok = ok;
            b.partial.add(item);
            b.version++;
        }
        saveIfChanged(b);
    }

    /** Notes that the item failed for {@code owed} and succeeded for the others; returns its failed attempts. */
    private static int recordFailure(Batch.Item item, List<Subscription> owed) {
        Batch b = item.batch;
        synchronized (b) {
            Set<String> ok = new HashSet<>();
            for (Subscription s : item.subscribers) {
                if (!owed.contains(s)) {
                    ok.add(s.key);
                }
            }
            item.ok = ok;
            item.attempts++;
            b.partial.add(item);
            b.version++;
            return item.attempts;
        }
    }

    private void complete(Batch.Item item) {
        countHandled();
        metrics.dispatchQueue.set(pending.decrementAndGet());
        Batch b = item.batch;
        synchronized (b) {
            b.done.set(item.index);
            if (!b.partial.isEmpty()) {
                b.partial.remove(item);
            }
            b.version++;
        }
        if (b.remaining.decrementAndGet() == 0) {
            inFlight.remove(b.seq);
            journal.batchDone(b.seq);
        } else {
            // What a handler did may be visible already (a message sent): saved now, not with the
            // next periodic save, so that a crash runs it again only if it comes within the
            // journal's next write.
            saveIfChanged(b);
        }
    }

    /** Calls one handler; returns what it threw, or null. Only failures that are not retried are logged here. */
    private Throwable call(Subscription s, MatrixEvent event) {
        MDC.put("plugin", s.instanceId);
        long start = System.nanoTime();
        try {
            s.handler.handle(event);
            return null;
        } catch (Exception | LinkageError | AssertionError e) {
            metrics.handlerErrors.labelValues(s.instanceId).inc();
            if (!Retries.retryable(e)) {
                log.error("Plugin {} failed on {} {} in {}", s.instanceId, event.type(), event.eventId(), event.roomId(), e);
            }
            return e;
        } finally {
            metrics.handlerSeconds.labelValues(s.instanceId).observe((System.nanoTime() - start) / 1e9);
        }
    }

    /**
     * The queue of one room, drained by at most one worker at a time. The item being retried stays
     * at its head; a timer, not a sleeping worker, brings the queue back.
     */
    private final class Lane implements Runnable {
        private final String room;
        /** Guarded by this. */
        private final ArrayDeque<Batch.Item> queue = new ArrayDeque<>();
        /** Guarded by this: a run is queued, under way or waiting for a retry. */
        private boolean scheduled;
        /** Only touched by the lane's run (one at a time; hand-overs go through the executor). */
        private Batch.Item retrying;
        /** Guarded by this: waiting for the timer of a retry. */
        private boolean parked;

        Lane(String room) {
            this.room = room;
        }

        /** Adds items; true if the caller must start the queue. Called inside {@code lanes.compute}. */
        synchronized boolean add(List<Batch.Item> items) {
            queue.addAll(items);
            if (scheduled) {
                return false;
            }
            scheduled = true;
            return true;
        }

        synchronized boolean idle() {
            return !scheduled && queue.isEmpty();
        }

        /** Started or about to be, not waiting for a retry's timer. */
        synchronized boolean busy() {
            return scheduled && !parked;
        }

        private synchronized void park(boolean on) {
            parked = on;
        }

        private synchronized Batch.Item next() {
            return queue.poll();
        }

        @Override
        public void run() {
            running.incrementAndGet();
            try {
                drain();
            } finally {
                running.decrementAndGet();
            }
        }

        private void drain() {
            // A bounded number per run, so that a busy room does not starve the others.
            for (int i = 0; i < RUN_LENGTH; i++) {
                if (stopping) {
                    return;
                }
                Batch.Item item = retrying != null ? retrying : next();
                if (item == null) {
                    break;
                }
                Duration wait = deliver(item);
                if (wait != null) {
                    retrying = item;
                    park(true);
                    CompletableFuture.delayedExecutor(wait.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
                        park(false);
                        execute(this);
                    });
                    return;
                }
                retrying = null;
            }
            boolean more;
            synchronized (this) {
                more = !queue.isEmpty();
                scheduled = more;
            }
            if (more) {
                execute(this);
            } else {
                lanes.computeIfPresent(room, (k, l) -> l == this && l.idle() ? null : l);
            }
        }
    }
}
