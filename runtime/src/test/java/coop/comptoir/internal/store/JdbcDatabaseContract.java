package coop.comptoir.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import coop.comptoir.api.store.Database;
import coop.comptoir.api.store.Database.Migration;
import coop.comptoir.api.store.Database.StoreException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every dialect must do; subclasses say where the database is. */
abstract class JdbcDatabaseContract {
    protected JdbcDatabase db;
    private final List<JdbcDatabase> opened = new ArrayList<>();

    /** Opens another handle on the same database (as a restart, or a second process, would). */
    protected abstract JdbcDatabase openSame();

    protected abstract Database.Dialect expectedDialect();

    @BeforeEach
    void openDatabase() {
        db = open();
    }

    @AfterEach
    void closeDatabases() {
        opened.forEach(JdbcDatabase::close);
    }

    protected JdbcDatabase open() {
        JdbcDatabase d = openSame();
        opened.add(d);
        return d;
    }

    private static final List<Migration> NOTES = List.of(
            Migration.both(1, "notes table", """
                    CREATE TABLE notes (id INT PRIMARY KEY, body TEXT NOT NULL);
                    INSERT INTO notes (id, body) VALUES (1, 'first; with a semicolon inside');
                    """),
            Migration.both(2, "second note", "INSERT INTO notes (id, body) VALUES (2, 'second')"),
            new Migration(3, "author column",
                    "ALTER TABLE notes ADD COLUMN author TEXT;\n-- a comment line;\nUPDATE notes SET author = 'sqlite';",
                    "ALTER TABLE notes ADD COLUMN author TEXT;\n-- a comment line;\nUPDATE notes SET author = 'postgres';"));

    @Test
    void reportsItsDialect() {
        assertThat(db.dialect()).isEqualTo(expectedDialect());
    }

    @Test
    void migrationsApplyInOrderAndAreRecorded() {
        db.migrate("notes", NOTES);

        assertThat(rows("SELECT id || ':' || body || ':' || author FROM notes ORDER BY id")).containsExactly(
                "1:first; with a semicolon inside:" + dialectName(), "2:second:" + dialectName());
        assertThat(rows("SELECT version || ' ' || description FROM comptoir_migrations"
                + " WHERE component = 'notes' ORDER BY version"))
                .containsExactly("1 notes table", "2 second note", "3 author column");
    }

    @Test
    void migrationsAreIdempotentAcrossRestarts() {
        db.migrate("notes", NOTES.subList(0, 2));
        db.migrate("notes", NOTES.subList(0, 2));
        db.close();

        JdbcDatabase again = open();
        again.migrate("notes", NOTES.subList(0, 2));
        assertThat(count(again, "notes")).isEqualTo(2);

        again.migrate("notes", NOTES); // only v3 is new
        assertThat(count(again, "notes")).isEqualTo(2);
        assertThat(rows(again, "SELECT MAX(version) FROM comptoir_migrations WHERE component = 'notes'"))
                .containsExactly("3");
    }

    @Test
    void componentsHaveTheirOwnVersions() {
        db.migrate("notes", NOTES.subList(0, 1));
        db.migrate("other", List.of(Migration.both(1, "other table", "CREATE TABLE other_things (x INT)")));

        assertThat(rows("SELECT component || ' ' || version FROM comptoir_migrations ORDER BY component"))
                .containsExactly("notes 1", "other 1");
    }

    @Test
    void refusesVersionsThatAreNotOneToN() {
        List<Migration> gap = List.of(NOTES.get(0), Migration.both(3, "gap", "SELECT 1"));
        assertThatThrownBy(() -> db.migrate("notes", gap))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'notes'")
                .hasMessageContaining("entry 2 has version 3");

        List<Migration> notFromOne = List.of(Migration.both(2, "two", "SELECT 1"));
        assertThatThrownBy(() -> db.migrate("notes", notFromOne))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("entry 1 has version 2");

        assertThat(tableExists("notes")).isFalse();
    }

    @Test
    void refusesToRunOnADatabaseFromANewerVersion() {
        db.migrate("notes", NOTES);

        assertThatThrownBy(() -> db.migrate("notes", NOTES.subList(0, 2)))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("'notes'")
                .hasMessageContaining("v3")
                .hasMessageContaining("only up to v2")
                .hasMessageContaining("downgrading is not supported");
    }

    @Test
    void aFailingMigrationLeavesNoTraceAndNamesTheStatement() {
        db.migrate("notes", NOTES.subList(0, 1));
        List<Migration> broken = List.of(NOTES.get(0),
                Migration.both(2, "broken", "CREATE TABLE half_done (x INT);\nINSERT INTO no_such_table VALUES (1);"));

        assertThatThrownBy(() -> db.migrate("notes", broken))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("'notes' v2 (broken)")
                .hasMessageContaining("statement 2")
                .hasMessageContaining("INSERT INTO no_such_table");

        assertThat(tableExists("half_done")).isFalse();
        assertThat(rows("SELECT MAX(version) FROM comptoir_migrations WHERE component = 'notes'")).containsExactly("1");

        db.migrate("notes", NOTES.subList(0, 2)); // the fixed v2 still applies
        assertThat(count(db, "notes")).isEqualTo(2);
    }

    @Test
    void aTransactionIsRolledBackWhenItsWorkThrows() {
        createCounterTable();
        IllegalStateException boom = new IllegalStateException("boom");

        assertThatThrownBy(() -> db.inTransaction(c -> {
            insert(c, 1);
            throw boom;
        })).isSameAs(boom);

        assertThat(count(db, "counter")).isZero();
        db.inTransaction(c -> insert(c, 2));
        assertThat(count(db, "counter")).isEqualTo(1);
    }

    @Test
    void nestedCallsJoinTheOuterTransaction() {
        createCounterTable();

        assertThatThrownBy(() -> db.inTransaction(c -> {
            insert(c, 1);
            db.inTransaction(inner -> insert(inner, 2));
            db.withConnection(inner -> insert(inner, 3));
            throw new IllegalStateException("undo all three");
        })).hasMessage("undo all three");
        assertThat(count(db, "counter")).isZero();

        // A transaction opened inside withConnection commits on its own.
        db.withConnection(c -> {
            assertThatThrownBy(() -> db.inTransaction(inner -> {
                insert(inner, 4);
                throw new IllegalStateException("undo 4");
            })).hasMessage("undo 4");
            db.inTransaction(inner -> insert(inner, 5));
            assertThat(c.getAutoCommit()).isTrue();
            return null;
        });
        assertThat(rows("SELECT n FROM counter")).containsExactly("5");
    }

    @Test
    void sqlErrorsAreWrappedWithTheirReason() {
        assertThatThrownBy(() -> db.withConnection(c -> {
            try (Statement st = c.createStatement()) {
                return st.executeQuery("SELECT * FROM no_such_table");
            }
        })).isInstanceOf(StoreException.class)
                .hasMessageContaining("no_such_table")
                .hasCauseInstanceOf(java.sql.SQLException.class)
                .message().doesNotContainIgnoringCase("password=comptoir");
    }

    @Test
    void concurrentWritersAllSucceed() throws Exception {
        createCounterTable();
        int threads = 8;
        int perThread = 200;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int base = t * perThread;
                boolean viaTransactions = t % 2 == 0;
                done.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < perThread; i++) {
                        int n = base + i;
                        if (viaTransactions) {
                            db.inTransaction(c -> {
                                int before = countIn(c);
                                insert(c, n);
                                return before;
                            });
                        } else {
                            db.withConnection(c -> insert(c, n));
                        }
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(count(db, "counter")).isEqualTo(threads * perThread);
    }

    @Test
    void closedDatabaseRefusesWork() {
        db.close();
        assertThatThrownBy(() -> db.withConnection(c -> 1)).isInstanceOf(StoreException.class);
    }

    // ---- helpers

    private String dialectName() {
        return expectedDialect() == Database.Dialect.SQLITE ? "sqlite" : "postgres";
    }

    private void createCounterTable() {
        db.migrate("counter", List.of(Migration.both(1, "counter", "CREATE TABLE counter (n INT PRIMARY KEY)")));
    }

    private static int insert(java.sql.Connection c, int n) throws java.sql.SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO counter (n) VALUES (?)")) {
            ps.setInt(1, n);
            return ps.executeUpdate();
        }
    }

    private static int countIn(java.sql.Connection c) throws java.sql.SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM counter")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    protected static int count(JdbcDatabase d, String table) {
        return d.withConnection(c -> {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + table)) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }

    protected List<String> rows(String sql) {
        return rows(db, sql);
    }

    protected static List<String> rows(JdbcDatabase d, String sql) {
        return d.withConnection(c -> {
            List<String> out = new ArrayList<>();
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        });
    }

    private boolean tableExists(String table) {
        return db.withConnection(c -> {
            try (ResultSet rs = c.getMetaData().getTables(null, c.getSchema(), table, null)) {
                return rs.next();
            }
        });
    }
}
