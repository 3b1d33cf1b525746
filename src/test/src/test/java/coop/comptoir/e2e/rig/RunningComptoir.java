package coop.comptoir.e2e.rig;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One Comptoir process for a test class, started before its tests (against the shared Synapse) and
 * stopped after them:
 * {@code @RegisterExtension static final RunningComptoir COMPTOIR = new RunningComptoir("name");}
 */
public final class RunningComptoir implements BeforeAllCallback, AfterAllCallback {
    private final String name;
    private final Consumer<ObjectNode> customize;
    private ComptoirProcess process;

    public RunningComptoir(String name) {
        this(name, config -> {});
    }

    /** @param customize changes the config before the start (see {@link Rig#comptoir(String, Consumer)}) */
    public RunningComptoir(String name, Consumer<ObjectNode> customize) {
        this.name = name;
        this.customize = customize;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        process = Rig.get().comptoir(name, customize).start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (process != null) {
            process.stop();
        }
    }

    /** The running process (started in {@code beforeAll}). */
    public ComptoirProcess process() {
        if (process == null) {
            throw new IllegalStateException("Comptoir " + name + " is not started: register this as an extension");
        }
        return process;
    }
}
