package coop.comptoir.bridge.engine;

import coop.comptoir.api.store.Database;
import coop.comptoir.internal.store.JdbcDatabase;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.junit.jupiter.api.io.TempDir;

class DeliverySqliteTest extends DeliveryContract {
    @TempDir
    Path dir;

    @Override
    Supplier<Database> databases() {
        return () -> JdbcDatabase.open("jdbc:sqlite:" + dir.resolve("bridge.db"), null, null, "normal", 2);
    }
}
