package coop.comptoir.bridge.imports;

import coop.comptoir.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;

/** The same on PostgreSQL (the engine's new column, the page's tables, the one-use update), when COMPTOIR_TEST_PG_URL is set. */
class DashboardPostgresTest extends DashboardTest {
    private TestDatabase.PostgresSchema schema;

    @Override
    String databaseUrl() {
        if (schema == null) {
            schema = TestDatabase.postgresSchema();
        }
        return schema.url();
    }

    @AfterEach
    void dropSchema() throws Exception {
        if (schema != null) {
            schema.close();
            schema = null;
        }
    }
}
