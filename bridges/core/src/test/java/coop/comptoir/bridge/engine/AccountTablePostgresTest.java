package coop.comptoir.bridge.engine;

import coop.comptoir.api.store.Database;
import coop.comptoir.testing.TestDatabase;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;

/**
 * The linked accounts' table on PostgreSQL, in a schema of its own, when {@code COMPTOIR_TEST_PG_URL} is set
 * ({@code eval "$(bash .ci/postgres.sh)"}); skipped otherwise, failed in CI.
 */
class AccountTablePostgresTest extends AccountTableContract {
    private TestDatabase.PostgresSchema schema;

    @Override
    Supplier<Database> databases() {
        if (schema == null) {
            schema = TestDatabase.postgresSchema();
        }
        String url = schema.url();
        return () -> TestDatabase.open(url, 4);
    }

    @AfterEach
    void dropSchema() throws Exception {
        if (schema != null) {
            schema.close();
            schema = null;
        }
    }
}
