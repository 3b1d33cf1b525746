package coop.comptoir.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import coop.comptoir.api.event.MatrixEvent;
import coop.comptoir.api.id.UserId;
import coop.comptoir.internal.appservice.TransactionBody;
import coop.comptoir.internal.dispatch.Dispatcher;
import coop.comptoir.internal.metrics.Metrics;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The dispatcher with a transaction of 10 events over several rooms (as the harness sends):
 * {@code filtered}: only a command router's quick filter looks at them and wants none (ordinary
 * chat, the empty runtime's case, handled on the receiving thread); {@code handled}: besides it,
 * a handler subscribed to every message runs for each event on the worker pool (8 threads, as in
 * the runtime), and the benchmark waits until the whole batch is done.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Dlogback.configurationFile=logback-bench.xml"})
public class DispatchBench {
    @Param({"filtered", "handled"})
    String mode;

    private ExecutorService workers;
    private Dispatcher dispatcher;
    private final Semaphore done = new Semaphore(0);
    private final LongAdder handlerRuns = new LongAdder();
    private List<List<MatrixEvent>> batches;
    private long seq;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        workers = Executors.newFixedThreadPool(8);
        dispatcher = new Dispatcher(workers, new Metrics(), UserId.of("@bot:bench.test"), s -> done.release());
        // what the command router's subscription does: is the body a command?
        dispatcher.subscribe("core", "m.room.message", false,
                e -> e.json().path("content").path("body").asText("").startsWith("!"), e -> { });
        if (mode.equals("handled")) {
            dispatcher.subscribe("counter", "m.room.message", false, e -> true, e -> handlerRuns.increment());
        }
        ObjectMapper mapper = new ObjectMapper();
        batches = new java.util.ArrayList<>();
        for (int i = 0; i < 256; i++) {
            batches.add(TransactionBody.parse(mapper, "t" + i, Transactions.body(i, 10)).events());
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        workers.shutdownNow();
    }

    /** Submits one transaction's events and waits until every one went through every handler. */
    @Benchmark
    public void submit() throws InterruptedException {
        long s = seq++;
        dispatcher.submit(s, batches.get((int) (s & 255)));
        if (!done.tryAcquire(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("batch " + s + " not done");
        }
    }
}
