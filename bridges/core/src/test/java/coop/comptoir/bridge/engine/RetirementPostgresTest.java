package coop.comptoir.bridge.engine;

import coop.comptoir.testing.PostgresTestSchema;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link RetirementTest} on PostgreSQL (its tables, upserts and conditional updates), when COMPTOIR_TEST_PG_URL is set. */
class RetirementPostgresTest extends RetirementTest {
    @RegisterExtension
    final PostgresTestSchema pg = new PostgresTestSchema();

    @Override
    String databaseUrl() {
        return pg.url();
    }
}
