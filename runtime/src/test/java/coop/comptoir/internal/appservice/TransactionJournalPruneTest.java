package coop.comptoir.internal.appservice;

import static org.assertj.core.api.Assertions.assertThat;

import coop.comptoir.api.store.Database;
import coop.comptoir.internal.store.ForwardingDatabase;
import coop.comptoir.internal.store.JdbcDatabase;
import coop.comptoir.internal.store.TestDatabases;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hourly clean-up of the journal: what it forgets and clears, and that transactions arriving
 * while it works through a large journal are stored meanwhile, not after it (on SQLite they share
 * the one connection). On SQLite and on PostgreSQL ({@code COMPTOIR_TEST_PG_URL}).
 */
class TransactionJournalPruneTest {
    private static final long DAY = 86_400_000L;

    @TempDir
    Path dir;

    @Test
    void cleanUpForgetsOldHandledAndClearsBodiesOfHandledOnlyOnSqlite() throws Exception {
        try (JdbcDatabase db = TestDatabases.sqlite(dir)) {
            forgetsAndClears(db);
        }
    }

    @Test
    void cleanUpForgetsOldHandledAndClearsBodiesOfHandledOnlyOnPostgres() throws Exception {
        try (TestDatabases.PgSchema schema = TestDatabases.freshPostgresSchema(); JdbcDatabase db = schema.open()) {
            forgetsAndClears(db);
        }
    }

    private static void forgetsAndClears(JdbcDatabase db) throws Exception {
        TransactionJournal journal = new TransactionJournal(db, Clock.systemUTC(), l -> { }, 3);
        journal.start();
        try {
            List<Long> seqs = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                seqs.add(append(journal, "t" + i).stored().seq());
            }
            // 0-4: older than the retention (4 not handled); 5-11 recent (8 not handled)
            long old = System.currentTimeMillis() - TransactionJournal.RETENTION.toMillis() - DAY;
            sql(db, "UPDATE core_txn SET received_at = ? WHERE seq <= ?", old, seqs.get(4));
            sql(db, "UPDATE core_txn SET handled = 1 WHERE seq <> ? AND seq <> ?", seqs.get(4), seqs.get(8));

            assertThat(journal.prune()).isEqualTo(4);
            Map<String, Boolean> bodies = bodies(db);
            assertThat(bodies.keySet()).as("old handled forgotten, old unhandled kept")
                    .containsExactly("t10", "t11", "t4", "t5", "t6", "t7", "t8", "t9");
            assertThat(bodies).containsEntry("t4", true).containsEntry("t8", true)
                    .containsEntry("t5", false).containsEntry("t7", false).containsEntry("t9", false).containsEntry("t11", false);

            // handled later: cleared by the next clean-up, which starts at the first unhandled one
            sql(db, "UPDATE core_txn SET handled = 1 WHERE seq = ?", seqs.get(8));
            long twelve = append(journal, "t12").stored().seq();
            sql(db, "UPDATE core_txn SET handled = 1 WHERE seq = ?", twelve);
            assertThat(journal.prune()).isZero();
            assertThat(bodies(db)).containsEntry("t8", false).containsEntry("t12", false).containsEntry("t4", true);
            assertThat(journal.unhandled()).extracting(TransactionJournal.Stored::txnId).containsExactly("t4");
        } finally {
            journal.close();
        }
    }

    @Test
    void aTransactionArrivingDuringALongCleanUpIsStoredBeforeTheCleanUpEnds() throws Exception {
        try (JdbcDatabase real = TestDatabases.sqlite(dir)) {
            CompletableFuture<TransactionJournal.Appended> arrived = new CompletableFuture<>();
            AtomicReference<TransactionJournal> journalRef = new AtomicReference<>();
            AtomicReference<Thread> pruner = new AtomicReference<>();
            // A transaction arrives while the clean-up is in its first database transaction; each
            // time the clean-up goes back to the database afterwards, it gives it up to 5 s to be
            // stored first (the connection is free then, or it is not).
            Database db = new ForwardingDatabase(real) {
                private int calls;

                @Override
                public <T> T inTransaction(SqlFunction<T> work) {
                    if (Thread.currentThread() != pruner.get()) {
                        return real.inTransaction(work);
                    }
                    if (calls++ == 0) {
                        return real.inTransaction(c -> {
                            T result = work.apply(c);
                            Thread appender = new Thread(() -> {
                                try {
                                    arrived.complete(journalRef.get().append("new", "fp",
                                            "{\"events\":[]}".getBytes(StandardCharsets.UTF_8), null).get(20, TimeUnit.SECONDS));
                                } catch (Exception e) {
                                    arrived.completeExceptionally(e);
                                }
                            });
                            appender.start();
                            return result;
                        });
                    }
                    try {
                        arrived.get(5, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        // not stored yet: the assertion below tells
                    }
                    return real.inTransaction(work);
                }
            };
            TransactionJournal journal = new TransactionJournal(db, Clock.systemUTC(), l -> { }, 2);
            journalRef.set(journal);
            journal.start();
            try {
                for (int i = 0; i < 20; i++) {
                    append(journal, "t" + i);
                }
                sql(real, "UPDATE core_txn SET handled = 1");
                CompletableFuture<Boolean> storedBeforeEnd = new CompletableFuture<>();
                Thread t = new Thread(() -> {
                    journal.prune();
                    storedBeforeEnd.complete(arrived.isDone());
                });
                pruner.set(t);
                t.start();
                assertThat(storedBeforeEnd.get(30, TimeUnit.SECONDS))
                        .as("the arriving transaction was stored between two batches of the clean-up").isTrue();
                assertThat(arrived.get(5, TimeUnit.SECONDS).duplicate()).isFalse();
            } finally {
                journal.close();
            }
        }
    }

    private static TransactionJournal.Appended append(TransactionJournal journal, String txnId) throws Exception {
        return journal.append(txnId, "fp", "{\"events\":[]}".getBytes(StandardCharsets.UTF_8), null).get(5, TimeUnit.SECONDS);
    }

    private static void sql(JdbcDatabase db, String sql, Object... args) {
        db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < args.length; i++) {
                    ps.setObject(i + 1, args[i]);
                }
                return ps.executeUpdate();
            }
        });
    }

    /** txnId → whether its body is still there. */
    private static Map<String, Boolean> bodies(JdbcDatabase db) {
        return db.withConnection(c -> {
            Map<String, Boolean> out = new TreeMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT txn_id, body FROM core_txn"); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getBytes(2) != null);
                }
            }
            return out;
        });
    }
}
