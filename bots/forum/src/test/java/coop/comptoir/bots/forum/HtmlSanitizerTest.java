package coop.comptoir.bots.forum;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HtmlSanitizerTest {
    private final HtmlSanitizer s = new HtmlSanitizer("https://forum.example.coop/");

    @Test
    void aLinkHoldingTwoImagesIsAnnouncedAsOneLink() {
        // found by fuzzing: the second image had gone with the link the first one rewrote
        HtmlSanitizer.Safe safe = s.clean("<p><a href=\"/album\"><img src=\"/a.png\" alt=\"a\"><img src=\"/b.png\"></a> fin</p>");
        assertThat(safe.html()).contains("href=\"https://forum.example.coop/album\"").contains("🖼 a").contains("fin");
    }

    @Test
    void aLinkReopenedInEveryListItemDoesNotMakeTheExcerptLongerThanAsked() {
        // found by fuzzing: an unclosed link around list items is re-opened by the HTML parser in
        // each item, and its address was repeated in the text once per item
        String cooked = "<p><a href=\"/" + "x".repeat(3_000) + "\">lien" + "<li>un".repeat(200) + "</p>";
        HtmlSanitizer.Safe safe = s.excerpt(cooked, 500);
        String shown = org.jsoup.Jsoup.parseBodyFragment(safe.html()).text();
        assertThat(shown.length()).isLessThanOrEqualTo(502);
        assertThat(shown).startsWith("lien");
        assertThat(safe.text().length()).isLessThanOrEqualTo(500 + HtmlSanitizer.MAX_LINK_TEXT);
    }

    @Test
    void aLinkWithALineSeparatorInsideIsSentPercentEncoded() {
        // found by fuzzing: a line separator (U+2028) or a NEL (U+0085) inside an href stayed raw
        HtmlSanitizer.Safe safe = s.clean("<p><a href=\"/a\u2028b\u0085c d\">lien</a></p>");
        assertThat(safe.html()).contains("href=\"https://forum.example.coop/a%E2%80%A8b%C2%85c%20d\"");
    }

    @Test
    void keepsTheFormattingMatrixClientsRender() {
        HtmlSanitizer.Safe r = s.clean("<h2>Livraison</h2><p>Les <strong>légumes</strong> arrivent <em>jeudi</em>.</p>"
                + "<ul><li>carottes</li><li>poireaux</li></ul><blockquote><p>cité</p></blockquote><pre><code>x = 1</code></pre>");
        assertThat(r.html()).isEqualTo("<h2>Livraison</h2><p>Les <strong>légumes</strong> arrivent <em>jeudi</em>.</p>"
                + "<ul><li>carottes</li><li>poireaux</li></ul><blockquote><p>cité</p></blockquote><pre><code>x = 1</code></pre>");
        assertThat(r.text()).contains("Livraison\n", "Les légumes arrivent jeudi.", "• carottes\n• poireaux", "x = 1");
    }

    @Test
    void removesScriptsHandlersFramesStylesAndDangerousLinks() {
        HtmlSanitizer.Safe r = s.clean("<p onclick=\"steal()\" class=\"x\" style=\"color:red\">salut"
                + "<script>alert(1)</script><style>p{}</style></p><iframe src=\"https://evil.example\"></iframe>"
                + "<img src=\"x\" onerror=\"alert(2)\"><a href=\"javascript:alert(3)\">clic</a>"
                + "<a href=\"data:text/html,<script>alert(4)</script>\">data</a><svg onload=\"alert(5)\"></svg>"
                + "<form action=\"/x\"><input name=\"a\"></form>");
        assertThat(r.html()).doesNotContainIgnoringCase("script").doesNotContainIgnoringCase("onerror")
                .doesNotContainIgnoringCase("onclick").doesNotContainIgnoringCase("javascript:")
                .doesNotContainIgnoringCase("iframe").doesNotContainIgnoringCase("style").doesNotContainIgnoringCase("data:")
                .doesNotContainIgnoringCase("svg").doesNotContainIgnoringCase("onload").doesNotContainIgnoringCase("form")
                .doesNotContain("alert");
        assertThat(r.html()).contains("salut", "clic");
        assertThat(r.text()).doesNotContain("alert");
    }

    @Test
    void linksAreAbsoluteAndLimitedToWebAndMail() {
        HtmlSanitizer.Safe r = s.clean("<p><a href=\"/t/pain/12\">pain</a> <a href=\"mailto:bureau@example.coop\">écrire</a>"
                + " <a href=\"ftp://x\">ftp</a></p>");
        assertThat(r.html()).contains("href=\"https://forum.example.coop/t/pain/12\"", "href=\"mailto:bureau@example.coop\"")
                .doesNotContain("ftp://");
        assertThat(r.text()).contains("pain (https://forum.example.coop/t/pain/12)");
    }

    @Test
    void imagesBecomeLinks() {
        HtmlSanitizer.Safe r = s.clean("<p><img src=\"/uploads/pommes.jpg\" alt=\"pommes\"></p>"
                + "<div class=\"lightbox-wrapper\"><a class=\"lightbox\" href=\"https://forum.example.coop/uploads/big.png\">"
                + "<img src=\"/uploads/small.png\" alt=\"étal\"><div class=\"meta\"></div></a></div>");
        assertThat(r.html()).contains("<a href=\"https://forum.example.coop/uploads/pommes.jpg\">🖼 pommes</a>")
                .contains("<a href=\"https://forum.example.coop/uploads/big.png\">🖼 étal</a>")
                .doesNotContain("<img");
    }

    @Test
    void emojiStayText() {
        HtmlSanitizer.Safe r = s.clean("<p>merci <img src=\"/images/emoji/twitter/heart.png?v=12\" title=\":heart:\" "
                + "class=\"emoji\" alt=\":heart:\" loading=\"lazy\"></p>");
        assertThat(r.html()).isEqualTo("<p>merci :heart:</p>");
    }

    @Test
    void excerptsAreCutWithAnEllipsis() {
        String longText = "mot ".repeat(400);
        HtmlSanitizer.Safe r = s.excerpt("<p>" + longText + "</p><p>suite</p><ul><li>x</li></ul>", 100);
        assertThat(r.text().length()).isLessThan(120);
        assertThat(r.text()).endsWith("…").doesNotContain("suite");
        assertThat(r.html()).startsWith("<p>mot mot").endsWith("…</p>").doesNotContain("<ul>");
    }

    @Test
    void linksCarryOnlyTheAttributesMatrixClientsAllow() {
        HtmlSanitizer.Safe r = s.excerpt("<p><a href=\"https://e.org\" rel=\"nofollow\" target=\"_blank\" title=\"t\">x</a>"
                + " <img src=\"/uploads/a.png\" alt=\"a\"></p>", 500);
        org.jsoup.Jsoup.parseBodyFragment(r.html()).select("a").forEach(a -> assertThat(a.attributes().asList())
                .extracting(org.jsoup.nodes.Attribute::getKey).containsExactly("href"));
    }
}
