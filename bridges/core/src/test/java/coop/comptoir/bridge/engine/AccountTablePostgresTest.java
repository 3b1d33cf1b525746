package coop.comptoir.bridge.engine;

import coop.comptoir.api.store.Database;
import coop.comptoir.testing.PostgresTestSchema;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The linked accounts' table on PostgreSQL, in a schema of its own, when {@code COMPTOIR_TEST_PG_URL} is set
 * ({@code eval "$(bash .ci/postgres.sh)"}); skipped otherwise, failed in CI.
 */
class AccountTablePostgresTest extends AccountTableContract {
    @RegisterExtension
    final PostgresTestSchema pg = new PostgresTestSchema();

    @Override
    Supplier<Database> databases() {
        return pg.databases(4);
    }
}
