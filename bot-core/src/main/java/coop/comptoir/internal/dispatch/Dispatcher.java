package coop.comptoir.internal.dispatch;

import coop.comptoir.api.event.EventSubscriptions.EventFilter;
import coop.comptoir.api.event.EventSubscriptions.EventHandler;
import coop.comptoir.api.event.MatrixEvent;
import coop.comptoir.api.id.UserId;
import coop.comptoir.internal.metrics.Metrics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * <p>Each batch (a transaction) is reported done through {@code onBatchDone} once all of its events
 * went through every handler, so the journal can mark it handled.
 *
 * <p>Subscriptions' filters run in {@link #submit}, on the receiving thread: an event that no
 * handler wants is done at once, without waking a worker (most events in a busy room). The events a
 * transaction brings to one room are handed to that room's queue together.
 */
public final class Dispatcher {
    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
    private static final String NO_ROOM = "";

    /** One subscription; {@code type} null means every type. */
    record Subscription(String instanceId, String type, boolean includeOwn, EventFilter filter, EventHandler handler) {}

    /** An event and the subscriptions that want it. */
    private record Item(MatrixEvent event, List<Subscription> subscribers, Batch batch) {}

    private static final class Batch {
        final long seq;
        final AtomicInteger remaining;

        Batch(long seq, int size) {
            this.seq = seq;
            this.remaining = new AtomicInteger(size);
        }
    }

    private final Executor workers;
    private final Metrics metrics;
    private final UserId botUser;
    private final LongConsumer onBatchDone;
    private final ConcurrentHashMap<String, Lane> lanes = new ConcurrentHashMap<>();
    private final AtomicLong pending = new AtomicLong();
    private final AtomicLong handledCount = new AtomicLong();
    private volatile Map<String, List<Subscription>> byType = Map.of();
    private volatile List<Subscription> anyType = List.of();

    public Dispatcher(Executor workers, Metrics metrics, UserId botUser, LongConsumer onBatchDone) {
        this.workers = workers;
        this.metrics = metrics;
        this.botUser = botUser;
        this.onBatchDone = onBatchDone;
    }

    /** Adds a subscription. Meant for start-up; safe at any time (copy on write). */
    public synchronized void subscribe(String instanceId, String type, boolean includeOwn, EventFilter filter,
                                       EventHandler handler) {
        Subscription s = new Subscription(instanceId, type, includeOwn, filter, handler);
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

    /**
     * Queues the events of one stored transaction. Never blocks. Called in storage order, so events
     * of a room keep their order across transactions.
     */
    public void submit(long seq, List<MatrixEvent> events) {
        Batch batch = new Batch(seq, 0);
        Map<String, List<Item>> byRoom = null;
        int wanted = 0;
        for (MatrixEvent e : events) {
            List<Subscription> subs = subscribersOf(e);
            if (subs.isEmpty()) {
                countHandled();
                continue;
            }
            if (byRoom == null) {
                byRoom = new LinkedHashMap<>();
            }
            byRoom.computeIfAbsent(e.roomId() == null ? NO_ROOM : e.roomId().value(), k -> new ArrayList<>())
                    .add(new Item(e, subs, batch));
            wanted++;
        }
        if (wanted == 0) {
            onBatchDone.accept(seq);
            return;
        }
        batch.remaining.set(wanted);
        metrics.dispatchQueue.set(pending.addAndGet(wanted));
        byRoom.forEach((room, items) -> lanes.computeIfAbsent(room, k -> new Lane()).addAll(items));
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

    /** Events queued and not yet handled. */
    public long pendingCount() {
        return pending.get();
    }

    private void deliver(Item item) {
        MatrixEvent event = item.event;
        MDC.put("room", event.roomId() == null ? "-" : event.roomId().value());
        MDC.put("event", event.eventId() == null ? "-" : event.eventId().value());
        try {
            for (Subscription s : item.subscribers) {
                call(s, event);
            }
        } finally {
            MDC.remove("room");
            MDC.remove("event");
            MDC.remove("plugin");
        }
        countHandled();
        metrics.dispatchQueue.set(pending.decrementAndGet());
        if (item.batch.remaining.decrementAndGet() == 0) {
            onBatchDone.accept(item.batch.seq);
        }
    }

    private void call(Subscription s, MatrixEvent event) {
        MDC.put("plugin", s.instanceId);
        long start = System.nanoTime();
        try {
            s.handler.handle(event);
        } catch (Exception | LinkageError | AssertionError e) {
            metrics.handlerErrors.labelValues(s.instanceId).inc();
            log.error("Plugin {} failed on {} {} in {}", s.instanceId, event.type(), event.eventId(), event.roomId(), e);
        } finally {
            metrics.handlerSeconds.labelValues(s.instanceId).observe((System.nanoTime() - start) / 1e9);
        }
    }

    /** The queue of one room, drained by at most one worker at a time. */
    private final class Lane implements Runnable {
        private final ConcurrentLinkedQueue<Item> queue = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean scheduled = new AtomicBoolean();

        void addAll(List<Item> items) {
            queue.addAll(items);
            if (scheduled.compareAndSet(false, true)) {
                workers.execute(this);
            }
        }

        @Override
        public void run() {
            // Drain a bounded number so that a busy room does not starve the others.
            for (int i = 0; i < 256; i++) {
                Item item = queue.poll();
                if (item == null) {
                    break;
                }
                deliver(item);
            }
            scheduled.set(false);
            if (!queue.isEmpty() && scheduled.compareAndSet(false, true)) {
                workers.execute(this);
            }
        }
    }
}
