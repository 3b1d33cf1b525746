package coop.comptoir.bridge.text;

import static org.assertj.core.api.Assertions.assertThat;

import coop.comptoir.api.id.UserId;
import java.util.List;
import java.util.Optional;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

/** Model to Matrix HTML and back gives the same model, over random and hand-made trees. */
class MatrixRoundTripTest {
    static final UserId ALICE = UserId.of("@_remote_111:example.org");
    static final UserId BOB = UserId.of("@bob:example.org");

    static final MentionDirectory DIRECTORY = new MentionDirectory() {
        @Override
        public Optional<String> remoteUser(UserId user) {
            return user.equals(ALICE) ? Optional.of("111") : Optional.empty();
        }

        @Override
        public Optional<MatrixUser> matrixUser(String remoteUserId) {
            return remoteUserId.equals("111") ? Optional.of(new MatrixUser(ALICE, "Alice")) : Optional.empty();
        }

        @Override
        public Optional<String> displayName(UserId user) {
            return user.equals(BOB) ? Optional.of("Bob") : Optional.empty();
        }

        @Override
        public Optional<String> remoteChannel(String roomIdOrAlias) {
            return roomIdOrAlias.equals("#general:example.org") ? Optional.of("500") : Optional.empty();
        }

        @Override
        public Optional<MatrixRoom> matrixRoom(String remoteChannelId) {
            return switch (remoteChannelId) {
                case "500" -> Optional.of(new MatrixRoom("général", "#general:example.org"));
                case "501" -> Optional.of(new MatrixRoom("random", null));
                default -> Optional.empty();
            };
        }

        @Override
        public Optional<String> remoteEmoji(String mxcUri) {
            return mxcUri.equals("mxc://example.org/party") ? Optional.of(":party:") : Optional.empty();
        }
    };

    static final List<RichNode> USERS = List.of(new RichNode.UserMention(ALICE, "111", "Alice"),
            new RichNode.UserMention(BOB, null, "Bob"));
    static final List<RichNode> ROOMS = List.of(new RichNode.RoomMention("#general:example.org", "500", "#général"),
            new RichNode.RoomMention("!abc:example.org", null, "#abc"));
    static final List<RichNode> EMOJI = List.of(new RichNode.Emoji(":party:", "mxc://example.org/party", ":party:"),
            new RichNode.Emoji(":blob:", "mxc://example.org/blob", null));

    private final MatrixHtmlWriter writer = new MatrixHtmlWriter(DIRECTORY);
    private final MatrixHtmlReader reader = new MatrixHtmlReader(DIRECTORY);

    @RepeatedTest(300)
    void randomTreesComeBack(RepetitionInfo run) {
        RichText tree = new RichTrees.MatrixShapes(run.getCurrentRepetition(), USERS, ROOMS, EMOJI).text();

        MatrixMarkup html = writer.write(tree);

        assertThat(html.html()).as("formatted").isNotNull();
        assertThat(RichTrees.canonical(reader.read(html.html()))).as(html.html()).isEqualTo(tree);
        assertSafe(html.html());
    }

    @Test
    void handMadeTreesComeBack() {
        List<RichText> trees = List.of(
                RichText.of(new RichNode.Paragraph(List.of(new RichNode.Text("a "),
                        new RichNode.Styled(RichNode.Style.BOLD, List.of(new RichNode.Styled(RichNode.Style.ITALIC,
                                List.of(new RichNode.Text("b"))))), new RichNode.LineBreak(), new RichNode.Text("c")))),
                RichText.of(new RichNode.Quote(List.of(new RichNode.Text("cité"),
                        new RichNode.Quote(List.of(new RichNode.Text("dedans")))))),
                RichText.of(new RichNode.ListBlock(true, 3, List.of(
                        List.of(new RichNode.Text("trois")),
                        List.of(new RichNode.Text("quatre"), new RichNode.ListBlock(false, 1, List.of(List.of(new RichNode.Text("x")))))))),
                RichText.of(new RichNode.CodeBlock("py", "print('<b>')\n\nx = 1")),
                RichText.of(new RichNode.Text("voir "), new RichNode.Link("https://example.org", List.of(new RichNode.Text("ici")))),
                RichText.of(new RichNode.Styled(RichNode.Style.SPOILER, List.of(new RichNode.Text("fin du film")))));
        for (RichText tree : trees) {
            MatrixMarkup html = writer.write(tree);
            assertThat(RichTrees.canonical(reader.read(html.html()))).as(html.html()).isEqualTo(tree);
        }
    }

    /** Only the allow-listed tags and attributes, only web links and mxc images. */
    static void assertSafe(String html) {
        for (Element e : Jsoup.parseBodyFragment(html).getAllElements()) {
            assertThat(e.normalName()).as("tag in %s", html).isIn("#root", "html", "head", "body", "strong", "em", "u",
                    "del", "span", "code", "pre", "blockquote", "a", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6",
                    "sub", "br", "img", "p", "div", "hr", "table", "tbody", "tr", "td");
            if (e.hasAttr("href")) {
                assertThat(e.attr("href")).as("href in %s", html).matches("https?://.+");
            }
            if (e.hasAttr("src")) {
                assertThat(e.attr("src")).as("src in %s", html).startsWith("mxc://");
            }
            e.attributes().forEach(a -> assertThat(a.getKey()).isIn("href", "class", "start", "data-mx-spoiler",
                    "data-mx-emoticon", "src", "alt", "title", "height"));
        }
    }
}
