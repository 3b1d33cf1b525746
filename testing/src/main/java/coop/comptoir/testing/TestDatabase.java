package coop.comptoir.testing;

import coop.comptoir.api.store.Database;
import coop.comptoir.internal.store.JdbcDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A real database for a plugin's tests: the runtime's own store (same migrations, transactions,
 * locking), on a SQLite file or on a PostgreSQL schema. Close it at the end of the test.
 */
public final class TestDatabase implements Database, AutoCloseable {
    /** The environment variable naming a throwaway PostgreSQL (see {@code .ci/postgres.sh}). */
    public static final String PG_URL_ENV = "COMPTOIR_TEST_PG_URL";

    private final JdbcDatabase db;

    private TestDatabase(JdbcDatabase db) {
        this.db = db;
    }

    /** A SQLite database in the file {@code comptoir.db} of {@code dir} (created if missing). */
    public static TestDatabase sqlite(Path dir) {
        return open("jdbc:sqlite:" + dir.resolve("comptoir.db"), 0);
    }

    /**
     * Opens {@code jdbcUrl} ({@code jdbc:sqlite:...} or {@code jdbc:postgresql:...}) with at most
     * {@code poolSize} connections (0: the runtime's default).
     *
     * @throws Database.StoreException when the database cannot be opened
     */
    public static TestDatabase open(String jdbcUrl, int poolSize) {
        return new TestDatabase(JdbcDatabase.open(jdbcUrl, null, null, "normal", poolSize));
    }

    /**
     * A fresh, empty schema on the PostgreSQL named by {@value #PG_URL_ENV}; the test is skipped
     * without it, and failed when {@code CI=true} so that CI cannot skip it silently.
     * {@link PostgresSchema#close()} drops the schema.
     */
    public static PostgresSchema postgresSchema() {
        String base = System.getenv(PG_URL_ENV);
        if (base == null || base.isBlank()) {
            String how = "set " + PG_URL_ENV + " to a throwaway database, e.g. eval \"$(bash .ci/postgres.sh)\"";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail("PostgreSQL tests cannot run: " + PG_URL_ENV + " is not set and CI=true; " + how);
            }
            Assumptions.abort("PostgreSQL tests skipped: " + how);
        }
        base = base.trim();
        String name = "comptoir_test_" + (System.currentTimeMillis() / 1000) + "_kit_"
                + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000000));
        try (Connection c = DriverManager.getConnection(base); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA " + name);
        } catch (SQLException e) {
            Assertions.fail("Cannot create a test schema: " + e.getMessage());
        }
        return new PostgresSchema(base, name, base + (base.contains("?") ? "&" : "?") + "currentSchema=" + name);
    }

    /** A schema of the test PostgreSQL, made for one test; {@link #close()} drops it. */
    public static final class PostgresSchema implements AutoCloseable {
        private final String base;
        private final String name;
        private final String url;

        private PostgresSchema(String base, String name, String url) {
            this.base = base;
            this.name = name;
            this.url = url;
        }

        /** The JDBC URL of the schema (it holds the test database's password: do not print it). */
        public String url() {
            return url;
        }

        /** The schema's name. */
        public String name() {
            return name;
        }

        /** Opens the schema with a pool of 10 connections; each call gives another pool, as another process would. */
        public TestDatabase open() {
            return TestDatabase.open(url, 10);
        }

        /** Drops the schema and everything in it. */
        @Override
        public void close() throws SQLException {
            try (Connection c = DriverManager.getConnection(base); Statement st = c.createStatement()) {
                st.execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
            }
        }
    }

    @Override
    public Dialect dialect() {
        return db.dialect();
    }

    @Override
    public void migrate(String component, List<Migration> migrations) {
        db.migrate(component, migrations);
    }

    @Override
    public <T> T inTransaction(SqlFunction<T> work) {
        return db.inTransaction(work);
    }

    @Override
    public <T> T withConnection(SqlFunction<T> work) {
        return db.withConnection(work);
    }

    /** Closes the pool (and, for SQLite, lets another process open the file). */
    @Override
    public void close() {
        db.close();
    }

    @Override
    public String toString() {
        return db.toString();
    }
}
