package coop.comptoir.bridge.rocketchat.format;

import static org.assertj.core.api.Assertions.assertThat;

import coop.comptoir.api.id.UserId;
import coop.comptoir.bridge.api.MatrixContent;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RocketMarkdownTest {
    private final RocketText text = new RocketMarkdown();
    private final UserId bobGhost = UserId.of("@_rocketchat_bob1:comptoir.test");

    private static MatrixContent html(String body, String html) {
        return new MatrixContent("m.text", body, Optional.of(html), Set.of());
    }

    @Test
    void rocketMarkdownBecomesMatrixHtml() {
        MatrixContent c = text.toMatrix("*gras* _penché_ ~barré~ `code` [site](https://coop.example) @bob", Map.of("bob", bobGhost));
        assertThat(c.html().orElseThrow()).isEqualTo("<strong>gras</strong> <em>penché</em> <del>barré</del> <code>code</code>"
                + " <a href=\"https://coop.example\">site</a> <a href=\"https://matrix.to/#/@_rocketchat_bob1:comptoir.test\">@bob</a>");
        assertThat(c.body()).isEqualTo("gras penché barré code site (https://coop.example) @bob");
        assertThat(c.mentions()).containsExactly(bobGhost);
        assertThat(text.toMatrix("> cité\nréponse", Map.of()).html().orElseThrow()).isEqualTo("<blockquote>cité</blockquote>réponse");
        assertThat(text.toMatrix("```\nx < y\n```", Map.of()).html().orElseThrow()).isEqualTo("<pre><code>x &lt; y\n</code></pre>");
        assertThat(text.toMatrix("tout simple", Map.of()).html()).isEmpty();
    }

    @Test
    void matrixHtmlBecomesRocketMarkdownWithGhostPillsAsMentions() {
        String out = text.toRocket(html("x", "<p><strong>Gras</strong> et <em>penché</em>, <a href=\"https://matrix.to/#/@_rocketchat_bob1:comptoir.test\">Bob</a>"
                + " et <a href=\"https://matrix.to/#/@carol:comptoir.test\">Carol</a> <a href=\"https://coop.example\">lien</a></p>"),
                u -> u.equals(bobGhost) ? Optional.of("bob") : Optional.empty());
        assertThat(out).isEqualTo("*Gras* et _penché_, @bob et Carol [lien](https://coop.example)");
        assertThat(text.toRocket(html("x", "<blockquote>a</blockquote><pre><code>b\n</code></pre>"), u -> Optional.empty()))
                .isEqualTo("> a\n\n```\nb\n```");
    }

    @Test
    void aControlCharacterCannotHideARoomWideMentionFromTheDefusing() {
        // found by fuzzing: a Matrix client drops NUL from HTML, so "@<NUL>room" showed as "@room"
        MatrixContent c = text.toMatrix("@\u0000room **x** a\u001Bb", Map.of());
        assertThat(org.jsoup.Jsoup.parseBodyFragment(c.html().orElseThrow()).wholeText()).doesNotContainPattern("(?i)@room\\b");
        assertThat(c.body()).isEqualTo("@\u200Broom x ab");
    }

    @Test
    void roomWideMentionsAreDefusedBothWays() {
        assertThat(text.toRocket(MatrixContent.text("@all @here @All regardez"), u -> Optional.empty()))
                .isEqualTo("@\u200Ball @\u200Bhere @\u200BAll regardez");
        assertThat(text.toMatrix("coucou @room", Map.of()).body()).isEqualTo("coucou @\u200Broom");
        assertThat(text.toMatrix("écrivez à alice@all.example", Map.of()).body()).isEqualTo("écrivez à alice@all.example");
    }

    /** Found by the fuzz target's hostile input: Synapse's @room push rule ignores case, so @Room or @ROOM notified the whole room. */
    @Test
    void aRoomMentionInAnyCaseIsDefused() {
        assertThat(text.toMatrix("coucou @Room et @ROOM", Map.of()).body()).isEqualTo("coucou @\u200BRoom et @\u200BROOM");
        assertThat(text.toMatrix("*@rOOm*", Map.of()).html().orElseThrow()).isEqualTo("<strong>@\u200BrOOm</strong>");
    }

    /** Found by fuzzing: markup between "@" and "ROOM" hid it from the defusing, and the HTML read "@ROOM". */
    @Test
    void aRoomMentionSplitByMarkupIsDefusedInTheHtmlToo() {
        String html = text.toMatrix("voir @**ROOM** et @*room* ou @~~ro~~om, pas @roomy", Map.of()).html().orElseThrow();
        assertThat(org.jsoup.Jsoup.parseBodyFragment(html).wholeText()).doesNotContainPattern("(?i)@room\\b").contains("@roomy");
    }

    /** Found by the fuzz target's hostile input: a Matrix link to javascript: or data: became a clickable markdown link on Rocket.Chat. */
    @Test
    void onlyWebAndMailLinksCrossToRocketChat() {
        String out = text.toRocket(html("x", "<a href=\"javascript:alert(1)\">clic</a> <a href=\" DATA:text/html,x\">d</a>"
                + " <a href=\"mailto:bureau@coop.example\">écrire</a> <a href=\"https://coop.example\">site</a>"), u -> Optional.empty());
        assertThat(out).isEqualTo("clic d [écrire](mailto:bureau@coop.example) [site](https://coop.example)");
    }

    /** Found by fuzzing: "https:// " became a link to "https://", which leads nowhere. */
    @Test
    void aLinkWithNothingAfterItsSchemeCrossesAsItsText() {
        String out = text.toRocket(html("x", "<a href=\"https:// \">lien</a> <a href=\"mailto:\">écrire</a> <a href=\"http://a\">a</a>"),
                u -> Optional.empty());
        assertThat(out).isEqualTo("lien écrire [a](http://a)");
    }

    /** Found by fuzzing: a line break in an address ended the markdown link in the middle. */
    @Test
    void anAddressWithSpacesOrLineBreaksStaysOneLink() {
        String out = text.toRocket(html("x", "<a href=\"https://coop.example/a b\nc(d)\">lien</a>"), u -> Optional.empty());
        assertThat(out).isEqualTo("[lien](https://coop.example/a%20b%0Ac%28d%29)");
    }
}
