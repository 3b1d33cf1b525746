package coop.comptoir.internal.appservice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import coop.comptoir.api.store.Database;
import coop.comptoir.internal.store.ForwardingDatabase;
import coop.comptoir.internal.store.JdbcDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The journal while its database cannot be written (a full disk, a read-only file): refuse, say why once. */
class TransactionJournalOutageTest {
    @TempDir
    Path dir;

    @Test
    void aDatabaseThatCannotBeWrittenIsLoggedOnceNotForEachTransactionAndItsReturnToo() throws Exception {
        AtomicBoolean full = new AtomicBoolean();
        try (JdbcDatabase real = JdbcDatabase.open("jdbc:sqlite:" + dir.resolve("j.db"), null, null, "normal", 1)) {
            Database db = new ForwardingDatabase(real) {
                @Override
                public <T> T inTransaction(SqlFunction<T> work) {
                    if (full.get()) {
                        throw new StoreException("Transaction failed (SQLite): disk full",
                                new SQLException("[SQLITE_FULL] Insertion failed because database is full (database or disk is full)"));
                    }
                    return real.inTransaction(work);
                }
            };
            Logger journalLog = (Logger) LoggerFactory.getLogger(TransactionJournal.class);
            ListAppender<ILoggingEvent> logged = new ListAppender<>();
            logged.start();
            Level level = journalLog.getLevel();
            journalLog.setLevel(Level.INFO);
            journalLog.addAppender(logged);
            try (TransactionJournal journal = new TransactionJournal(db, Clock.systemUTC(), l -> {})) {
                journal.start();
                full.set(true);
                for (int i = 1; i <= 5; i++) {
                    String id = Integer.toString(i);
                    assertThatThrownBy(() -> journal.append(id, "f" + id, body(id), null).get(5, TimeUnit.SECONDS))
                            .as("refused, not acknowledged").hasRootCauseInstanceOf(SQLException.class);
                }
                assertThat(journal.failing()).as("the runtime asks the homeserver to retry meanwhile").isTrue();
                full.set(false);
                assertThat(journal.append("1", "f1", body("1"), null).get(5, TimeUnit.SECONDS).duplicate()).isFalse();
                assertThat(journal.append("2", "f2", body("2"), null).get(5, TimeUnit.SECONDS).duplicate()).isFalse();
                assertThat(journal.failing()).isFalse();
            } finally {
                journalLog.detachAppender(logged);
                journalLog.setLevel(level);
            }
            List<ILoggingEvent> problems = logged.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN)).toList();
            assertThat(problems).as("one error for the outage, with its cause").singleElement()
                    .satisfies(e -> assertThat(e.getFormattedMessage()).contains("SQLITE_FULL"));
            assertThat(logged.list).filteredOn(e -> e.getLevel() == Level.INFO)
                    .anySatisfy(e -> assertThat(e.getFormattedMessage()).contains("works again").contains("5 transaction(s)"));
        }
    }

    /**
     * The database back, the first thing written may be a handled mark, not a refused transaction
     * sent again: the homeserver is still waiting out its backoff (a minute after a 2-minute outage),
     * so the runtime must keep asking it to retry until a transaction comes (seen with PostgreSQL:
     * 64 – 76 s to recover instead of a few seconds).
     */
    @Test
    void theHomeserverIsStillAskedToRetryUntilARefusedTransactionComesBackNotJustUntilTheDatabaseWorks() throws Exception {
        AtomicBoolean down = new AtomicBoolean();
        try (JdbcDatabase real = JdbcDatabase.open("jdbc:sqlite:" + dir.resolve("k.db"), null, null, "normal", 1)) {
            Database db = new ForwardingDatabase(real) {
                @Override
                public <T> T inTransaction(SqlFunction<T> work) {
                    if (down.get()) {
                        throw new StoreException("Transaction failed (PostgreSQL)", new SQLException("connection refused"));
                    }
                    return real.inTransaction(work);
                }
            };
            try (TransactionJournal journal = new TransactionJournal(db, Clock.systemUTC(), l -> {})) {
                journal.start();
                journal.append("1", "f1", body("1"), null).get(5, TimeUnit.SECONDS);
                down.set(true);
                assertThatThrownBy(() -> journal.append("2", "f2", body("2"), null).get(5, TimeUnit.SECONDS))
                        .hasRootCauseInstanceOf(SQLException.class);
                assertThat(journal.failing()).isTrue();
                down.set(false);
                journal.markHandled(1);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (journal.failingCause() != null && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                assertThat(journal.failingCause()).as("the database works again").isNull();
                assertThat(journal.failing()).as("transaction 2 was refused and has not come back: keep asking").isTrue();
                journal.append("2", "f2", body("2"), null).get(5, TimeUnit.SECONDS);
                assertThat(journal.failing()).as("it came back").isFalse();
            }
        }
    }

    private static byte[] body(String id) {
        return ("{\"events\":[{\"event_id\":\"$" + id + "\"}]}").getBytes(StandardCharsets.UTF_8);
    }
}
