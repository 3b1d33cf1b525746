package coop.comptoir.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import coop.comptoir.api.store.Database;
import coop.comptoir.api.store.Database.Migration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Needs {@code COMPTOIR_TEST_PG_URL}; see {@link TestDatabases}. */
class JdbcDatabasePostgresTest extends JdbcDatabaseContract {
    private TestDatabases.PgSchema schema;

    @BeforeEach
    @Override
    void openDatabase() {
        schema = TestDatabases.freshPostgresSchema();
        super.openDatabase();
    }

    @AfterEach
    void dropSchema() throws Exception {
        if (schema != null) {
            closeDatabases();
            schema.close();
        }
    }

    @Override
    protected JdbcDatabase openSame() {
        return schema.open();
    }

    @Override
    protected Database.Dialect expectedDialect() {
        return Database.Dialect.POSTGRES;
    }

    @Test
    void concurrentMigrationsFromTwoProcessesApplyEachVersionOnce() throws Exception {
        JdbcDatabase other = open();
        List<Migration> counted = List.of(
                Migration.both(1, "table", "CREATE TABLE applied (v INT)"),
                Migration.both(2, "row 2", "INSERT INTO applied VALUES (2)"),
                Migration.both(3, "row 3", "INSERT INTO applied VALUES (3)"));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch go = new CountDownLatch(1);
            Future<?> a = pool.submit(() -> {
                go.await();
                db.migrate("race", counted);
                return null;
            });
            Future<?> b = pool.submit(() -> {
                go.await();
                other.migrate("race", counted);
                return null;
            });
            go.countDown();
            a.get(30, TimeUnit.SECONDS);
            b.get(30, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertThat(rows("SELECT v FROM applied ORDER BY v")).containsExactly("2", "3");
    }

    @Test
    void aWrongPasswordFailsWithoutShowingIt() {
        String url = schema.url().replaceAll("password=[^&]*", "password=Wr0ngSecret-4711");
        assertThatThrownBy(() -> JdbcDatabase.open(url, null, null, null, 2))
                .isInstanceOf(Database.StoreException.class)
                .hasMessageContaining("Cannot open database")
                .hasMessageContaining("password=***")
                .message().doesNotContain("Wr0ngSecret-4711");
    }

    @Test
    void aPasswordGivenApartIsUsed() {
        String withoutPassword = schema.url().replaceAll("[?&]password=[^&]*", "");
        String password = schema.url().replaceAll(".*[?&]password=([^&]*).*", "$1");
        try (JdbcDatabase d = JdbcDatabase.open(withoutPassword, null, password, null, 2)) {
            boolean valid = d.withConnection(c -> c.isValid(2));
            assertThat(valid).isTrue();
            assertThat(d.maxConnections()).isEqualTo(2);
        }
    }
}
