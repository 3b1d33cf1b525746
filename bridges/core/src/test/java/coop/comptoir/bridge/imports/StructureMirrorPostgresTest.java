package coop.comptoir.bridge.imports;

import coop.comptoir.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;

/** {@link StructureMirrorTest} on PostgreSQL (its tables, upserts and conditional updates), when COMPTOIR_TEST_PG_URL is set. */
class StructureMirrorPostgresTest extends StructureMirrorTest {
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
        tearDown(); // before the schema goes: this runs before the parent's own @AfterEach
        if (schema != null) {
            schema.close();
            schema = null;
        }
    }
}
