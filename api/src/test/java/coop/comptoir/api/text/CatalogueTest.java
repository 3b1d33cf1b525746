package coop.comptoir.api.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import coop.comptoir.api.plugin.ConfigException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CatalogueTest {
    private static Catalogue load(TextSettings s) {
        return Catalogue.load("sample", CatalogueTest.class, s);
    }

    @Test
    void formatsNamedArgumentsPluralsAndTheAddress() {
        Catalogue fr = load(TextSettings.DEFAULT);
        assertThat(fr.text("greeting", "name", "Ana")).isEqualTo("Bonjour Ana !");
        assertThat(fr.text("places", "n", 0)).isEqualTo("Plus de place.");
        assertThat(fr.text("places", "n", 1)).isEqualTo("Il reste 1 place.");
        assertThat(fr.text("places", "n", 3)).isEqualTo("Il reste 3 places.");
        assertThat(fr.text("write")).as("vous by default").isEqualTo("Écrivez-moi ici.");
        assertThat(load(TextSettings.DEFAULT.withAddress("tu")).text("write")).isEqualTo("Écris-moi ici.");
        Catalogue en = fr.in("en");
        assertThat(en.text("places", "n", 1)).isEqualTo("1 seat left.");
        assertThat(en.text("write")).isEqualTo("Write to me here.");
        assertThat(en.text("only.fr")).as("a key a translation lacks falls back to French").isEqualTo("Seulement en français.");
    }

    @Test
    void theCoopsWordingReplacesTheShippedOneInItsLanguageOnly() {
        TextSettings s = new TextSettings("fr", "vous",
                Map.of("fr", Map.of("sample.greeting", "Salut {name}, {address, select, tu {content de te voir} other {ravi·e de vous voir}} !")),
                "texts");
        Catalogue fr = load(s);
        assertThat(fr.text("greeting", "name", "Bo")).isEqualTo("Salut Bo, ravi·e de vous voir !");
        assertThat(fr.in("en").text("greeting", "name", "Bo")).isEqualTo("Hello Bo!");
    }

    @Test
    void aBrokenOverrideIsRefusedWithItsKeyPath() {
        TextSettings unknownKey = new TextSettings("fr", "vous", Map.of("fr", Map.of("sample.greting", "Salut")), "texts");
        assertThatThrownBy(() -> load(unknownKey)).isInstanceOf(ConfigException.class)
                .hasMessage("texts.fr.sample.greting: unknown text (no such key in Comptoir's texts)");
        TextSettings badPlaceholder = new TextSettings("fr", "vous", Map.of("fr", Map.of("sample.greeting", "Salut {nom} !")), "texts");
        assertThatThrownBy(() -> load(badPlaceholder)).isInstanceOf(ConfigException.class)
                .hasMessage("texts.fr.sample.greeting: uses {nom}, which this text does not have (it has: {name}, and {address})");
        TextSettings badPattern = new TextSettings("fr", "vous", Map.of("fr", Map.of("sample.greeting", "Salut {name !")), "texts");
        assertThatThrownBy(() -> load(badPattern)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("texts.fr.sample.greeting: not a valid text");
    }

    @Test
    void checkOverridesReportsEveryBrokenEntryOfEveryBundle() {
        TextSettings s = new TextSettings("fr", "vous", Map.of(
                "fr", Map.of("sample.greeting", "Coucou {name}", "nowhere.greeting", "x", "sample.places", "{n} {m}"),
                "en", Map.of("sample.write", "Write!")), "texts");
        List<String> errors = Catalogue.checkOverrides(s, CatalogueTest.class.getClassLoader()).stream()
                .map(ConfigException::getMessage).toList();
        assertThat(errors).containsExactlyInAnyOrder(
                "texts.fr.nowhere.greeting: unknown text: keys are <part>.<key>, e.g. runtime.command.unknown,"
                        + " and no part of Comptoir is called \"nowhere\"",
                "texts.fr.sample.places: uses {m}, which this text does not have (it has: {n}, and {address})");
    }

    @Test
    void aLanguageWithoutFilesIsAConfigError() {
        assertThatThrownBy(() -> load(TextSettings.DEFAULT.withLanguage("de"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("no de texts for sample (texts/sample_de.properties)");
        assertThat(Catalogue.speaks("sample", "en", CatalogueTest.class)).isTrue();
        assertThat(Catalogue.speaks("sample", "de", CatalogueTest.class)).isFalse();
    }
}
