package coop.comptoir.bench;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import coop.comptoir.internal.appservice.TransactionBody;
import coop.comptoir.internal.appservice.TransactionJournal;
import coop.comptoir.internal.store.JdbcDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
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
 * What the appservice endpoint does before it answers 200: parse the transaction body (10 events,
 * as the harness sends) and append it durably to the journal, one commit per transaction (one
 * transaction in flight, Synapse's pattern), on a fresh SQLite file with the default settings
 * (WAL, {@code synchronous=normal}, exclusive locking). The handled mark is queued as the
 * dispatcher would do it, so the journal's writer thread shares the connection as in production.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Dlogback.configurationFile=logback-bench.xml"})
public class JournalBench {
    @Param({"10"})
    int events;

    private final ObjectMapper mapper = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private Path dir;
    private JdbcDatabase db;
    private TransactionJournal journal;
    private byte[][] bodies;
    private long n;

    @Setup(Level.Trial)
    public void open() throws Exception {
        dir = Files.createTempDirectory("comptoir-jmh-journal");
        db = JdbcDatabase.open("jdbc:sqlite:" + dir.resolve("bench.db"), null, null, "normal", 0);
        journal = new TransactionJournal(db, Clock.systemUTC(), stored -> stored.forEach(s -> journal.markHandled(s.seq())));
        journal.start();
        bodies = new byte[1024][];
        for (int i = 0; i < bodies.length; i++) {
            bodies[i] = Transactions.body(i, events);
        }
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
        journal.close();
        db.close();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** Parse only: JSON to events and the body's fingerprint. */
    @Benchmark
    public TransactionBody.Parsed parse() throws Exception {
        long i = n++;
        return TransactionBody.parse(mapper, "t" + i, bodies[(int) (i & 1023)]);
    }

    /** Parse, then store and wait for the commit: the work between receiving a transaction and its 200. */
    @Benchmark
    public TransactionJournal.Appended parseAndAppend() throws Exception {
        long i = n++;
        String txnId = "t" + i;
        byte[] body = bodies[(int) (i & 1023)];
        TransactionBody.Parsed parsed = TransactionBody.parse(mapper, txnId, body);
        return journal.append(txnId, parsed.fingerprint(), body, parsed.events()).get(10, TimeUnit.SECONDS);
    }
}
