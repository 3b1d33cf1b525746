package coop.comptoir.testing;

import coop.comptoir.api.store.Database;

/** {@link PluginStoreContract} on the fake context's default store, a SQLite file. */
class PluginStoreSqliteTest extends PluginStoreContract {
    @Override
    FakePluginContext.Builder builder(FakePluginContext.Builder b) {
        return b;
    }

    @Override
    Database.Dialect dialect() {
        return Database.Dialect.SQLITE;
    }
}
