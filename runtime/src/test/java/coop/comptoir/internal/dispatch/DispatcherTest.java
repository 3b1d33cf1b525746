package coop.comptoir.internal.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.ObjectMapper;
import coop.comptoir.api.event.MatrixEvent;
import coop.comptoir.api.event.RetryLaterException;
import coop.comptoir.api.id.UserId;
import coop.comptoir.api.store.Database;
import coop.comptoir.internal.metrics.Metrics;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class DispatcherTest {
    private static final ObjectMapper M = new ObjectMapper();
    private static final UserId BOT = UserId.of("@comptoir:example.org");
    private final ExecutorService pool = Executors.newFixedThreadPool(4);
    private final List<Long> done = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    static MatrixEvent msg(String room, int n, String sender) {
        return MatrixEvent.of(M.createObjectNode().put("type", "m.room.message").put("room_id", room)
                .put("sender", sender).put("event_id", "$e" + room.hashCode() + "_" + n)
                .set("content", M.createObjectNode().put("msgtype", "m.text").put("body", Integer.toString(n))));
    }

    @Test
    void keepsOrderWithinARoomAndReportsEachBatchOnce() throws Exception {
        Dispatcher d = new Dispatcher(pool, new Metrics(), BOT, done::add);
        Map<String, List<Integer>> seen = new ConcurrentHashMap<>();
        CountDownLatch all = new CountDownLatch(200);
        d.subscribe("p", "m.room.message", false, e -> true, e -> {
            seen.computeIfAbsent(e.roomId().value(), k -> Collections.synchronizedList(new ArrayList<>()))
                    .add(Integer.parseInt(e.message().orElseThrow().body()));
            all.countDown();
        });
        for (int batch = 0; batch < 40; batch++) {
            List<MatrixEvent> events = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                for (int r = 0; r < 5; r++) {
                    if (i == r) {
                        events.add(msg("!room" + r + ":example.org", batch * 5 + i, "@alice:example.org"));
                    }
                }
            }
            d.submit(batch, events);
        }
        assertThat(all.await(10, TimeUnit.SECONDS)).isTrue();
        for (List<Integer> l : seen.values()) {
            assertThat(l).isSorted().hasSize(40);
        }
        waitFor(() -> done.size() == 40);
        assertThat(done).doesNotHaveDuplicates().hasSize(40);
        assertThat(d.handledCount()).isEqualTo(200);
    }

    @Test
    void aThrowingHandlerDoesNotStopTheOthers() throws Exception {
        Metrics metrics = new Metrics();
        Dispatcher d = new Dispatcher(pool, metrics, BOT, done::add);
        List<String> got = new CopyOnWriteArrayList<>();
        d.subscribe("broken", null, false, e -> true, e -> {
            throw new IllegalStateException("boom");
        });
        d.subscribe("fine", "m.room.message", false, e -> true, e -> got.add(e.message().orElseThrow().body()));
        d.submit(1, List.of(msg("!a:example.org", 1, "@alice:example.org"), msg("!a:example.org", 2, "@alice:example.org")));
        waitFor(() -> done.contains(1L));
        assertThat(got).containsExactly("1", "2");
        assertThat(metrics.handlerErrors.labelValues("broken").get()).isEqualTo(2.0);
    }

    @Test
    void aStoreFailureIsRetriedInRoomOrderWhileOtherRoomsGoOn() throws Exception {
        Metrics metrics = new Metrics();
        Dispatcher d = new Dispatcher(pool, metrics, BOT, done::add);
        List<String> bridge = new CopyOnWriteArrayList<>();
        List<String> other = new CopyOnWriteArrayList<>();
        AtomicInteger failures = new AtomicInteger();
        Map<String, Long> at = new ConcurrentHashMap<>();
        d.subscribe("bridge", "m.room.message", false, e -> true, e -> {
            String b = e.message().orElseThrow().body();
            if (b.equals("1") && failures.getAndIncrement() == 0) {
                throw new Database.StoreException("outbox not written",
                        new SQLException("database is locked"));
            }
            bridge.add(b);
            at.put(b, System.nanoTime());
        });
        d.subscribe("other", "m.room.message", false, e -> true, e -> other.add(e.message().orElseThrow().body()));
        d.submit(1, List.of(msg("!a:example.org", 1, "@alice:example.org"), msg("!b:example.org", 2, "@bob:example.org")));
        d.submit(2, List.of(msg("!a:example.org", 3, "@alice:example.org")));

        waitFor(() -> done.contains(1L) && done.contains(2L));
        assertThat(bridge).as("the failed event is handled on retry, before the next one of its room")
                .containsSubsequence("1", "3").containsExactlyInAnyOrder("1", "2", "3");
        assertThat(at.get("2")).as("the other room did not wait for the retry").isLessThan(at.get("1"));
        assertThat(other).as("a plugin that succeeded is not called again").containsExactlyInAnyOrder("1", "2", "3");
        assertThat(done).containsExactlyInAnyOrder(1L, 2L);
        assertThat(d.handledCount()).isEqualTo(3);
    }

    /** Retries 20 ms apart, three attempts in all. */
    private static final Retries FAST = new Retries(3, Duration.ofMillis(20), Duration.ofMillis(40));

    /** What a dispatcher reports, for the tests that look at saved progress. */
    private final Map<Long, String> progress = new ConcurrentHashMap<>();
    private final Dispatcher.Journal journal = new Dispatcher.Journal() {
        @Override
        public void batchDone(long seq) {
            done.add(seq);
        }

        @Override
        public void saveProgress(long seq, String state) {
            progress.put(seq, state);
        }
    };

    private static Database.StoreException storeFailure(String sqlState) {
        return new Database.StoreException("write failed", new SQLException("failed", sqlState));
    }

    @Test
    void aHandlerAskingForARetryGetsTheEventAgainAlone() throws Exception {
        Metrics metrics = new Metrics();
        Dispatcher d = new Dispatcher(pool, metrics, BOT, FAST, 1000, journal);
        List<String> calls = new CopyOnWriteArrayList<>();
        AtomicInteger left = new AtomicInteger(2);
        d.subscribe("first", "m.room.message", false, e -> true, e -> calls.add("first " + e.message().orElseThrow().body()));
        d.subscribe("picky", "m.room.message", false, e -> true, e -> {
            calls.add("picky " + e.message().orElseThrow().body());
            if (left.getAndDecrement() > 0) {
                throw new RetryLaterException("the shop's API is down");
            }
        });
        d.subscribe("last", "m.room.message", false, e -> true, e -> calls.add("last " + e.message().orElseThrow().body()));
        d.submit(1, List.of(msg("!a:example.org", 1, "@alice:example.org"), msg("!a:example.org", 2, "@alice:example.org")));

        waitFor(() -> done.contains(1L));
        assertThat(calls).containsExactly("first 1", "picky 1", "last 1", "picky 1", "picky 1", "first 2", "picky 2", "last 2");
        assertThat(metrics.eventRetries.labelValues("picky").get()).isEqualTo(2.0);
        assertThat(metrics.eventsSkipped.labelValues("picky").get()).isZero();
    }

    @Test
    void aPoisonEventIsSkippedAfterTheLastAttemptAndReported() throws Exception {
        Metrics metrics = new Metrics();
        Dispatcher d = new Dispatcher(pool, metrics, BOT, FAST, 1000, journal);
        List<String> got = new CopyOnWriteArrayList<>();
        Logger dispatchLog = (Logger) LoggerFactory.getLogger(Dispatcher.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        dispatchLog.addAppender(logged);
        try {
            d.subscribe("bridge", "m.room.message", false, e -> true, e -> {
                got.add(e.message().orElseThrow().body());
                if (e.message().orElseThrow().body().equals("1")) {
                    throw storeFailure("08006");
                }
            });
            d.submit(1, List.of(msg("!a:example.org", 1, "@alice:example.org")));
            d.submit(2, List.of(msg("!a:example.org", 2, "@alice:example.org")));

            waitFor(() -> done.contains(1L) && done.contains(2L));
            assertThat(got).containsExactly("1", "1", "1", "2");
            assertThat(metrics.eventsSkipped.labelValues("bridge").get()).isEqualTo(1.0);
            assertThat(d.pendingCount()).isZero();
            MatrixEvent poison = msg("!a:example.org", 1, "@alice:example.org");
            assertThat(logged.list).filteredOn(e -> e.getLevel() == Level.ERROR).singleElement()
                    .satisfies(e -> assertThat(e.getFormattedMessage())
                            .contains("bridge", poison.eventId().value(), "!a:example.org", "3 attempts"));
        } finally {
            dispatchLog.detachAppender(logged);
        }
    }

    @Test
    void aConstraintViolationIsNotRetried() throws Exception {
        Dispatcher d = new Dispatcher(pool, new Metrics(), BOT, FAST, 1000, journal);
        List<String> got = new CopyOnWriteArrayList<>();
        d.subscribe("p", "m.room.message", false, e -> true, e -> {
            got.add(e.message().orElseThrow().body());
            throw storeFailure("23505");
        });
        d.submit(1, List.of(msg("!a:example.org", 1, "@alice:example.org")));
        waitFor(() -> done.contains(1L));
        assertThat(got).containsExactly("1");
    }

    @Test
    void theQueuesOfRoomsThatWentQuietAreDropped() throws Exception {
        Dispatcher d = new Dispatcher(pool, new Metrics(), BOT, FAST, 100_000, journal);
        d.subscribe("p", "m.room.message", false, e -> true, e -> { });
        for (int r = 0; r < 2000; r++) {
            d.submit(r, List.of(msg("!room" + r + ":example.org", r, "@alice:example.org")));
        }
        waitFor(() -> done.size() == 2000);
        waitFor(() -> d.roomsQueued() == 0);
    }

    @Test
    void theBacklogIsFullAtItsLimitAndFreesAsEventsAreHandled() throws Exception {
        Dispatcher d = new Dispatcher(pool, new Metrics(), BOT, FAST, 3, journal);
        CountDownLatch go = new CountDownLatch(1);
        d.subscribe("slow", "m.room.message", false, e -> true, e -> go.await());
        d.submit(1, List.of(msg("!a:example.org", 1, "@alice:example.org"), msg("!a:example.org", 2, "@alice:example.org")));
        assertThat(d.backlogFull()).isFalse();
        d.submit(2, List.of(msg("!b:example.org", 3, "@bob:example.org")));
        assertThat(d.backlogFull()).isTrue();
        go.countDown();
        waitFor(() -> done.contains(1L) && done.contains(2L));
        assertThat(d.backlogFull()).isFalse();
    }

    @Test
    void afterARestartOnlyWhatWasNotDoneRunsAgain() throws Exception {
        List<MatrixEvent> events = List.of(msg("!a:example.org", 1, "@alice:example.org"),
                msg("!b:example.org", 2, "@bob:example.org"), msg("!a:example.org", 3, "@alice:example.org"));
        List<String> before = new CopyOnWriteArrayList<>();
        Dispatcher first = new Dispatcher(pool, new Metrics(), BOT, new Retries(3, Duration.ofSeconds(30),
                Duration.ofSeconds(30)), 1000, journal);
        first.subscribe("steady", "m.room.message", false, e -> true, e -> before.add("steady " + e.message().orElseThrow().body()));
        first.subscribe("flaky", "m.room.message", false, e -> true, e -> {
            before.add("flaky " + e.message().orElseThrow().body());
            if (e.message().orElseThrow().body().equals("1")) {
                throw storeFailure("57P01");
            }
        });
        first.submit(4, events);
        waitFor(() -> before.contains("steady 2") && progress.containsKey(4L) && first.settled());
        first.stop(Duration.ofSeconds(1));
        assertThat(done).isEmpty();

        List<String> after = new CopyOnWriteArrayList<>();
        Dispatcher second = new Dispatcher(pool, new Metrics(), BOT, FAST, 1000, journal);
        second.subscribe("steady", "m.room.message", false, e -> true, e -> after.add("steady " + e.message().orElseThrow().body()));
        second.subscribe("flaky", "m.room.message", false, e -> true, e -> after.add("flaky " + e.message().orElseThrow().body()));
        second.submit(4, events, progress.get(4L));

        waitFor(() -> done.contains(4L));
        assertThat(after).as("event 1 again for flaky only; event 2 was done; event 3 waited behind 1")
                .containsExactly("flaky 1", "steady 3", "flaky 3");
    }

    @Test
    void anEventDoneInABatchNotDoneIsSavedAtOnceSoACrashDoesNotRunItAgain() throws Exception {
        // room !a's queue runs, room !b's waits in the executor: the batch stays open
        List<Runnable> held = new CopyOnWriteArrayList<>();
        java.util.concurrent.Executor holdB = task -> {
            if (held.isEmpty()) {
                held.add(task);
            } else {
                pool.execute(task);
            }
        };
        Dispatcher d = new Dispatcher(holdB, new Metrics(), BOT, FAST, 1000, journal);
        List<String> got = new CopyOnWriteArrayList<>();
        d.subscribe("p", "m.room.message", false, e -> true, e -> got.add(e.message().orElseThrow().body()));
        d.submit(9, List.of(msg("!b:example.org", 1, "@bob:example.org"), msg("!a:example.org", 2, "@alice:example.org")));
        waitFor(() -> got.contains("2"));
        waitFor(() -> progress.containsKey(9L));
        assertThat(Progress.decode(9, progress.get(9L)).done().get(1))
                .as("event 2 is saved as done without waiting for the periodic save").isTrue();
        assertThat(done).isEmpty();
        held.get(0).run();
        waitFor(() -> done.contains(9L));
    }

    @Test
    void aHandlerDoneWhileALaterOneStillHasTheEventIsSavedSoACrashThenDoesNotCallItAgain() throws Exception {
        List<MatrixEvent> events = List.of(msg("!a:example.org", 1, "@alice:example.org"));
        CountDownLatch slowRunning = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        List<String> before = new CopyOnWriteArrayList<>();
        Dispatcher first = new Dispatcher(pool, new Metrics(), BOT, FAST, 1000, journal);
        first.subscribe("answers", "m.room.message", false, e -> true, e -> before.add("answers"));
        first.subscribe("slow", "m.room.message", false, e -> true, e -> {
            slowRunning.countDown();
            never.await(); // still running when the process dies
        });
        first.submit(5, events);
        assertThat(slowRunning.await(5, TimeUnit.SECONDS)).isTrue();
        // the crash: whatever the journal got so far is all the next run knows
        String saved = progress.get(5L);
        assertThat(before).containsExactly("answers");
        assertThat(done).isEmpty();

        List<String> after = new CopyOnWriteArrayList<>();
        Dispatcher second = new Dispatcher(pool, new Metrics(), BOT, FAST, 1000, journal);
        second.subscribe("answers", "m.room.message", false, e -> true, e -> after.add("answers"));
        second.subscribe("slow", "m.room.message", false, e -> true, e -> after.add("slow"));
        second.submit(5, events, saved);
        waitFor(() -> done.contains(5L));
        assertThat(after).as("the handler that had finished is not called again; the one cut is").containsExactly("slow");
        never.countDown();
    }

    @Test
    void twoRoomsSavingABatchsProgressAtOnceNeverLeaveTheOlderSaveLast() throws Exception {
        // the first save waits (up to 1 s) for a second one, as a slow thread between its snapshot and
        // its write would: the second, newer save must not be overwritten by the first, older one
        java.util.concurrent.CountDownLatch firstCalled = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch secondCalled = new java.util.concurrent.CountDownLatch(1);
        Map<Long, String> saved = new ConcurrentHashMap<>();
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        Dispatcher.Journal slow = new Dispatcher.Journal() {
            @Override
            public void batchDone(long seq) {
                done.add(seq);
            }

            @Override
            public void saveProgress(long seq, String state) {
                if (calls.incrementAndGet() == 1) {
                    firstCalled.countDown();
                    try {
                        secondCalled.await(1, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                } else {
                    secondCalled.countDown();
                }
                saved.put(seq, state);
            }
        };
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        Dispatcher d = new Dispatcher(pool, new Metrics(), BOT, FAST, 1000, slow);
        d.subscribe("p", "m.room.message", false, e -> true, e -> {
            String body = e.message().orElseThrow().body();
            try {
                if (body.equals("2")) {
                    firstCalled.await(2, TimeUnit.SECONDS); // done while the first save is on its way
                } else if (body.equals("3")) {
                    release.await(10, TimeUnit.SECONDS); // keeps the batch open
                }
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        });
        d.submit(9, List.of(msg("!a:example.org", 1, "@alice:example.org"), msg("!b:example.org", 2, "@bob:example.org"),
                msg("!c:example.org", 3, "@carla:example.org")));
        waitFor(() -> calls.get() >= 2);
        Thread.sleep(100);
        try {
            java.util.BitSet doneSaved = Progress.decode(9, saved.get(9L)).done();
            assertThat(doneSaved.get(0) && doneSaved.get(1)).as("events 1 and 2 saved as done: " + doneSaved).isTrue();
        } finally {
            release.countDown();
        }
        waitFor(() -> done.contains(9L));
    }

    @Test
    void theBotsOwnEventsOnlyReachThoseWhoAskForThem() throws Exception {
        Dispatcher d = new Dispatcher(pool, new Metrics(), BOT, done::add);
        List<String> normal = new CopyOnWriteArrayList<>();
        List<String> own = new CopyOnWriteArrayList<>();
        d.subscribe("a", "m.room.message", false, e -> true, e -> normal.add(e.sender().value()));
        d.subscribe("b", null, true, e -> true, e -> own.add(e.sender().value()));
        d.submit(7, List.of(msg("!a:example.org", 1, BOT.value()), msg("!a:example.org", 2, "@bob:example.org")));
        waitFor(() -> done.contains(7L));
        assertThat(normal).containsExactly("@bob:example.org");
        assertThat(own).containsExactly(BOT.value(), "@bob:example.org");
    }

    @Test
    void eventsNoFilterWantsAreDoneWithoutReachingTheHandlers() throws Exception {
        Dispatcher d = new Dispatcher(pool, new Metrics(), BOT, done::add);
        List<String> got = new CopyOnWriteArrayList<>();
        d.subscribe("cmd", "m.room.message", false, e -> e.message().orElseThrow().body().startsWith("!"),
                e -> got.add(e.message().orElseThrow().body()));
        d.subscribe("odd", "m.room.message", false, e -> {
            throw new IllegalStateException("a broken filter");
        }, e -> got.add("never"));
        ObjectMapper m = new ObjectMapper();
        MatrixEvent cmd = MatrixEvent.of(msg("!a:example.org", 1, "@alice:example.org").json().deepCopy()
                .set("content", m.createObjectNode().put("msgtype", "m.text").put("body", "!ping")));
        d.submit(1, List.of(msg("!a:example.org", 2, "@alice:example.org"), msg("!b:example.org", 3, "@bob:example.org")));
        assertThat(done).as("nothing to hand to a worker: done at once").containsExactly(1L);
        d.submit(2, List.of(msg("!a:example.org", 4, "@alice:example.org"), cmd));
        waitFor(() -> done.contains(2L));
        assertThat(got).containsExactly("!ping");
        assertThat(d.handledCount()).isEqualTo(4);
    }

    @Test
    void anEmptyBatchIsDoneAtOnce() {
        Dispatcher d = new Dispatcher(pool, new Metrics(), BOT, done::add);
        d.submit(3, List.of());
        assertThat(done).containsExactly(3L);
    }

    static void waitFor(java.util.function.BooleanSupplier cond) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.sleep(5);
        }
    }
}
