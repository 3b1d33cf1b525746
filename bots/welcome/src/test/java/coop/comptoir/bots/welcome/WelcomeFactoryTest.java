package coop.comptoir.bots.welcome;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import coop.comptoir.api.plugin.ConfigException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WelcomeFactoryTest {
    private final WelcomeFactory factory = new WelcomeFactory();

    private static List<String> problems(String yaml) {
        try {
            new WelcomeFactory().validate(Fakes.Section.of(yaml));
            return List.of();
        } catch (ConfigException e) {
            List<String> all = new ArrayList<>(List.of(e.getMessage()));
            for (Throwable t : e.getSuppressed()) {
                all.add(t.getMessage());
            }
            return all;
        }
    }

    @Test
    void aCompleteSectionIsAccepted() {
        assertThatCode(() -> factory.validate(Fakes.Section.of("""
                coop: La Cagette
                wiki: https://wiki.cagette.test
                forum: https://forum.cagette.test
                space: "#cagette:cagette.test"
                ignore_users: ["@discord_.*:cagette\\\\.test"]
                greeting:
                  fr: "Bienvenue {name} chez {coop} ! Wiki : {wiki}, forum : {forum}, salons : {rooms}"
                  en: "Welcome {name}!"
                faq:
                  - topic: horaires
                    keywords: [horaires, ouvert]
                    answer: {fr: "Du mardi au samedi.", en: "Tuesday to Saturday."}
                rooms:
                  - room: "#aide:cagette.test"
                    direct_message: true
                  - room: "!abc:cagette.test"
                    language: en
                    greeting: {fr: "Salut {name} !"}
                """))).doesNotThrowAnyException();
    }

    @Test
    void anUnknownPlaceholderIsRefusedWithItsKeyPath() {
        assertThat(problems("""
                coop: La Cagette
                rooms:
                  - room: "#aide:cagette.test"
                  - room: "#vrac:cagette.test"
                    greeting: {fr: "Bonjour {nom} !"}
                """)).singleElement().asString()
                .startsWith("plugins[0].rooms[1].greeting.fr: unknown placeholder {nom}");
    }

    @Test
    void everyProblemIsListed() {
        assertThat(problems("""
                coop: La Cagette
                language: de
                group_window_seconds: 600
                ignore_users: ["@(unclosed"]
                greeting: {fr: "Voir {wiki}", en: "{forum}"}
                faq:
                  - topic: horaires
                    keywords: []
                    answer: {fr: "ok"}
                rooms:
                  - room: "aide"
                """)).containsExactlyInAnyOrder(
                "plugins[0].language: expected fr or en, got \"de\"",
                "plugins[0].group_window_seconds: must be between 0 and 60",
                "plugins[0].ignore_users[0]: not a regular expression: Unclosed group",
                "plugins[0].greeting.fr: uses {wiki} but wiki is not set",
                "plugins[0].greeting.en: uses {forum} but forum is not set",
                "plugins[0].faq[0].keywords: needs at least one keyword, none empty",
                "plugins[0].rooms[0].room: not a room ID (!…) or alias (#…:server)");
    }

    @Test
    void textsBelongInTheTextsFileWhenThereIsOne() {
        assertThat(problems("""
                coop: La Cagette
                texts_file: welcome-texts.yaml
                greeting: {fr: "Bonjour {name}"}
                rooms: [{room: "#aide:cagette.test"}]
                """)).containsExactly("plugins[0].greeting: texts_file is set: put greeting in that file instead");
    }

    @Test
    void aRoomIsNeeded() {
        assertThat(problems("coop: La Cagette\nrooms: []\n")).containsExactly("plugins[0].rooms: list at least one room");
    }

    @Test
    void frenchIsRequiredInEachText() {
        assertThatThrownBy(() -> factory.validate(Fakes.Section.of("""
                coop: La Cagette
                direct_message: {en: "Hello {name}"}
                rooms: [{room: "#aide:cagette.test"}]
                """))).hasMessage("plugins[0].direct_message.fr: missing (French is the default language)");
    }

    @Test
    void commandNamesAreCheckedAndDeclaredWithTheirKeyPaths() {
        assertThat(problems("""
                coop: La Cagette
                rooms: [{room: "#aide:cagette.test"}]
                commands: {faq: [Faq], rooms: [salons, faq-b], reload: [faq-b]}
                """)).hasSize(2).anySatisfy(m -> assertThat(m).contains("commands.faq[0]: lower-case letters, digits, - or _"))
                .anySatisfy(m -> assertThat(m).contains("commands.reload[0]: faq-b is used twice"));

        var section = Fakes.Section.of("""
                coop: La Cagette
                rooms: [{room: "#aide:cagette.test"}]
                commands: {faq: [faq-bureau], rooms: []}
                """);
        assertThat(factory.commands(section)).extracting(c -> c.name() + " @ " + c.path()).containsExactly(
                "faq-bureau @ " + section.path() + ".commands.faq[0]",
                "recharger @ " + section.path() + ".commands.reload[0]",
                "reload @ " + section.path() + ".commands.reload[1]");
    }
}
