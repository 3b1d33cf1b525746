package coop.comptoir.internal.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import coop.comptoir.api.event.MatrixEvent;
import coop.comptoir.api.id.UserId;
import coop.comptoir.internal.metrics.Metrics;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

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
