package coop.comptoir.testing;

import coop.comptoir.api.store.Database;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A fresh PostgreSQL schema for each test, for a test class that runs its parent's tests again on
 * PostgreSQL. Register it on an instance field:
 *
 * <pre>{@code
 * @RegisterExtension
 * final PostgresTestSchema pg = new PostgresTestSchema();
 *
 * @Override
 * String databaseUrl() {
 *     return pg.url();
 * }
 * }</pre>
 *
 * <p>The schema is made on the first call of {@link #url()} (the test is skipped, or failed in CI,
 * without {@value TestDatabase#PG_URL_ENV}, as {@link TestDatabase#postgresSchema()} says) and
 * dropped after the test, once every {@code @AfterEach} method of the class and its parents has run:
 * whatever they close (an engine, a pool) is closed before its schema goes.
 */
public final class PostgresTestSchema implements AfterEachCallback {
    private TestDatabase.PostgresSchema schema;

    /**
     * The JDBC URL of this test's schema, made on the first call (it holds the test database's
     * password: do not print it).
     *
     * @throws org.opentest4j.TestAbortedException without {@value TestDatabase#PG_URL_ENV}, outside CI
     */
    public String url() {
        if (schema == null) {
            schema = TestDatabase.postgresSchema();
        }
        return schema.url();
    }

    /**
     * Opens this test's schema on each call of the supplier, with at most {@code poolSize}
     * connections: each call is another pool, as another process would have. The schema is made now.
     * The caller closes what it opens.
     */
    public Supplier<Database> databases(int poolSize) {
        String url = url();
        return () -> TestDatabase.open(url, poolSize);
    }

    /** Drops the schema, if the test made one. Called by JUnit. */
    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        if (schema != null) {
            TestDatabase.PostgresSchema made = schema;
            schema = null;
            made.close();
        }
    }
}
