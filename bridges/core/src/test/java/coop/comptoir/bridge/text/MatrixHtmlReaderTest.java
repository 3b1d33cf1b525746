package coop.comptoir.bridge.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import coop.comptoir.bridge.text.RichNode.Style;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the model keeps of a Matrix formatted_body, and what it drops. */
class MatrixHtmlReaderTest {
    private final MatrixHtmlReader reader = new MatrixHtmlReader(MatrixRoundTripTest.DIRECTORY);

    private List<RichNode> read(String html) {
        return RichTrees.canonical(reader.read(html)).nodes();
    }

    @Test
    void pillsBecomeMentionsWithTheirRemoteSide() {
        assertThat(read("<a href=\"https://matrix.to/#/@_remote_111:example.org\">Alice</a> "
                + "<a href=\"https://matrix.to/#/%40bob%3Aexample.org\">B</a> "
                + "<a href=\"matrix:r/general:example.org\">#général</a>")).containsExactly(
                new RichNode.UserMention(MatrixRoundTripTest.ALICE, "111", "Alice"), new RichNode.Text(" "),
                new RichNode.UserMention(MatrixRoundTripTest.BOB, null, "Bob"), new RichNode.Text(" "),
                new RichNode.RoomMention("#general:example.org", "500", "#général"));
    }

    @Test
    void unsafeAndUnknownMarkupGivesItsTextOnly() {
        assertThat(read("<a href=\"javascript:alert(1)\">clic</a> <script>alert(2)</script><style>b{}</style>"
                + "<font color=red>rouge</font> <marquee>défile</marquee>")).containsExactly(new RichNode.Text("clic rouge défile"));
    }

    @Test
    void replyFallbackIsDropped() {
        assertThat(read("<mx-reply><blockquote>vieux</blockquote></mx-reply>nouveau")).containsExactly(new RichNode.Text("nouveau"));
    }

    @Test
    void whiteSpaceCollapsesButCodeKeepsIt() {
        assertThat(read("a \n\t b<pre><code class=\"language-sh\">ls  -l\n\ncd\n</code></pre>")).containsExactly(
                new RichNode.Text("a b"), new RichNode.CodeBlock("sh", "ls  -l\n\ncd"));
    }

    @Test
    void emoticonsAndImages() {
        assertThat(read("<img data-mx-emoticon src=\"mxc://example.org/party\" alt=\":party:\">"
                + "<img src=\"mxc://example.org/photo\" alt=\"photo\"><img src=\"mxc://example.org/x\">")).containsExactly(
                new RichNode.Emoji(":party:", "mxc://example.org/party", ":party:"), new RichNode.Text("photo(image)"));
    }

    @Test
    void linksWhoseTextIsTheirAddressAreBare() {
        assertThat(read("<a href=\"https://example.org/\">https://example.org</a> <a href=\"https://e.org\"><b>ici</b></a>"))
                .containsExactly(new RichNode.Link("https://example.org/", List.of()), new RichNode.Text(" "),
                        new RichNode.Link("https://e.org", List.of(new RichNode.Styled(Style.BOLD, List.of(new RichNode.Text("ici"))))));
    }

    @Test
    void plainBodyIsLiteralLines() {
        assertThat(MatrixHtmlReader.readPlain("*a*\n\n<b>").nodes()).containsExactly(new RichNode.Text("*a*"),
                new RichNode.LineBreak(), new RichNode.LineBreak(), new RichNode.Text("<b>"));
    }

    @Test
    void hostileHtmlNeverThrows() {
        String deep = "<b><i><u><del>".repeat(3000) + "x" + "<blockquote><ul><li>".repeat(2000);
        assertThatCode(() -> reader.read(deep)).doesNotThrowAnyException();
        assertThatCode(() -> new MatrixHtmlWriter(MentionDirectory.NONE).write(reader.read(deep))).doesNotThrowAnyException();
        assertThat(reader.read(null).isEmpty()).isTrue();
        assertThat(read("<ol start=\"x\"><li>a</li></ol>")).containsExactly(
                new RichNode.ListBlock(true, 1, List.of(List.of(new RichNode.Text("a")))));
    }
}
