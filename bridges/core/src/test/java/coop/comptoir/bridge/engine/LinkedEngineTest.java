package coop.comptoir.bridge.engine;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** Tests on a started engine over SQLite whose room is linked to {@link Rig#CHANNEL}. */
abstract class LinkedEngineTest {
    @TempDir
    Path dir;
    final TestConnector net = new TestConnector();
    Rig rig;

    /** What the remote side holds before the engine starts (its history, for instance). */
    void prepare(TestConnector network) {}

    @BeforeEach
    void startEngine() throws Exception {
        prepare(net);
        rig = Rig.linkedOnSqlite(dir, net, Rig.settings(List.of()));
    }

    @AfterEach
    void stopEngine() throws Exception {
        rig.close();
    }
}
