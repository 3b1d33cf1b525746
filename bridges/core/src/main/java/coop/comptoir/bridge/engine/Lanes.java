package coop.comptoir.bridge.engine;

import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.matrix.MatrixException;
import coop.comptoir.api.store.Database;
import coop.comptoir.bridge.api.BridgeException;
import coop.comptoir.bridge.engine.OutboxTable.Row;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiPredicate;
import org.slf4j.Logger;

/**
 * Delivery queues: one per direction and portal room, each worked by at most one task at a time,
 * in order. The head of a queue is retried until it is delivered or fails for good (head-of-line
 * blocking), so a queue never reorders; queues do not wait for each other.
 */
final class Lanes {
    /** Delivers one queued item; a throw is classified by {@link Lanes#classify}. */
    interface Deliverer {
        void deliver(Row row) throws Exception;

        /** The item failed for good ({@code reason} is short and shown to people); must not throw. */
        void gaveUp(Row row, String reason);
    }

    /** How a failure is handled: retried (after {@code retryAfter} if given), or given up. */
    record Failure(boolean retryable, Optional<Duration> retryAfter, String message) {}

    private record Key(Direction direction, RoomId room) {}

    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);

    private final OutboxTable outbox;
    private final Map<Direction, Deliverer> deliverers;
    private final ScheduledExecutorService exec;
    private final Clock clock;
    private final Duration maxRetryDelay;
    private final BiPredicate<Direction, RoomId> held;
    private final Logger log;
    private final Map<Key, Lane> lanes = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /**
     * @param held whether a queue must wait for now (while its portal catches up); call
     *             {@link #kick} when that changes
     */
    Lanes(OutboxTable outbox, Map<Direction, Deliverer> deliverers, ScheduledExecutorService exec, Clock clock,
          Duration maxRetryDelay, BiPredicate<Direction, RoomId> held, Logger log) {
        this.outbox = outbox;
        this.deliverers = Map.copyOf(deliverers);
        this.exec = exec;
        this.clock = clock;
        this.maxRetryDelay = maxRetryDelay;
        this.held = held;
        this.log = log;
    }

    /** Something was queued, or a queue may go on: work it unless it is busy or waiting to retry. */
    void kick(Direction direction, RoomId room) {
        lanes.computeIfAbsent(new Key(direction, room), Lane::new).kick(false);
    }

    /** Like {@link #kick}, but a queue waiting to retry tries now (the other side is back). */
    void wake(Direction direction, RoomId room) {
        lanes.computeIfAbsent(new Key(direction, room), Lane::new).kick(true);
    }

    void close() {
        closed = true;
    }

    static Failure classify(Throwable e) {
        if (e instanceof BridgeException be) {
            return new Failure(be.isRetryable(), be.retryAfter(), message(be));
        }
        if (e instanceof MatrixException me) {
            return new Failure(me.isTransient(), Optional.empty(), message(me));
        }
        if (e instanceof Database.StoreException) {
            return new Failure(true, Optional.empty(), "database: " + e.getMessage());
        }
        return new Failure(false, Optional.empty(), message(e));
    }

    private static String message(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    /** The wait before attempt {@code attempts + 1}: what the network asked, else doubling from 1 s, capped. */
    Duration delay(int attempts, Optional<Duration> retryAfter) {
        if (retryAfter.isPresent() && !retryAfter.get().isNegative()) {
            return retryAfter.get();
        }
        Duration d = FIRST_RETRY.multipliedBy(1L << Math.min(Math.max(attempts - 1, 0), 20));
        return d.compareTo(maxRetryDelay) > 0 ? maxRetryDelay : d;
    }

    private final class Lane {
        private final Key key;
        private boolean running;
        private boolean dirty;
        private ScheduledFuture<?> timer;

        Lane(Key key) {
            this.key = key;
        }

        synchronized void kick(boolean now) {
            dirty = true;
            if (closed || running) {
                return;
            }
            if (timer != null) {
                if (!now) {
                    return;
                }
                timer.cancel(false);
                timer = null;
            }
            start(now);
        }

        /** Called with the lock held. */
        private void start(boolean ignoreWait) {
            running = true;
            try {
                exec.execute(() -> drain(ignoreWait));
            } catch (RejectedExecutionException e) {
                running = false;
            }
        }

        private synchronized void later(long millis) {
            running = false;
            if (closed) {
                return;
            }
            try {
                timer = exec.schedule(() -> {
                    synchronized (Lane.this) {
                        timer = null;
                        if (running || closed) {
                            return;
                        }
                        start(false);
                    }
                }, Math.max(millis, 0), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                timer = null;
            }
        }

        private void drain(boolean ignoreWait) {
            Deliverer deliverer = deliverers.get(key.direction());
            boolean ignore = ignoreWait;
            try {
                while (true) {
                    synchronized (this) {
                        dirty = false;
                        if (closed || held.test(key.direction(), key.room())) {
                            running = false;
                            return;
                        }
                    }
                    Optional<Row> head = outbox.head(key.direction(), key.room());
                    if (head.isEmpty()) {
                        synchronized (this) {
                            if (!dirty) {
                                running = false;
                                return;
                            }
                        }
                        continue;
                    }
                    Row row = head.get();
                    long now = clock.millis();
                    if (!ignore && row.nextAttempt() > now) {
                        later(row.nextAttempt() - now);
                        return;
                    }
                    ignore = false;
                    if (!deliverOne(deliverer, row)) {
                        return;
                    }
                }
            } catch (RuntimeException e) {
                log.error("The {} queue of {} stopped on a database error; trying again in {}", key.direction(), key.room(),
                        maxRetryDelay, e);
                later(maxRetryDelay.toMillis());
            }
        }

        /** Delivers the head; false if the queue must wait (a retry is scheduled). */
        private boolean deliverOne(Deliverer deliverer, Row row) {
            try {
                deliverer.deliver(row);
                outbox.done(row.id(), clock.millis());
                if (row.attempts() > 0) {
                    log.info("Delivered {} {} in {} after {} failed attempt(s)", key.direction(), row.dedupKey(), key.room(),
                            row.attempts());
                }
                return true;
            } catch (Exception e) {
                Failure f = classify(e);
                int attempts = row.attempts() + 1;
                long now = clock.millis();
                if (f.retryable()) {
                    Duration wait = delay(attempts, f.retryAfter());
                    outbox.retryLater(row.id(), attempts, now + wait.toMillis(), f.message(), now);
                    if (attempts == 1) {
                        log.warn("Could not deliver {} {} in {} ({}); retrying, the queue waits", key.direction(),
                                row.dedupKey(), key.room(), f.message());
                    } else {
                        log.debug("Attempt {} for {} failed: {}; next in {}", attempts, row.dedupKey(), f.message(), wait);
                    }
                    later(wait.toMillis());
                    return false;
                }
                outbox.failed(row.id(), attempts, f.message(), now);
                if (e instanceof BridgeException || e instanceof MatrixException) {
                    log.warn("Gave up {} {} in {}: {}", key.direction(), row.dedupKey(), key.room(), f.message());
                } else {
                    log.error("Gave up {} {} in {} on an unexpected error", key.direction(), row.dedupKey(), key.room(), e);
                }
                deliverer.gaveUp(row, f.message());
                return true;
            }
        }
    }
}
