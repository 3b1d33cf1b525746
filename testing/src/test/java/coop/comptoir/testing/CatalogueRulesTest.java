package coop.comptoir.testing;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import coop.comptoir.internal.command.CommandRouterImpl;
import org.junit.jupiter.api.Test;

class CatalogueRulesTest {
    @Test
    void theRuntimesOwnTextsKeepTheRules() {
        CatalogueRules.check(CommandRouterImpl.BUNDLE, CommandRouterImpl.class);
    }

    @Test
    void aTranslationThatLacksAKeyHasAnExtraOneOrOtherPlaceholdersFails() {
        assertThatThrownBy(() -> CatalogueRules.check("broken", CatalogueRulesTest.class))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("texts/broken_en.properties: no bye")
                .hasMessageContaining("texts/broken_en.properties: extra is not in the French file")
                .hasMessageContaining("texts/broken_en.properties: hello uses [nom], French uses [name]");
        assertThatThrownBy(() -> CatalogueRules.check("broken", CatalogueRulesTest.class, "es"))
                .hasMessageContaining("texts/broken_es.properties: missing");
    }
}
