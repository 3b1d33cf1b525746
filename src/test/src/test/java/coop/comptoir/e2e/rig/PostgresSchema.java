package coop.comptoir.e2e.rig;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A fresh PostgreSQL schema for one end-to-end test, in the database that
 * {@code COMPTOIR_TEST_PG_URL} names (a JDBC URL); dropped with all it holds by {@link #close()}.
 */
public final class PostgresSchema implements AutoCloseable {
    private final String base;
    private final String name;

    private PostgresSchema(String base, String name) {
        this.base = base;
        this.name = name;
    }

    /**
     * Creates {@code comptoir_e2e_<epoch seconds>_<tag>}. Skips the calling test (a JUnit assumption)
     * when {@code COMPTOIR_TEST_PG_URL} is not set, except under {@code CI=true}, where that fails.
     * Blocks on the database.
     *
     * @throws IllegalStateException when CI=true and the variable is not set
     * @throws SQLException when the schema cannot be created
     */
    public static PostgresSchema create(String tag) throws SQLException {
        String base = System.getenv("COMPTOIR_TEST_PG_URL");
        if ((base == null || base.isBlank()) && "true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new IllegalStateException("CI=true but COMPTOIR_TEST_PG_URL is not set");
        }
        assumeTrue(base != null && !base.isBlank(),
                "skipped: COMPTOIR_TEST_PG_URL is not set (CI sets it; locally: eval \"$(bash .ci/postgres.sh)\")");
        base = base.trim();
        String name = "comptoir_e2e_" + (System.currentTimeMillis() / 1000) + "_" + tag;
        try (Connection c = DriverManager.getConnection(base); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA " + name);
        }
        return new PostgresSchema(base, name);
    }

    /** The database's JDBC URL as {@code COMPTOIR_TEST_PG_URL} gives it (no schema). */
    public String baseUrl() {
        return base;
    }

    /** {@code url} with this schema as the current one: what Comptoir's {@code database.url} takes. */
    public String inSchema(String url) {
        return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + name;
    }

    /** The JDBC URL of this schema in the database. */
    public String url() {
        return inSchema(base);
    }

    /** Drops the schema and everything in it. Blocks on the database. */
    @Override
    public void close() throws SQLException {
        try (Connection c = DriverManager.getConnection(base); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
        }
    }
}
