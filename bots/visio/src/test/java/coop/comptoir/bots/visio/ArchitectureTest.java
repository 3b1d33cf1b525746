package coop.comptoir.bots.visio;

import coop.comptoir.testing.PluginArchitecture;
import org.junit.jupiter.api.Test;

/** The plugin uses the public API only. */
class ArchitectureTest {
    @Test
    void usesThePublicApiOnly() {
        PluginArchitecture.check("coop.comptoir.bots.visio");
    }
}
