package coop.comptoir.internal.encryption;

import coop.comptoir.internal.store.JdbcDatabase;
import coop.comptoir.internal.store.TestDatabases;
import org.junit.jupiter.api.AfterEach;

/** {@link EncryptedRoomsTest} on PostgreSQL (its migration and "once"); needs {@code COMPTOIR_TEST_PG_URL}. */
class EncryptedRoomsPostgresTest extends EncryptedRoomsTest {
    private TestDatabases.PgSchema schema;

    @Override
    JdbcDatabase open() {
        if (schema == null) {
            schema = TestDatabases.freshPostgresSchema();
        }
        return schema.open();
    }

    @AfterEach
    void dropSchema() throws Exception {
        if (schema != null) {
            closeDatabases();
            schema.close();
        }
    }
}
