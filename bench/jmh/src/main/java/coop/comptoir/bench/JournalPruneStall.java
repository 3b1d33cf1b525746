package coop.comptoir.bench;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import coop.comptoir.internal.appservice.TransactionBody;
import coop.comptoir.internal.appservice.TransactionJournal;
import coop.comptoir.internal.store.JdbcDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

/**
 * Does the hourly journal clean-up ({@link TransactionJournal#prune()}) hold up transactions? Fills
 * the journal with {@code rows} handled transactions of the harness's shape (10 events, ~3 KB),
 * half of them older than the retention (to forget), half recent (bodies to clear), then stores
 * transactions one at a time (one in flight, as Synapse sends) for 5 s, runs the clean-up while
 * they keep coming, and prints the latency of storing a transaction (parse + durable append)
 * before and during the clean-up, as one JSON line.
 *
 * <pre>java -cp bench/jmh/target/benchmarks.jar coop.comptoir.bench.JournalPruneStall sqlite|postgres [rows]</pre>
 */
public final class JournalPruneStall {
    private static final String PG_SCHEMA = "perf15_journal";

    private JournalPruneStall() {}

    public static void main(String[] args) throws Exception {
        String kind = args.length > 0 ? args[0] : "sqlite";
        int rows = args.length > 1 ? Integer.parseInt(args[1]) : 300_000;
        String pgUrl = System.getenv("COMPTOIR_TEST_PG_URL");
        Path dir = null;
        JdbcDatabase db;
        if (kind.equals("postgres")) {
            try (Connection c = DriverManager.getConnection(pgUrl); Statement st = c.createStatement()) {
                st.execute("DROP SCHEMA IF EXISTS " + PG_SCHEMA + " CASCADE");
                st.execute("CREATE SCHEMA " + PG_SCHEMA);
            }
            db = JdbcDatabase.open(pgUrl + (pgUrl.contains("?") ? "&" : "?") + "currentSchema=" + PG_SCHEMA
                    + "&reWriteBatchedInserts=true", null, null, "normal", 4);
        } else {
            dir = Files.createTempDirectory("comptoir-prune");
            db = JdbcDatabase.open("jdbc:sqlite:" + dir.resolve("journal.db"), null, null, "normal", 0);
        }
        ObjectMapper mapper = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        TransactionJournal[] holder = new TransactionJournal[1];
        TransactionJournal journal = new TransactionJournal(db, Clock.systemUTC(),
                stored -> stored.forEach(s -> holder[0].markHandled(s.seq())));
        holder[0] = journal;
        try {
            long fill0 = System.nanoTime();
            fill(db, rows);
            double fillSeconds = (System.nanoTime() - fill0) / 1e9;
            long sizeBefore = size(db, kind, dir);
            journal.start();
            Load load = new Load(journal, mapper);
            Thread t = new Thread(load, "load");
            t.start();
            Thread.sleep(5_000);
            long pruneStart = System.nanoTime();
            load.phase = 1;
            int forgotten = journal.prune();
            long pruneEnd = System.nanoTime();
            load.phase = 2;
            Thread.sleep(2_000);
            // a transaction held up by the whole clean-up ends after it: wait for it to be counted
            load.stop = true;
            t.join();
            System.out.printf(Locale.ROOT, "{\"db\":\"%s\",\"rows\":%d,\"fill_s\":%.1f,\"db_bytes_before\":%d,\"db_bytes_after\":%d,"
                            + "\"prune_ms\":%.0f,\"forgotten\":%d,\"before\":%s,\"during\":%s,\"after\":%s,\"load\":\"%s\"}%n",
                    kind, rows, fillSeconds, sizeBefore, size(db, kind, dir), (pruneEnd - pruneStart) / 1e6, forgotten,
                    load.stats(0), load.stats(1), load.stats(2), load());
        } finally {
            journal.close();
            db.close();
            if (kind.equals("postgres")) {
                try (Connection c = DriverManager.getConnection(pgUrl); Statement st = c.createStatement()) {
                    st.execute("DROP SCHEMA IF EXISTS " + PG_SCHEMA + " CASCADE");
                }
            } else {
                try (var files = Files.walk(dir)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    /** Handled transactions: the first half older than the retention, the second half from the last hour. */
    private static void fill(JdbcDatabase db, int rows) {
        long now = System.currentTimeMillis();
        long old = now - TransactionJournal.RETENTION.toMillis() - Duration.ofDays(1).toMillis();
        for (int start = 0; start < rows; start += 5_000) {
            int from = start;
            int to = Math.min(rows, start + 5_000);
            db.inTransaction(c -> {
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO core_txn (txn_id, body_hash, body, received_at, handled) VALUES (?, ?, ?, ?, 1)")) {
                    for (int i = from; i < to; i++) {
                        ps.setString(1, "old-" + i);
                        ps.setString(2, "h" + i);
                        ps.setBytes(3, Transactions.body(i, 10));
                        ps.setLong(4, i < rows / 2 ? old + i : now - 3_600_000 + i);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                return null;
            });
        }
    }

    private static long size(JdbcDatabase db, String kind, Path dir) throws Exception {
        if (kind.equals("postgres")) {
            return db.withConnection(c -> {
                try (Statement st = c.createStatement(); var rs = st.executeQuery("SELECT pg_total_relation_size('core_txn')")) {
                    rs.next();
                    return rs.getLong(1);
                }
            });
        }
        long total = 0;
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                total += Files.size(p);
            }
        }
        return total;
    }

    static String load() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (Exception e) {
            return "?";
        }
    }

    /** Stores transactions one after the other; records each one's latency under the phase it started in. */
    private static final class Load implements Runnable {
        private final TransactionJournal journal;
        private final ObjectMapper mapper;
        volatile int phase;
        volatile boolean stop;
        private final long[][] samples = {new long[1 << 20], new long[1 << 20], new long[1 << 20]};
        private final int[] counts = new int[3];

        Load(TransactionJournal journal, ObjectMapper mapper) {
            this.journal = journal;
            this.mapper = mapper;
        }

        @Override
        public void run() {
            long n = 0;
            while (!stop) {
                int p = phase;
                String txnId = "load-" + n;
                byte[] body = Transactions.body(1_000_000 + n++, 10);
                long t = System.nanoTime();
                try {
                    TransactionBody.Parsed parsed = TransactionBody.parse(mapper, txnId, body);
                    journal.append(txnId, parsed.fingerprint(), body, parsed.events()).get();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                long took = System.nanoTime() - t;
                if (counts[p] < samples[p].length) {
                    samples[p][counts[p]++] = took;
                }
            }
        }

        String stats(int p) {
            long[] s = Arrays.copyOf(samples[p], counts[p]);
            if (s.length == 0) {
                return "{\"n\":0}";
            }
            Arrays.sort(s);
            return String.format(Locale.ROOT, "{\"n\":%d,\"p50_ms\":%.2f,\"p99_ms\":%.2f,\"max_ms\":%.1f}", s.length,
                    s[s.length / 2] / 1e6, s[(int) (s.length * 0.99)] / 1e6, s[s.length - 1] / 1e6);
        }
    }
}
