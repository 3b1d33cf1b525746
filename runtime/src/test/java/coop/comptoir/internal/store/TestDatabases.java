package coop.comptoir.internal.store;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Assumptions;

/**
 * Databases for tests. PostgreSQL is found through {@value #PG_URL_ENV} (see
 * {@code .ci/postgres.sh}); without it the PostgreSQL tests are skipped, except when
 * {@code CI=true}, where they fail so that CI cannot skip them silently. Each PostgreSQL test gets
 * a schema of its own, dropped afterwards.
 */
public final class TestDatabases {
    public static final String PG_URL_ENV = "COMPTOIR_TEST_PG_URL";
    private static final String SCHEMA_PREFIX = "comptoir_test_";
    private static volatile boolean staleSchemasDropped;

    private TestDatabases() {}

    /** A SQLite database in {@code dir}. */
    public static JdbcDatabase sqlite(Path dir) {
        return JdbcDatabase.open("jdbc:sqlite:" + dir.resolve("comptoir.db"), null, null, "normal", 0);
    }

    /** The PostgreSQL URL from the environment; skips the test (fails it in CI) when unset. */
    public static String postgresUrl() {
        String url = System.getenv(PG_URL_ENV);
        if (url == null || url.isBlank()) {
            String how = "set " + PG_URL_ENV + " to a throwaway database, e.g. eval \"$(.ci/postgres.sh)\"";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail("PostgreSQL tests cannot run: " + PG_URL_ENV + " is not set and CI=true; " + how);
            }
            Assumptions.abort("PostgreSQL tests skipped: " + how);
        }
        return url.trim();
    }

    /** A fresh, empty schema on the test PostgreSQL; skips the test when there is none. */
    public static PgSchema freshPostgresSchema() {
        String base = postgresUrl();
        String name = SCHEMA_PREFIX + (System.currentTimeMillis() / 1000) + "_"
                + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000000));
        try (Connection c = DriverManager.getConnection(base); Statement st = c.createStatement()) {
            if (!staleSchemasDropped) {
                dropStaleSchemas(st);
                staleSchemasDropped = true;
            }
            st.execute("CREATE SCHEMA " + name);
        } catch (SQLException e) {
            fail("Cannot create a test schema on " + JdbcUrls.redact(base) + ": " + e.getMessage());
        }
        String url = base + (base.contains("?") ? "&" : "?") + "currentSchema=" + name;
        return new PgSchema(base, name, url);
    }

    /** Schemas left by runs that died more than an hour ago. */
    private static void dropStaleSchemas(Statement st) throws SQLException {
        long cutoff = System.currentTimeMillis() / 1000 - 3600;
        List<String> stale = new ArrayList<>();
        try (ResultSet rs = st.executeQuery("SELECT nspname FROM pg_namespace WHERE nspname LIKE '"
                + SCHEMA_PREFIX + "%'")) {
            while (rs.next()) {
                String n = rs.getString(1);
                String[] parts = n.substring(SCHEMA_PREFIX.length()).split("_");
                try {
                    if (Long.parseLong(parts[0]) < cutoff) {
                        stale.add(n);
                    }
                } catch (NumberFormatException ignored) {
                    // not ours
                }
            }
        }
        for (String n : stale) {
            st.execute("DROP SCHEMA IF EXISTS " + n + " CASCADE");
        }
    }

    /** A schema of the test PostgreSQL; {@link #close()} drops it. */
    public static final class PgSchema implements AutoCloseable {
        private final String baseUrl;
        private final String name;
        private final String url;

        PgSchema(String baseUrl, String name, String url) {
            this.baseUrl = baseUrl;
            this.name = name;
            this.url = url;
        }

        /** A URL whose unqualified tables live in this schema. */
        public String url() {
            return url;
        }

        public String name() {
            return name;
        }

        public JdbcDatabase open() {
            return JdbcDatabase.open(url, null, null, null, 10);
        }

        @Override
        public void close() throws SQLException {
            try (Connection c = DriverManager.getConnection(baseUrl); Statement st = c.createStatement()) {
                st.execute("DROP SCHEMA IF EXISTS " + name.toLowerCase(Locale.ROOT) + " CASCADE");
            }
        }
    }
}
