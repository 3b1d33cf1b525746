package coop.comptoir.bridge.engine;

import static org.junit.jupiter.api.Assertions.fail;

import coop.comptoir.api.store.Database;
import coop.comptoir.testing.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;

/**
 * The linked accounts' table on PostgreSQL, in a schema of its own, when {@code COMPTOIR_TEST_PG_URL} is set
 * ({@code eval "$(bash .ci/postgres.sh)"}); skipped otherwise, failed in CI.
 */
class AccountTablePostgresTest extends AccountTableContract {
    private String base;
    private String schema;

    @Override
    Supplier<Database> databases() {
        if (schema == null) {
            base = System.getenv("COMPTOIR_TEST_PG_URL");
            if (base == null || base.isBlank()) {
                if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                    fail("COMPTOIR_TEST_PG_URL is not set and CI=true");
                }
                Assumptions.abort("PostgreSQL tests skipped: set COMPTOIR_TEST_PG_URL, e.g. eval \"$(bash .ci/postgres.sh)\"");
            }
            schema = "comptoir_test_account_" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000000));
            try (Connection c = DriverManager.getConnection(base); Statement st = c.createStatement()) {
                st.execute("CREATE SCHEMA " + schema);
            } catch (Exception e) {
                fail("cannot create a test schema: " + e.getMessage());
            }
        }
        String url = base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        return () -> TestDatabase.open(url, 4);
    }

    @AfterEach
    void dropSchema() throws Exception {
        if (schema != null) {
            try (Connection c = DriverManager.getConnection(base); Statement st = c.createStatement()) {
                st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
    }
}
