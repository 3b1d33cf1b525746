package coop.comptoir.bots.welcome;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import coop.comptoir.api.plugin.ConfigException;
import coop.comptoir.testing.PluginConfigs;
import java.util.List;
import org.junit.jupiter.api.Test;

class WelcomeFactoryTest {
    private final WelcomeFactory factory = new WelcomeFactory();

    private static List<String> problems(String yaml) {
        return PluginConfigs.check(new WelcomeFactory(), PluginConfigs.of("welcome", yaml)).list().stream()
                .map(ConfigException::getMessage).toList();
    }

    private static WelcomeConfig bind(coop.comptoir.api.plugin.PluginConfig section) {
        return PluginConfigs.bind(new WelcomeFactory(), section);
    }

    @Test
    void aCompleteSectionIsAccepted() {
        assertThatCode(() -> bind(PluginConfigs.of("welcome", """
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
                group_window: 10m
                ignore_users: ["@(unclosed"]
                greeting: {fr: "Voir {wiki}", en: "{forum}"}
                faq:
                  - topic: horaires
                    keywords: []
                    answer: {fr: "ok"}
                rooms:
                  - room: "#aide:cagette.test"
                  - room: "#aide:cagette.test"
                """)).containsExactlyInAnyOrder(
                "plugins[0].language: expected fr or en, got \"de\"",
                "plugins[0].group_window: must be between 0s and 60s",
                "plugins[0].ignore_users[0]: not a regular expression: Unclosed group",
                "plugins[0].greeting.fr: uses {wiki} but wiki is not set",
                "plugins[0].greeting.en: uses {forum} but forum is not set",
                "plugins[0].faq[0].keywords: needs at least one keyword, none empty",
                "plugins[0].rooms[1].room: #aide:cagette.test is listed twice");
        assertThat(problems("coop: La Cagette\nrooms: [{room: aide}]\nspace: \"!\"\n")).containsExactlyInAnyOrder(
                "plugins[0].space: \"!\" is not a room ID (!abc:example.org) or alias (#name:example.org)",
                "plugins[0].rooms[0].room: \"aide\" is not a room ID (!abc:example.org) or alias (#name:example.org)");
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
        assertThatThrownBy(() -> bind(PluginConfigs.of("welcome", """
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

        var section = PluginConfigs.of("welcome", """
                coop: La Cagette
                rooms: [{room: "#aide:cagette.test"}]
                commands: {faq: [faq-bureau], rooms: []}
                """);
        assertThat(factory.commands(bind(section), section)).extracting(c -> c.name() + " @ " + c.path()).containsExactly(
                "faq-bureau @ " + section.path() + ".commands.faq[0]",
                "recharger @ " + section.path() + ".commands.reload[0]",
                "reload @ " + section.path() + ".commands.reload[1]");
    }

    @Test
    void durationsAreWrittenWithAUnit() {
        WelcomeConfig c = bind(PluginConfigs.of("welcome", """
                coop: La Cagette
                group_window: 30s
                faq_cooldown: 1h
                rooms: [{room: "#aide:cagette.test"}]
                """));
        assertThat(c.groupWindow()).isEqualTo(java.time.Duration.ofSeconds(30));
        assertThat(c.faqCooldown()).isEqualTo(java.time.Duration.ofHours(1));
        assertThat(problems("""
                coop: La Cagette
                group_window: 5
                rooms: [{room: "#aide:cagette.test"}]
                """)).containsExactly("plugins[0].group_window: \"5\" has no unit: write 5s, 5m, 5h or 5d");
    }

    @Test
    void theFormerSecondsKeyIsStillReadWithAWarningNamingTheNewKey() {
        var checked = PluginConfigs.check(new WelcomeFactory(), PluginConfigs.of("welcome", """
                coop: La Cagette
                group_window_seconds: 7
                faq_cooldown_minutes: 2
                rooms: [{room: "#aide:cagette.test"}]
                """));
        assertThat(checked.list()).isEmpty();
        assertThat(checked.warnings()).extracting(ConfigException::getMessage).containsExactly(
                "plugins[0].group_window_seconds: deprecated, still read for this release: write group_window instead"
                        + " (e.g. group_window: 7s)",
                "plugins[0].faq_cooldown_minutes: deprecated, still read for this release: write faq_cooldown instead"
                        + " (e.g. faq_cooldown: 2m)");
        WelcomeConfig c = bind(PluginConfigs.of("welcome", """
                coop: La Cagette
                group_window_seconds: 7
                rooms: [{room: "#aide:cagette.test"}]
                """));
        assertThat(c.groupWindow()).isEqualTo(java.time.Duration.ofSeconds(7));
    }
}
