package coop.comptoir.bridge.rocketchat;

import coop.comptoir.testing.CatalogueRules;
import org.junit.jupiter.api.Test;

/** Every shipped language has every text, with the same placeholders as the French one. */
class CatalogueRulesTest {
    @Test
    void theTextsKeepTheRules() {
        CatalogueRules.check(RocketChatTexts.BUNDLE, RocketChatTexts.class);
    }
}
