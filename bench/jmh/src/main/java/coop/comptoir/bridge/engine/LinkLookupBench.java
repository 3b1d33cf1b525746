package coop.comptoir.bridge.engine;

import coop.comptoir.api.id.EventId;
import coop.comptoir.api.id.RoomId;
import coop.comptoir.bridge.api.RemoteMessageId;
import coop.comptoir.bridge.api.RemoteUserId;
import coop.comptoir.internal.store.JdbcDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
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
 * The bridge engine's link lookups, through its own table classes (Jdbi on the runtime's pool), on
 * a SQLite file holding {@code rows} message links over 1,000 portals and 10,000 ghosts: the
 * queries every edit, reply, reaction and redaction goes through. Keys are picked at random over
 * the whole table so that the page cache is not flattered by one hot row. For the growth with
 * the table's size on SQLite and PostgreSQL, see {@link StoreScale}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Dlogback.configurationFile=logback-bench.xml"})
public class LinkLookupBench {
    @Param({"100000"})
    long rows;

    private Path dir;
    private JdbcDatabase db;
    private MessageLinkTable links;
    private GhostTable ghosts;
    private long x = 88172645463325252L;

    @Setup(Level.Trial)
    public void fill() throws Exception {
        dir = Files.createTempDirectory("comptoir-jmh-links");
        db = JdbcDatabase.open("jdbc:sqlite:" + dir.resolve("bench.db"), null, null, "normal", 0);
        Schema.migrate(db);
        StoreRows.portals(db);
        StoreRows.ghosts(db, 10_000);
        StoreRows.links(db, 0, rows);
        links = new MessageLinkTable(db, StoreRows.INSTANCE);
        ghosts = new GhostTable(db, StoreRows.INSTANCE);
    }

    @TearDown(Level.Trial)
    public void drop() throws Exception {
        db.close();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private long next(long bound) {
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        return Math.floorMod(x, bound);
    }

    /** A Discord edit, reply or reaction: which Matrix event is that Discord message? */
    @Benchmark
    public List<MessageLinkTable.Link> byRemote() {
        long i = next(rows);
        return links.byRemote(RoomId.of(StoreRows.room(i % StoreRows.PORTALS)), new RemoteMessageId(StoreRows.remote(i)));
    }

    /** A Matrix edit, reply or redaction: which Discord message is that event? */
    @Benchmark
    public List<MessageLinkTable.Link> byEvent() {
        long i = next(rows);
        return links.byEvent(RoomId.of(StoreRows.room(i % StoreRows.PORTALS)), EventId.of(StoreRows.event(i)));
    }

    /** A message from Discord: is its author's ghost profile up to date? */
    @Benchmark
    public Optional<GhostTable.Ghost> ghost() {
        return ghosts.get(new RemoteUserId(StoreRows.ghost(next(10_000))));
    }
}
