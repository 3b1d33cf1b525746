package coop.comptoir.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshots of a live SQLite database: whole files that open on their own, only the newest kept,
 * taken when the journal has no transaction in progress.
 */
class SqliteSnapshotsTest {
    @TempDir
    Path dir;

    private JdbcDatabase db;
    private MutableClock clock;

    @BeforeEach
    void open() {
        db = JdbcDatabase.open("jdbc:sqlite:" + dir.resolve("comptoir.db"), null, null, null, 0);
        db.withConnection(c -> {
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TABLE core_txn (seq INTEGER PRIMARY KEY, txn_id TEXT, handled INTEGER NOT NULL DEFAULT 0)");
                st.execute("CREATE TABLE note (n INTEGER)");
            }
            return null;
        });
        clock = new MutableClock(Instant.parse("2026-12-06T10:00:00.250Z"));
    }

    @AfterEach
    void close() {
        db.close();
    }

    private void sql(String statement) {
        db.withConnection(c -> {
            try (Statement st = c.createStatement()) {
                st.execute(statement);
            }
            return null;
        });
    }

    private static long count(Path file, String query) throws Exception {
        try (JdbcDatabase copy = JdbcDatabase.open("jdbc:sqlite:" + file, null, null, null, 0)) {
            return copy.withConnection(c -> {
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(query)) {
                    rs.next();
                    return rs.getLong(1);
                }
            });
        }
    }

    @Test
    void aSnapshotIsAWholeDatabaseOfTheRunningInstanceReadableByItsOwnerOnly() throws Exception {
        sql("INSERT INTO note VALUES (1), (2), (3)");
        SqliteSnapshots snapshots = new SqliteSnapshots(db, dir.resolve("backups"), 3, clock);

        Path snapshot = snapshots.take();

        assertThat(snapshot.getFileName().toString()).isEqualTo("comptoir-20261206-100000-250.db");
        assertThat(Files.getPosixFilePermissions(snapshot)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getPosixFilePermissions(snapshot.getParent())).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        // the running database still works, the copy stands alone (no -wal beside it)
        sql("INSERT INTO note VALUES (4)");
        assertThat(snapshot.resolveSibling(snapshot.getFileName() + "-wal")).doesNotExist();
        Path restored = dir.resolve("restored/comptoir.db");
        Files.createDirectories(restored.getParent());
        Files.copy(snapshot, restored);
        assertThat(count(restored, "SELECT COUNT(*) FROM note")).isEqualTo(3);
    }

    @Test
    void onlyTheNewestAreKept() {
        SqliteSnapshots snapshots = new SqliteSnapshots(db, dir.resolve("backups"), 2, clock);
        Path first = snapshots.take();
        clock.advance(Duration.ofHours(1));
        Path second = snapshots.take();
        clock.advance(Duration.ofHours(1));
        Path third = snapshots.take();

        assertThat(snapshots.snapshots()).containsExactly(second, third);
        assertThat(first).doesNotExist();
    }

    @Test
    void waitsForTheTransactionsInProgressToBeHandled() throws Exception {
        sql("INSERT INTO core_txn (txn_id, handled) VALUES ('t1', 0)");
        SqliteSnapshots snapshots = new SqliteSnapshots(db, dir.resolve("backups"), 2, clock, Duration.ofSeconds(20));

        CompletableFuture<Path> taken = CompletableFuture.supplyAsync(snapshots::take);
        Thread.sleep(500);
        assertThat(taken).as("no snapshot while t1 is being handled").isNotDone();
        sql("UPDATE core_txn SET handled = 1");

        Path snapshot = taken.get(10, TimeUnit.SECONDS);
        assertThat(count(snapshot, "SELECT COUNT(*) FROM core_txn WHERE handled = 0")).isZero();
    }

    @Test
    void withoutAQuietMomentItIsTakenAnywayAfterTheWait() throws Exception {
        sql("INSERT INTO core_txn (txn_id, handled) VALUES ('t1', 0)");
        SqliteSnapshots snapshots = new SqliteSnapshots(db, dir.resolve("backups"), 2, clock, Duration.ofMillis(300));

        Path snapshot = snapshots.take();

        assertThat(count(snapshot, "SELECT COUNT(*) FROM core_txn WHERE handled = 0")).isEqualTo(1);
    }

    @Test
    void onScheduleTheFirstComesSoonAndLeftoversAreRemoved() throws Exception {
        Path folder = dir.resolve("backups");
        Files.createDirectories(folder);
        Path leftover = folder.resolve(".comptoir-20261206-090000-000.db.part");
        Files.writeString(leftover, "cut short");
        SqliteSnapshots snapshots = new SqliteSnapshots(db, folder, 2, Clock.systemUTC());
        java.util.concurrent.atomic.AtomicInteger written = new java.util.concurrent.atomic.AtomicInteger();
        snapshots.listener(new SqliteSnapshots.Listener() {
            @Override
            public void written(Instant at) {
                written.incrementAndGet();
            }
        });
        try {
            snapshots.start(Duration.ofSeconds(1));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (snapshots.snapshots().size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
        } finally {
            snapshots.close();
        }
        assertThat(snapshots.snapshots()).hasSize(2);
        assertThat(written.get()).as("snapshots told to the listener").isGreaterThanOrEqualTo(2);
        assertThat(leftover).doesNotExist();
    }

    @Test
    void refusesPostgresAndNothingToKeep() {
        assertThatThrownBy(() -> new SqliteSnapshots(db, dir, 0, clock)).hasMessageContaining("keep");
        assertThatThrownBy(() -> new SqliteSnapshots(db, dir, 1, clock).start(Duration.ofMillis(10)))
                .hasMessageContaining("at least 1s");
    }

    /** A clock the test moves. */
    private static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
