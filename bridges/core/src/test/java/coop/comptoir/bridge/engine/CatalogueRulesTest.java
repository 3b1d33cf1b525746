package coop.comptoir.bridge.engine;

import coop.comptoir.testing.CatalogueRules;
import org.junit.jupiter.api.Test;

/** Every shipped language has every text, with the same placeholders as the French one. */
class CatalogueRulesTest {
    @Test
    void theTextsKeepTheRules() {
        CatalogueRules.check(Texts.BUNDLE, Texts.class);
    }

    @Test
    void theAccountLinkingTextsKeepTheRules() {
        CatalogueRules.check(AccountLinks.BUNDLE, AccountLinks.class);
    }
}
