package coop.comptoir.internal.encryption;

import coop.comptoir.internal.store.JdbcDatabase;
import coop.comptoir.internal.store.TestDatabases;
import org.junit.jupiter.api.AfterEach;

/** {@link CryptoStoreTest} on PostgreSQL (the crypto tables and their migrations); needs {@code COMPTOIR_TEST_PG_URL}. */
class CryptoStorePostgresTest extends CryptoStoreTest {
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
