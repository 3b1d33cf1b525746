package coop.comptoir.testing;

import coop.comptoir.api.store.Database;
import org.junit.jupiter.api.AfterEach;

/**
 * {@link PluginStoreContract} on a fresh schema of the PostgreSQL named by
 * {@value TestDatabase#PG_URL_ENV}; skipped without it (failed on CI).
 */
class PluginStorePostgresTest extends PluginStoreContract {
    private TestDatabase.PostgresSchema schema;

    @Override
    FakePluginContext.Builder builder(FakePluginContext.Builder b) {
        schema = TestDatabase.postgresSchema();
        return b.databaseUrl(schema.url());
    }

    @Override
    Database.Dialect dialect() {
        return Database.Dialect.POSTGRES;
    }

    @AfterEach
    void dropSchema() throws Exception {
        closeStore();
        ctx = null;
        if (schema != null) {
            schema.close();
        }
    }
}
