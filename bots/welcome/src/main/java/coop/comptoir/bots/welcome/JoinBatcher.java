package coop.comptoir.bots.welcome;

import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.id.UserId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Gathers the arrivals of each room so that a burst (fifty members invited after a general
 * assembly) gets one greeting. A room's batch is due {@code window} after its latest arrival, but
 * never later than {@code maxWait} after its first, so a steady stream is still greeted. Thread-safe;
 * time comes from the clock given, so tests control it.
 */
final class JoinBatcher {
    /** A newcomer and the name to show. */
    record Person(UserId id, String displayName) {}

    private final Clock clock;
    private final Duration window;
    private final Duration maxWait;
    private final Map<RoomId, Batch> batches = new HashMap<>();

    JoinBatcher(Clock clock, Duration window, Duration maxWait) {
        if (window.isNegative() || maxWait.compareTo(window) < 0) {
            throw new IllegalArgumentException("need 0 <= window <= maxWait, got " + window + " and " + maxWait);
        }
        this.clock = clock;
        this.window = window;
        this.maxWait = maxWait;
    }

    private static final class Batch {
        final Instant first;
        Instant due;
        final Map<UserId, Person> people = new LinkedHashMap<>();

        Batch(Instant first) {
            this.first = first;
        }
    }

    /** The room's batch after an arrival: when it is due, and who waits, in arrival order. */
    record Added(Instant due, List<Person> people) {}

    /** Adds an arrival (once per user); returns when the room's batch is now due, and who is in it. */
    synchronized Added add(RoomId room, Person person) {
        Instant now = clock.instant();
        Batch b = batches.computeIfAbsent(room, r -> new Batch(now));
        b.people.putIfAbsent(person.id(), person);
        Instant latest = b.first.plus(maxWait);
        Instant due = now.plus(window);
        // Milliseconds, as the scheduler keeps them, so that a job's due time compares exactly.
        b.due = (due.isAfter(latest) ? latest : due).truncatedTo(ChronoUnit.MILLIS);
        return new Added(b.due, List.copyOf(b.people.values()));
    }

    /** Whether {@code user} waits in the room's batch. */
    synchronized boolean isPending(RoomId room, UserId user) {
        Batch b = batches.get(room);
        return b != null && b.people.containsKey(user);
    }

    /** When the room's batch is due, or null if nobody waits. */
    synchronized Instant dueAt(RoomId room) {
        Batch b = batches.get(room);
        return b == null ? null : b.due;
    }

    /**
     * Takes the room's batch if it is due now (in arrival order) and forgets it; an empty list if
     * nobody waits or the batch is not due yet.
     */
    synchronized List<Person> takeIfDue(RoomId room) {
        return takeIfDueBy(room, clock.instant());
    }

    /**
     * Same, for a job meant to fire at {@code jobDue}: the batch is taken if it was due by then,
     * whatever the clock says (a scheduler may fire a few milliseconds early). A batch that more
     * arrivals moved later is left for the job they scheduled.
     */
    synchronized List<Person> takeIfDueBy(RoomId room, Instant jobDue) {
        Batch b = batches.get(room);
        if (b == null || jobDue.isBefore(b.due)) {
            return List.of();
        }
        batches.remove(room);
        return List.copyOf(b.people.values());
    }
}
