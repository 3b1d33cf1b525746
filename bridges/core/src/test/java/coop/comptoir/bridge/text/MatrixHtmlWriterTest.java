package coop.comptoir.bridge.text;

import static org.assertj.core.api.Assertions.assertThat;

import coop.comptoir.bridge.text.RichNode.Style;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What a Matrix user sees of a tree: body, HTML, pills and mentions, and nothing unsafe. */
class MatrixHtmlWriterTest {
    private final MatrixHtmlWriter writer = new MatrixHtmlWriter(MatrixRoundTripTest.DIRECTORY);

    @Test
    void aControlCharacterCannotHideARoomMentionFromTheDefusing() {
        // found by fuzzing: a Matrix client drops NUL from HTML, so "@<NUL>room" showed as "@room"
        MatrixMarkup out = writer.write(RichText.of(new RichNode.Styled(RichNode.Style.BOLD, List.of(new RichNode.Text("@\u0000room"))),
                new RichNode.Text(" a\u001Bb\tc")));
        assertThat(out.body()).isEqualTo("@\u2060room ab\tc");
        assertThat(org.jsoup.Jsoup.parseBodyFragment(out.html()).wholeText()).isEqualTo("@\u2060room ab\tc");
    }

    @Test
    void aLineBreakOrSpaceInALinkAddressIsPercentEncodedInTheHtml() {
        // found by fuzzing: Discord's <…> link may span lines, and the address went into href as it was
        MatrixMarkup out = writer.write(RichText.of(new RichNode.Link("https://x.example/a\n```\n[b](c d\u2028", List.of(new RichNode.Text("lien")))));

        org.jsoup.nodes.Element a = org.jsoup.Jsoup.parseBodyFragment(out.html()).selectFirst("a");
        assertThat(a.attr("href")).isEqualTo("https://x.example/a%0A```%0A[b](c%20d%E2%80%A8");
    }

    @Test
    void plainTextHasNoHtml() {
        MatrixMarkup out = writer.write(RichText.of(new RichNode.Text("a <b> & c"), new RichNode.LineBreak(),
                new RichNode.Text("d"), new RichNode.Link("https://example.org", List.of())));

        assertThat(out.body()).isEqualTo("a <b> & c\ndhttps://example.org");
        assertThat(out.html()).isNull();
        assertThat(out.mentions()).isEmpty();
    }

    @Test
    void stylesAndBlocks() {
        MatrixMarkup out = writer.write(RichText.of(
                new RichNode.Heading(2, List.of(new RichNode.Text("Titre"))),
                new RichNode.Paragraph(List.of(new RichNode.Styled(Style.BOLD, List.of(new RichNode.Text("gras"))),
                        new RichNode.Text(" "), new RichNode.Styled(Style.SPOILER, List.of(new RichNode.Text("secret"))))),
                new RichNode.Quote(List.of(new RichNode.Text("cité"), new RichNode.LineBreak(), new RichNode.Text("deux"))),
                new RichNode.ListBlock(true, 2, List.of(List.of(new RichNode.Text("a")), List.of(new RichNode.Text("b"))))));

        assertThat(out.html()).isEqualTo("<h2>Titre</h2><p><strong>gras</strong> <span data-mx-spoiler>secret</span></p>"
                + "<blockquote>cité<br>deux</blockquote><ol start=\"2\"><li>a</li><li>b</li></ol>");
        assertThat(out.body()).isEqualTo("Titre\ngras [spoiler]\n> cité\n> deux\n2. a\n3. b");
    }

    @Test
    void remoteMentionsAreResolvedThroughTheDirectory() {
        MatrixMarkup out = writer.write(RichText.of(RichNode.UserMention.remote("111"), new RichNode.Text(" "),
                RichNode.UserMention.remote("999"), new RichNode.Text(" "), RichNode.RoomMention.remote("500"),
                new RichNode.Text(" "), RichNode.RoomMention.remote("501"), new RichNode.Text(" "),
                RichNode.RoomMention.remote("502")));

        assertThat(out.html()).isEqualTo("<a href=\"https://matrix.to/#/@_remote_111:example.org\">Alice</a> @999 "
                + "<a href=\"https://matrix.to/#/#general:example.org\">#général</a> #random #502");
        assertThat(out.body()).isEqualTo("Alice @999 #général #random #502");
        assertThat(out.mentions()).containsExactly(MatrixRoundTripTest.ALICE);
    }

    @Test
    void everyoneMentionsNeverReachTheRoom() {
        MatrixMarkup out = writer.write(RichText.of(new RichNode.EveryoneMention("room"), new RichNode.Text(" "),
                new RichNode.EveryoneMention("all"), new RichNode.Text(" et @Room aussi "),
                new RichNode.Styled(Style.BOLD, List.of(new RichNode.Text("@room")))));

        assertThat(out.body()).doesNotContainPattern("(?i)@room").contains("@\u2060room", "@all", "@\u2060Room");
        assertThat(out.html()).doesNotContainPattern("(?i)@room");
        assertThat(out.mentions()).isEmpty();
    }

    @Test
    void aDisplayNameCannotInjectHtmlOrPingTheRoom() {
        MentionDirectory sneaky = new MentionDirectory() {
            @Override
            public Optional<MatrixUser> matrixUser(String remoteUserId) {
                return Optional.of(new MatrixUser(MatrixRoundTripTest.ALICE, "@room <b>x</b>"));
            }
        };
        MatrixMarkup out = new MatrixHtmlWriter(sneaky).write(RichText.of(RichNode.UserMention.remote("1")));

        assertThat(out.html()).doesNotContain("<b>").doesNotContainPattern("(?i)@room");
        assertThat(out.body()).doesNotContainPattern("(?i)@room");
    }

    @Test
    void onlyWebLinksAndMxcImagesAreWritten() {
        MatrixMarkup out = writer.write(RichText.of(
                new RichNode.Link("javascript:alert(1)", List.of(new RichNode.Text("clic"))), new RichNode.Text(" "),
                new RichNode.Link("data:text/html,x", List.of()), new RichNode.Text(" "),
                new RichNode.Emoji(":x:", "https://evil.example/x.png", null), new RichNode.Text(" "),
                new RichNode.Styled(Style.ITALIC, List.of(new RichNode.Text("\" onclick=\"x")))));

        assertThat(out.html()).doesNotContain("href", "src", "javascript:alert(1)\"", "\" onclick");
        assertThat(out.body()).isEqualTo("clic data:text/html,x :x: \" onclick=\"x");
        MatrixRoundTripTest.assertSafe(out.html());
    }

    @Test
    void aFailingDirectoryMeansUnknown() {
        MentionDirectory broken = new MentionDirectory() {
            @Override
            public Optional<MatrixUser> matrixUser(String remoteUserId) {
                throw new IllegalStateException("cache down");
            }

            @Override
            public Optional<MatrixRoom> matrixRoom(String remoteChannelId) {
                return null;
            }
        };
        MatrixMarkup out = new MatrixHtmlWriter(broken).write(RichText.of(RichNode.UserMention.remote("1"),
                new RichNode.Text(" "), RichNode.RoomMention.remote("2")));

        assertThat(out.body()).isEqualTo("@1 #2");
        assertThat(out.html()).isNull();
    }
}
