package coop.comptoir.bots.shifts;

import coop.comptoir.internal.store.JdbcDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The runtime's own database class, for tests: SQLite in a folder, or a fresh schema of the
 * PostgreSQL named by {@code COMPTOIR_TEST_PG_URL} (skipped without it, failed when {@code CI=true}),
 * as bot-core's store tests do.
 */
final class TestDb {
    static final String PG_URL_ENV = "COMPTOIR_TEST_PG_URL";

    private TestDb() {}

    static JdbcDatabase sqlite(Path dir) {
        return JdbcDatabase.open("jdbc:sqlite:" + dir.resolve("comptoir.db"), null, null, "normal", 0);
    }

    /** A fresh schema; {@link Schema#close} drops it. */
    static Schema postgres() {
        String base = System.getenv(PG_URL_ENV);
        if (base == null || base.isBlank()) {
            String how = "set " + PG_URL_ENV + " to a throwaway database, e.g. eval \"$(bash .ci/postgres.sh)\"";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail("PostgreSQL tests cannot run: " + PG_URL_ENV + " is not set and CI=true; " + how);
            }
            Assumptions.abort("PostgreSQL tests skipped: " + how);
        }
        base = base.trim();
        String name = "comptoir_test_" + (System.currentTimeMillis() / 1000) + "_shifts_"
                + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000000));
        try (Connection c = DriverManager.getConnection(base); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA " + name);
        } catch (SQLException e) {
            Assertions.fail("Cannot create a test schema: " + e.getMessage());
        }
        return new Schema(base, name, base + (base.contains("?") ? "&" : "?") + "currentSchema=" + name);
    }

    record Schema(String base, String name, String url) implements AutoCloseable {
        JdbcDatabase open() {
            return JdbcDatabase.open(url, null, null, null, 10);
        }

        @Override
        public void close() throws SQLException {
            try (Connection c = DriverManager.getConnection(base); Statement st = c.createStatement()) {
                st.execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
            }
        }
    }
}
