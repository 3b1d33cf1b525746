package coop.comptoir.bridge.imports;

import coop.comptoir.testing.CatalogueRules;
import org.junit.jupiter.api.Test;

/** The migration texts: every shipped language has every text, with the same placeholders as the French one. */
class MigrationTextsTest {
    @Test
    void theTextsKeepTheRules() {
        CatalogueRules.check("migration", MigrationPlugin.class);
    }
}
