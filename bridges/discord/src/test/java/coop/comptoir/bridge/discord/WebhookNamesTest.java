package coop.comptoir.bridge.discord;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WebhookNamesTest {
    @Test
    void anOrdinaryNameIsKept() {
        assertThat(WebhookNames.sanitise("Marie Curie", "marie")).isEqualTo("Marie Curie");
        assertThat(WebhookNames.sanitise("Zoé 🌻", "zoe")).isEqualTo("Zoé 🌻");
    }

    @Test
    void namesDiscordRefusesAreMadeAcceptable() {
        String discord = WebhookNames.sanitise("Discord Fan", "fan");
        assertThat(discord).isNotEqualToIgnoringCase("Discord Fan").hasSize("Discord Fan".length());
        assertThat(WebhookNames.acceptedByDiscord(discord)).isTrue();
        assertThat(WebhookNames.acceptedByDiscord(WebhookNames.sanitise("clyde", "c"))).isTrue();
        assertThat(WebhookNames.acceptedByDiscord(WebhookNames.sanitise("ClYdE the DISCORD bot", "c"))).isTrue();
        assertThat(WebhookNames.sanitise("everyone", "e")).isEqualTo("everyone (Matrix)");
        assertThat(WebhookNames.sanitise("Here", "h")).isEqualTo("Here (Matrix)");
        assertThat(WebhookNames.sanitise("a```b", "x")).doesNotContain("```");
    }

    @Test
    void spacesAreCollapsedAndInvisibleCharactersDropped() {
        assertThat(WebhookNames.sanitise("  Jean \t\n  Dupont  ", "jean")).isEqualTo("Jean Dupont");
        assertThat(WebhookNames.sanitise("Jean\u200B\u202EDupont", "jean")).isEqualTo("JeanDupont");
    }

    @Test
    void anEmptyNameFallsBackToTheLocalpart() {
        assertThat(WebhookNames.sanitise("", "marie")).isEqualTo("marie");
        assertThat(WebhookNames.sanitise(" \u200B ", "marie")).isEqualTo("marie");
        assertThat(WebhookNames.sanitise(null, "")).isEqualTo("Matrix");
    }

    @Test
    void longNamesAreCutAt80WithoutBreakingASurrogatePair() {
        assertThat(WebhookNames.sanitise("a".repeat(200), "x")).hasSize(80);
        String emoji = "a".repeat(79) + "🌻🌻";
        String cut = WebhookNames.sanitise(emoji, "x");
        assertThat(cut).hasSizeLessThanOrEqualTo(80).isEqualTo("a".repeat(79));
    }
}
