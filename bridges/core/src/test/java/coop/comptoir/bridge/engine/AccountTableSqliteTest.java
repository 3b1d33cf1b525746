package coop.comptoir.bridge.engine;

import coop.comptoir.api.store.Database;
import coop.comptoir.testing.TestDatabase;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.junit.jupiter.api.io.TempDir;

/** The linked accounts' table on SQLite. */
class AccountTableSqliteTest extends AccountTableContract {
    @TempDir
    Path dir;

    @Override
    Supplier<Database> databases() {
        return () -> TestDatabase.open("jdbc:sqlite:" + dir.resolve("t.db"), 2);
    }
}
