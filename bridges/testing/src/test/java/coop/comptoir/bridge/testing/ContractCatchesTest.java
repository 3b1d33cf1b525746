package coop.comptoir.bridge.testing;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract fails a connector that breaks it: it can tell a broken connector from a good one. */
class ContractCatchesTest {
    @TempDir
    Path dir;

    @Test
    void aConnectorThatDropsEditsFailsTheEditTest() throws Exception {
        ConnectorContract contract = new ConnectorContract() {
            @Override
            protected RemoteDriver remote() {
                return new MemoryDriver(true);
            }
        };
        contract.dir = dir;
        contract.startBridge();
        try {
            assertThatThrownBy(contract::aMatrixEditChangesTheRemoteCopy).isInstanceOf(AssertionError.class);
        } finally {
            contract.stopBridge();
        }
    }
}
