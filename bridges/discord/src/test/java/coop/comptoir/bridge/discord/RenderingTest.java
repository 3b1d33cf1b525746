package coop.comptoir.bridge.discord;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RenderingTest {
    @Test
    void stickersAndRichEmbedsBecomeReadableLines() {
        String md = Rendering.markdown("Regardez", List.of("Wave"), List.of(new Rendering.Embed("Bot coop", "Réunion",
                "https://coop.example/r", "Jeudi 19 h\nSalle 2", List.of(new Rendering.Field("Lieu", "Local")), "Rappel")));
        assertThat(md).isEqualTo("""
                Regardez
                [sticker: Wave]
                > Bot coop
                > **[Réunion](https://coop.example/r)**
                > Jeudi 19 h
                > Salle 2
                > **Lieu**: Local
                > _Rappel_""");
        assertThat(Rendering.markdown("", List.of(), List.of())).isEmpty();
        assertThat(Rendering.markdown(null, List.of("Hi"), List.of())).isEqualTo("[sticker: Hi]");
    }

    @Test
    void aReplyLineNamesTheAuthorQuotesTheStartAndLinksBack() {
        String url = Rendering.jumpUrl("1", "2", "3");
        assertThat(url).isEqualTo("https://discord.com/channels/1/2/3");
        assertThat(Rendering.replyLine("Alice", "Qui ferme ?\nsuite", url))
                .isEqualTo("> \u21AA **Alice**: Qui ferme ? [\u2197](https://discord.com/channels/1/2/3)");
        assertThat(Rendering.replyLine(null, null, url)).isEqualTo("> \u21AA [\u2197](https://discord.com/channels/1/2/3)");
    }

    @Test
    void excerptsAreShortSkipQuotesAndNeverPing() {
        assertThat(Rendering.excerpt("> cité\nLe vrai début", 80)).isEqualTo("Le vrai début");
        assertThat(Rendering.excerpt("x".repeat(200), 10)).hasSize(10).endsWith("\u2026");
        assertThat(Rendering.excerpt("@everyone venez", 80)).doesNotContain("@everyone");
    }

    @Test
    void onlyEmojiReactionsAreCarried() {
        assertThat(Rendering.looksLikeEmoji("👍")).isTrue();
        assertThat(Rendering.looksLikeEmoji("👍🏽")).isTrue();
        assertThat(Rendering.looksLikeEmoji("1\uFE0F\u20E3")).isTrue();
        assertThat(Rendering.looksLikeEmoji("+1")).isFalse();
        assertThat(Rendering.looksLikeEmoji("mxc://example.org/abc")).isFalse();
        assertThat(Rendering.looksLikeEmoji("d'accord")).isFalse();
        assertThat(Rendering.looksLikeEmoji("")).isFalse();
    }

    @Test
    void theReplyLineOfAPostedMessageIsFoundAgain() {
        assertThat(Rendering.leadingReplyLine("> \u21AA **A**: x [\u2197](u)\nla suite")).isEqualTo("> \u21AA **A**: x [\u2197](u)");
        assertThat(Rendering.leadingReplyLine("> une citation\nrien")).isEmpty();
        assertThat(Rendering.leadingReplyLine(null)).isEmpty();
    }
}
