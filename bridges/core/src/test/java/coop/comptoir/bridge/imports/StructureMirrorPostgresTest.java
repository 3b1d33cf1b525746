package coop.comptoir.bridge.imports;

import coop.comptoir.testing.PostgresTestSchema;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link StructureMirrorTest} on PostgreSQL (its tables, upserts and conditional updates), when COMPTOIR_TEST_PG_URL is set. */
class StructureMirrorPostgresTest extends StructureMirrorTest {
    @RegisterExtension
    final PostgresTestSchema pg = new PostgresTestSchema();

    @Override
    String databaseUrl() {
        return pg.url();
    }
}
