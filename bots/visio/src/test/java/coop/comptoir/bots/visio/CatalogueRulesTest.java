package coop.comptoir.bots.visio;

import coop.comptoir.testing.CatalogueRules;
import org.junit.jupiter.api.Test;

/** Every shipped language has every visio text, with the same placeholders as the French one. */
class CatalogueRulesTest {
    @Test
    void theTextsKeepTheRules() {
        CatalogueRules.check(VisioTexts.BUNDLE, VisioTexts.class);
    }
}
