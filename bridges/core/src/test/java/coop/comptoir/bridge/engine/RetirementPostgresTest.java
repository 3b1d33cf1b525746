package coop.comptoir.bridge.engine;

import coop.comptoir.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;

/** {@link RetirementTest} on PostgreSQL (its tables, upserts and conditional updates), when COMPTOIR_TEST_PG_URL is set. */
class RetirementPostgresTest extends RetirementTest {
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
        stopEngine(); // before the schema goes: this runs before the parent's own @AfterEach
        if (schema != null) {
            schema.close();
            schema = null;
        }
    }
}
