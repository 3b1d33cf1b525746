package coop.comptoir.bridge.engine;

import coop.comptoir.api.id.EventId;
import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.id.UserId;
import coop.comptoir.bridge.api.RemoteChannelId;
import coop.comptoir.bridge.api.RemoteMessageId;
import coop.comptoir.bridge.api.RemoteUserId;
import coop.comptoir.internal.store.JdbcDatabase;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.LongConsumer;

/**
 * Scale of the bridge store: 1,000 portals, 10,000 ghosts, and message links grown to 10k, 100k
 * and 1M rows; at each size, the time and CPU of the engine's lookups (by remote message, by
 * event, ghost profile), of one link insert, and the database's size. Prints one JSON line per
 * size. SQLite in a temporary folder, or PostgreSQL ({@code COMPTOIR_TEST_PG_URL}) in a schema of
 * its own, dropped at the end.
 *
 * <pre>java -cp bench/jmh/target/benchmarks.jar coop.comptoir.bridge.engine.StoreScale sqlite|postgres [maxRows]</pre>
 */
public final class StoreScale {
    private static final String PG_SCHEMA = "perf15_store_scale";
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private StoreScale() {}

    public static void main(String[] args) throws Exception {
        String kind = args.length > 0 ? args[0] : "sqlite";
        long max = args.length > 1 ? Long.parseLong(args[1]) : 1_000_000;
        int lookups = 20_000;
        Path dir = null;
        JdbcDatabase db;
        String pgUrl = System.getenv("COMPTOIR_TEST_PG_URL");
        if (kind.equals("postgres")) {
            if (pgUrl == null) {
                throw new IllegalStateException("COMPTOIR_TEST_PG_URL is not set");
            }
            try (Connection c = DriverManager.getConnection(pgUrl); Statement st = c.createStatement()) {
                st.execute("DROP SCHEMA IF EXISTS " + PG_SCHEMA + " CASCADE");
                st.execute("CREATE SCHEMA " + PG_SCHEMA);
            }
            db = JdbcDatabase.open(pgUrl + (pgUrl.contains("?") ? "&" : "?") + "currentSchema=" + PG_SCHEMA
                    + "&reWriteBatchedInserts=true", null, null, "normal", 4);
        } else {
            dir = Files.createTempDirectory("comptoir-store-scale");
            db = JdbcDatabase.open("jdbc:sqlite:" + dir.resolve("scale.db"), null, null, "normal", 0);
        }
        try {
            Schema.migrate(db);
            StoreRows.portals(db);
            StoreRows.ghosts(db, 10_000);
            MessageLinkTable links = new MessageLinkTable(db, StoreRows.INSTANCE);
            GhostTable ghosts = new GhostTable(db, StoreRows.INSTANCE);
            PortalTable portals = new PortalTable(db, StoreRows.INSTANCE);
            long have = 0;
            long inserted = 0;
            for (long size = 10_000; size <= max; size *= 10) {
                long fillStart = System.nanoTime();
                StoreRows.links(db, have, size);
                double fillSeconds = (System.nanoTime() - fillStart) / 1e9;
                have = size;
                long rows = size;
                XorShift rnd = new XorShift(size);
                Stats byRemote = measure(lookups, i -> {
                    long k = rnd.next(rows);
                    if (links.byRemote(RoomId.of(StoreRows.room(k % StoreRows.PORTALS)),
                            new RemoteMessageId(StoreRows.remote(k))).isEmpty()) {
                        throw new IllegalStateException("link " + k + " not found");
                    }
                });
                Stats byEvent = measure(lookups, i -> {
                    long k = rnd.next(rows);
                    if (links.byEvent(RoomId.of(StoreRows.room(k % StoreRows.PORTALS)), EventId.of(StoreRows.event(k))).isEmpty()) {
                        throw new IllegalStateException("event " + k + " not found");
                    }
                });
                Stats ghost = measure(lookups, i -> {
                    if (ghosts.get(new RemoteUserId(StoreRows.ghost(rnd.next(10_000)))).isEmpty()) {
                        throw new IllegalStateException("ghost not found");
                    }
                });
                long base = 2_000_000_000L + inserted;
                Stats insert = measure(2_000, i -> {
                    long k = base + i;
                    long p = k % StoreRows.PORTALS;
                    links.insert(new MessageLinkTable.Link(RoomId.of(StoreRows.room(p)), EventId.of(StoreRows.event(k)),
                            new RemoteChannelId(StoreRows.channel(p)), new RemoteMessageId(StoreRows.remote(k)), 0,
                            Direction.TO_MATRIX, UserId.of("@_discord_" + StoreRows.ghost(k % 10_000) + ":coop.example"),
                            k, k));
                });
                inserted += 2_000;
                long t0 = System.nanoTime();
                int portalCount = portals.all().size();
                double portalsAllMs = (System.nanoTime() - t0) / 1e6;
                System.out.printf(Locale.ROOT, "{\"db\":\"%s\",\"links\":%d,\"ghosts\":10000,\"portals\":%d,\"fill_s\":%.1f,"
                                + "\"by_remote\":%s,\"by_event\":%s,\"ghost\":%s,\"insert\":%s,\"portals_all_ms\":%.2f,"
                                + "\"db_bytes\":%d,\"load\":\"%s\"}%n",
                        kind, size, portalCount, fillSeconds, byRemote, byEvent, ghost, insert, portalsAllMs,
                        size(db, kind, dir), load());
            }
        } finally {
            db.close();
            if (kind.equals("postgres")) {
                try (Connection c = DriverManager.getConnection(pgUrl); Statement st = c.createStatement()) {
                    st.execute("DROP SCHEMA IF EXISTS " + PG_SCHEMA + " CASCADE");
                }
            } else if (dir != null) {
                try (var files = Files.walk(dir)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    private static long size(JdbcDatabase db, String kind, Path dir) throws Exception {
        if (kind.equals("postgres")) {
            return db.withConnection(c -> {
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                        "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                                + " WHERE n.nspname = '" + PG_SCHEMA + "' AND c.relkind = 'r'")) {
                    rs.next();
                    return rs.getLong(1);
                }
            });
        }
        db.withConnection(c -> {
            try (Statement st = c.createStatement()) {
                st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
            }
            return null;
        });
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

    /** Runs {@code op} 1,000 times unmeasured, then {@code n} times: wall per call and the thread's CPU. */
    static Stats measure(int n, LongConsumer op) {
        for (int i = 0; i < 1_000; i++) {
            op.accept(i);
        }
        long[] wall = new long[n];
        long cpu0 = THREADS.getCurrentThreadCpuTime();
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            op.accept(1_000 + i);
            wall[i] = System.nanoTime() - t;
        }
        long cpu = THREADS.getCurrentThreadCpuTime() - cpu0;
        return new Stats(wall, cpu);
    }

    /** Microseconds: p50, p99, max of the wall times, and the mean CPU time of the calling thread. */
    record Stats(long[] wall, long cpuNanos) {
        @Override
        public String toString() {
            long[] s = wall.clone();
            Arrays.sort(s);
            return String.format(Locale.ROOT, "{\"p50_us\":%.1f,\"p99_us\":%.1f,\"max_us\":%.1f,\"cpu_us\":%.1f,\"n\":%d}",
                    s[s.length / 2] / 1e3, s[(int) (s.length * 0.99)] / 1e3, s[s.length - 1] / 1e3,
                    cpuNanos / 1e3 / s.length, s.length);
        }
    }

    static final class XorShift {
        private long x;

        XorShift(long seed) {
            x = seed * 0x9E3779B97F4A7C15L | 1;
        }

        long next(long bound) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            return Math.floorMod(x, bound);
        }
    }
}
