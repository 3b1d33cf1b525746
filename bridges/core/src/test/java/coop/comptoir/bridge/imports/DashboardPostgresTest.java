package coop.comptoir.bridge.imports;

import coop.comptoir.testing.PostgresTestSchema;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The same on PostgreSQL (the engine's new column, the page's tables, the one-use update), when COMPTOIR_TEST_PG_URL is set. */
class DashboardPostgresTest extends DashboardTest {
    @RegisterExtension
    final PostgresTestSchema pg = new PostgresTestSchema();

    @Override
    String databaseUrl() {
        return pg.url();
    }
}
