package coop.comptoir.testing;

import coop.comptoir.api.store.Database;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link PluginStoreContract} on a fresh schema of the PostgreSQL named by
 * {@value TestDatabase#PG_URL_ENV}; skipped without it (failed on CI).
 */
class PluginStorePostgresTest extends PluginStoreContract {
    @RegisterExtension
    final PostgresTestSchema pg = new PostgresTestSchema();

    @Override
    FakePluginContext.Builder builder(FakePluginContext.Builder b) {
        return b.databaseUrl(pg.url());
    }

    @Override
    Database.Dialect dialect() {
        return Database.Dialect.POSTGRES;
    }
}
