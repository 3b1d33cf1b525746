package coop.comptoir.bridge.discord.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.Random;
import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/** Hostile or random input: no exception, and only safe HTML comes out. */
class RobustnessTest {
    private static final Set<String> ALLOWED_TAGS = Set.of("#root", "html", "head", "body", "strong", "em", "u", "del", "span",
            "code", "pre", "blockquote", "a", "ul", "ol", "li", "h1", "h2", "h3", "sub", "br", "img");
    private static final String PIECES = "**|__|_|*|~~|||`|```|> |>>> |# |-# |- |1. |\\|\n|\n\n| |a|é|🎉|<@111>|<#500>|<@&700>"
            + "|<:party:900>|<t:1|<t:170000:R>|[x](https://e.org/a_b)|https://e.org/x_y|<https://e.org>|@room|@everyone"
            + "|<script>|javascript:|\"|'|&|<|>|(|)|[|]";

    private static final Random random = new Random(20240917L);

    @RepeatedTest(40)
    void randomMarkdownConvertsSafely() {
        String[] pieces = PIECES.split("\\|", -1);
        StringBuilder sb = new StringBuilder();
        int n = random.nextInt(200);
        for (int i = 0; i < n; i++) {
            sb.append(pieces[random.nextInt(pieces.length)]);
        }
        String source = sb.toString();

        MatrixText out = Fixtures.TO_MATRIX.convert(source);

        assertThat(out.body()).doesNotContainPattern("(?i)@room\\b");
        if (out.formattedBody() != null) {
            assertSafe(out.formattedBody());
        }
        assertThatCode(() -> Fixtures.TO_DISCORD.convert(out)).doesNotThrowAnyException();
        assertNoMassMention(Fixtures.TO_DISCORD.convert(out).content());
    }

    @RepeatedTest(20)
    void randomHtmlConvertsSafely() {
        String[] tags = {"<b>", "</b>", "<em>", "</em>", "<pre><code>", "</code></pre>", "<blockquote>", "</blockquote>",
                "<ul><li>", "</li></ul>", "<a href=\"javascript:x\">", "<a href=\"https://e.org/(a)\">", "</a>", "<br>",
                "<span data-mx-spoiler>", "</span>", "<h2>", "</h2>", "texte ", "*", "_", "`", "@here", "<mx-reply>", "</mx-reply>",
                "<img src=x>", "<table><tr><td>", "&lt;", "\n", "<p>", "</p>", "<ol start=\"-5\"><li>", "<ol start=\"x\"><li>"};
        StringBuilder sb = new StringBuilder();
        int n = random.nextInt(120);
        for (int i = 0; i < n; i++) {
            sb.append(tags[random.nextInt(tags.length)]);
        }
        DiscordText out = Fixtures.TO_DISCORD.convert(MatrixText.ofContent("x", MatrixText.HTML_FORMAT, sb.toString(), null));
        assertNoMassMention(out.content());
        assertThat(out.split()).allSatisfy(p -> assertThat(p.content().length()).isLessThanOrEqualTo(2000));
    }

    @Test
    void deepNestingAndLongRunsDoNotBlowUp() {
        String[] sources = {
            "**".repeat(3000), "||".repeat(3000), "*a ".repeat(2000), "_".repeat(4000), "`".repeat(4000),
            "> ".repeat(2000), "- ".repeat(2000), "[".repeat(2000) + "](https://e.org)", "**__~~||*".repeat(500) + "x"
                    + "*||~~__**".repeat(500), "\\".repeat(4001), "<t:99999999999999999999>", "<t:-999999999999999:F>",
        };
        for (String source : sources) {
            assertThatCode(() -> {
                MatrixText out = Fixtures.TO_MATRIX.convert(source);
                if (out.formattedBody() != null) {
                    assertSafe(out.formattedBody());
                }
            }).as(source.substring(0, 20)).doesNotThrowAnyException();
        }
        String html = "<b><i><u><del>".repeat(3000) + "x" + "<blockquote><ul><li>".repeat(2000);
        assertThatCode(() -> Fixtures.TO_DISCORD.convert(MatrixText.ofContent("x", MatrixText.HTML_FORMAT, html, null)))
                .doesNotThrowAnyException();
    }

    @Test
    void nullsAndBlanks() {
        assertThat(Fixtures.TO_MATRIX.convert(null).body()).isEmpty();
        assertThat(Fixtures.TO_DISCORD.convert(null).content()).isEmpty();
        assertThat(Fixtures.TO_DISCORD.convert(new MatrixText(null, "", null)).content()).isEmpty();
        assertThat(Fixtures.TO_DISCORD.convert(MatrixText.ofContent("*plain*", "text/markdown", "<b>ignored</b>", null)).content())
                .isEqualTo("\\*plain\\*");
    }

    /** Nowhere, not even in code, does the text hold a mass mention. */
    private static void assertNoMassMention(String content) {
        assertThat(content).doesNotContainPattern("(?i)@(everyone|here)");
    }

    private static void assertSafe(String html) {
        for (Element e : Jsoup.parseBodyFragment(html).getAllElements()) {
            assertThat(ALLOWED_TAGS).as("tag in %s", html).contains(e.normalName());
            if (e.hasAttr("href")) {
                assertThat(e.attr("href")).as("href in %s", html).matches("https?://.+");
            }
            e.attributes().forEach(a -> assertThat(a.getKey()).isIn("href", "class", "start", "data-mx-spoiler",
                    "data-mx-emoticon", "src", "alt", "title", "height"));
        }
    }
}
