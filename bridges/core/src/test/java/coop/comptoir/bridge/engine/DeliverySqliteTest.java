package coop.comptoir.bridge.engine;

import coop.comptoir.api.store.Database;
import coop.comptoir.testing.TestDatabase;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.junit.jupiter.api.io.TempDir;

class DeliverySqliteTest extends DeliveryContract {
    @TempDir
    Path dir;

    @Override
    Supplier<Database> databases() {
        return () -> TestDatabase.open("jdbc:sqlite:" + dir.resolve("bridge.db"), 2);
    }
}
