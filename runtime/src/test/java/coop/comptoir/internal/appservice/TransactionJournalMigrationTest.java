package coop.comptoir.internal.appservice;

import static org.assertj.core.api.Assertions.assertThat;

import coop.comptoir.internal.store.JdbcDatabase;
import coop.comptoir.internal.store.TestDatabases;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A journal written before transactions had fingerprints, opened by this version: its rows keep
 * working (their txnId alone recognises a retry), new rows are known by ID and fingerprint. On
 * SQLite and on PostgreSQL (needs {@code COMPTOIR_TEST_PG_URL}, see {@link TestDatabases}).
 */
class TransactionJournalMigrationTest {
    @TempDir
    Path dir;

    @Test
    void oldSqliteJournalKeepsWorking() throws Exception {
        try (JdbcDatabase db = TestDatabases.sqlite(dir)) {
            check(db);
        }
    }

    @Test
    void oldPostgresJournalKeepsWorking() throws Exception {
        try (TestDatabases.PgSchema schema = TestDatabases.freshPostgresSchema(); JdbcDatabase db = schema.open()) {
            check(db);
        }
    }

    private static void check(JdbcDatabase db) throws Exception {
        db.migrate("core", TransactionJournal.MIGRATIONS.subList(0, 1));
        db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO core_txn (txn_id, body, received_at, handled) VALUES (?, ?, ?, ?)")) {
                ps.setString(1, "5");
                ps.setBytes(2, null);
                ps.setLong(3, System.currentTimeMillis());
                ps.setInt(4, 1);
                ps.executeUpdate();
                ps.setString(1, "6");
                ps.setBytes(2, "{\"events\":[]}".getBytes(StandardCharsets.UTF_8));
                ps.setInt(4, 0);
                ps.executeUpdate();
            }
            return null;
        });

        TransactionJournal journal = new TransactionJournal(db, Clock.systemUTC(), l -> { });
        journal.start();
        try {
            assertThat(journal.unhandled()).singleElement().satisfies(s -> {
                assertThat(s.txnId()).isEqualTo("6");
                assertThat(new String(s.body(), StandardCharsets.UTF_8)).isEqualTo("{\"events\":[]}");
            });
            assertThat(append(journal, "5", "any").duplicate()).as("an old row: its ID alone counts").isTrue();
            assertThat(append(journal, "6", "any").duplicate()).isTrue();

            TransactionJournal.Appended seven = append(journal, "7", "first");
            assertThat(seven.duplicate()).isFalse();
            assertThat(seven.reusedId()).isFalse();
            assertThat(seven.stored().seq()).as("numbering goes on after the old rows").isGreaterThan(2);
            assertThat(append(journal, "7", "first").duplicate()).isTrue();
            TransactionJournal.Appended again = append(journal, "7", "second");
            assertThat(again.duplicate()).isFalse();
            assertThat(again.reusedId()).isTrue();
            assertThat(append(journal, "7", "second").duplicate()).isTrue();
            assertThat(journal.lastTxnId()).isEqualTo("7");
        } finally {
            journal.close();
        }
    }

    private static TransactionJournal.Appended append(TransactionJournal journal, String txnId, String fingerprint)
            throws Exception {
        return journal.append(txnId, fingerprint, "{\"events\":[]}".getBytes(StandardCharsets.UTF_8), null)
                .get(5, TimeUnit.SECONDS);
    }
}
