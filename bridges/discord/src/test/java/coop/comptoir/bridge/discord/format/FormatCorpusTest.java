package coop.comptoir.bridge.discord.format;

import static org.assertj.core.api.Assertions.assertThat;

import coop.comptoir.api.id.UserId;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every case of format-corpus.txt: exact output, round trips, stability. */
class FormatCorpusTest {
    static List<FormatCorpus.Case> cases() {
        return FormatCorpus.load();
    }

    static Stream<FormatCorpus.Case> m2d() {
        return cases().stream().filter(c -> c.direction().equals("m2d"));
    }

    static Stream<FormatCorpus.Case> d2m() {
        return cases().stream().filter(c -> c.direction().equals("d2m"));
    }

    @Test
    void corpusIsBigEnough() {
        assertThat(cases()).hasSizeGreaterThanOrEqualTo(60);
        assertThat(cases()).extracting(FormatCorpus.Case::direction).containsOnly("m2d", "d2m");
        assertThat(cases().stream().map(FormatCorpus.Case::toString).distinct().count()).isEqualTo(cases().size());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("m2d")
    void matrixToDiscord(FormatCorpus.Case c) {
        DiscordText out = Fixtures.TO_DISCORD.convert(matrixInput(c));

        assertThat(out.content()).as("content").isEqualTo(c.get("discord"));
        assertThat(out.userIds()).as("allowed_mentions.users").containsExactlyInAnyOrderElementsOf(words(c.get("users")));
        assertThat(out.allowedMentionsParse()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("d2m")
    void discordToMatrix(FormatCorpus.Case c) {
        MatrixText out = Fixtures.TO_MATRIX.convert(c.get("discord"));

        assertThat(out.body()).as("body").isEqualTo(c.get("body"));
        assertThat(out.formattedBody()).as("formatted_body").isEqualTo(c.get("html"));
        assertThat(out.format()).isEqualTo(c.get("html") == null ? null : "org.matrix.custom.html");
        assertThat(out.mentions()).as("m.mentions.user_ids")
                .containsExactlyInAnyOrderElementsOf(words(c.get("mentions")).stream().map(UserId::of).toList());
        assertThat(out.roomMention()).isFalse();
    }

    /** Matrix to Discord and back: the HTML (or, without formatting, the text) comes back. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("m2d")
    void matrixRoundTrip(FormatCorpus.Case c) {
        MatrixText in = matrixInput(c);
        DiscordText discord = Fixtures.TO_DISCORD.convert(in);
        MatrixText back = Fixtures.TO_MATRIX.convert(discord.content());

        if (c.has("rt")) {
            if (in.formattedBody() == null) {
                assertThat(back.formattedBody()).isNull();
                assertThat(back.body()).isEqualTo(in.body());
            } else {
                String html = back.formattedBody() != null ? back.formattedBody() : coop.comptoir.bridge.text.MatrixHtmlWriter.escape(back.body()).replace("\n", "<br>");
                assertThat(normalise(html)).isEqualTo(normalise(in.formattedBody()));
            }
        }
        if (!c.has("lossy")) {
            assertThat(Fixtures.TO_DISCORD.convert(back).content()).as("stable").isEqualTo(discord.content());
        }
    }

    /** Discord to Matrix and back: the same markdown comes back. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("d2m")
    void discordRoundTrip(FormatCorpus.Case c) {
        MatrixText matrix = Fixtures.TO_MATRIX.convert(c.get("discord"));
        String back = Fixtures.TO_DISCORD.convert(matrix).content();

        if (c.has("rt")) {
            assertThat(back).isEqualTo(c.get("discord"));
        }
        if (!c.has("lossy")) {
            MatrixText again = Fixtures.TO_MATRIX.convert(back);
            assertThat(again.body()).as("stable body").isEqualTo(matrix.body());
            assertThat(again.formattedBody()).as("stable html").isEqualTo(matrix.formattedBody());
        }
    }

    private static MatrixText matrixInput(FormatCorpus.Case c) {
        String mentions = c.get("mentions");
        Set<UserId> users = mentions == null ? null
                : words(mentions.equals("none") ? null : mentions).stream().map(UserId::of).collect(Collectors.toSet());
        return MatrixText.ofContent(c.get("body"), c.get("html") == null ? null : "org.matrix.custom.html", c.get("html"), users);
    }

    private static Set<String> words(String s) {
        if (s == null || s.isBlank()) {
            return Set.of();
        }
        return new LinkedHashSet<>(Arrays.asList(s.trim().split("\\s+")));
    }

    /** White space collapsed, and dropped next to tags; paragraph tags and attribute quirks evened out. */
    static String normalise(String html) {
        return html.replaceAll("\\s+", " ")
                .replaceAll(" ?(<[^>]+>) ?", "$1")
                .replace("<span data-mx-spoiler=\"\">", "<span data-mx-spoiler>")
                .trim();
    }
}
