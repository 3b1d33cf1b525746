package coop.comptoir.bridge.discord.format;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import coop.comptoir.api.id.UserId;
import coop.comptoir.bridge.text.MatrixHtmlReader;
import coop.comptoir.bridge.text.MatrixHtmlWriter;
import coop.comptoir.bridge.text.MatrixLinks;
import coop.comptoir.bridge.text.MatrixMarkup;
import coop.comptoir.bridge.text.RichText;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Attribute;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzzing of the Discord text mapping, both ways, through the engine's rich text
 * model. The reader and writer are called directly, not through {@link MatrixToDiscord} and
 * {@link DiscordToMatrix}: those fall back on the plain body when a conversion throws (even a
 * {@code StackOverflowError}), which would hide a crash from the fuzzer.
 *
 * <ul>
 *   <li>Matrix HTML → Discord: no exception, no hang, no mass ping anywhere (code included), only
 *       the Discord users of the ghosts the HTML links to pinged (never an ID written as text), every
 *       piece within Discord's limit; the markdown reads back.</li>
 *   <li>Discord markdown → Matrix: only the allowed HTML (tags, attributes, http(s) links,
 *       {@code mxc://} images), never an active {@code @room}, only known users mentioned.</li>
 *   <li>A Matrix user's plain text reaches Discord escaped and reads back as the same text.</li>
 * </ul>
 * Kept inputs and past crashes under {@code src/test/resources/…/DiscordFormatFuzzTestInputs} run in
 * every build ({@code scripts/fuzz.sh} fuzzes).
 */
class DiscordFormatFuzzTest {
    /** What {@link MatrixHtmlWriter} may write, with the elements jsoup adds when it reads it back. */
    private static final Set<String> TAGS = Set.of("html", "head", "body", "strong", "em", "u", "del", "span", "code", "pre",
            "blockquote", "a", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "sub", "br", "p", "div", "hr", "img",
            "table", "tbody", "tr", "td");
    private static final Map<String, Set<String>> ATTRIBUTES = Map.of(
            "a", Set.of("href"), "span", Set.of("data-mx-spoiler"), "code", Set.of("class"), "ol", Set.of("start"),
            "img", Set.of("data-mx-emoticon", "src", "alt", "title", "height"));
    private static final Set<UserId> KNOWN = Set.of(Fixtures.ALICE, Fixtures.ZOE, Fixtures.BOB);
    private static final char ZWSP = '\u200B';

    /** The same text read as a Matrix HTML body, as Discord markdown and as a Matrix plain body. */
    @FuzzTest(maxDuration = "30s")
    @Timeout(60) // seconds (the first input also loads and instruments the classes): a slower one is a hang
    void anyTextCrossesSafelyBothWays(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        matrixHtmlBecomesDiscordMarkdownWithoutMassPings(text);
        discordMarkdownBecomesOnlyTheAllowedMatrixHtml(text);
        plainTextFromMatrixReadsTheSameOnDiscord(text);
    }

    /**
     * The same properties on the 10,000-deep nesting inputs, replayed in every build but not fuzzed
     * ({@code scripts/fuzz.sh} lists only the target above): each mutation of a 30 KB deep input
     * takes a tenth of a second or more, and as seeds of the fuzzed target they brought it down to
     * about 35 inputs a second.
     */
    @FuzzTest(maxDuration = "30s")
    @Timeout(60)
    void deepInputsCrossSafely(byte[] input) {
        anyTextCrossesSafelyBothWays(input);
    }

    private static void matrixHtmlBecomesDiscordMarkdownWithoutMassPings(String html) {
        RichText tree = new MatrixHtmlReader(MatrixToDiscord.directory(Fixtures.MATRIX_SIDE)).read(html);
        DiscordWriter writer = new DiscordWriter(null);
        String markdown = writer.render(tree);

        assertThat(markdown).as("markdown of %s", html).doesNotContainPattern("(?i)@(everyone|here)");
        // A pill (matrix.to link) to any ghost pings its Discord user: that is what mentioning a
        // Discord user from Matrix is, whichever ID the ghost has (a mutated seed named ghost 592).
        // Nothing else may ping: no "<@id>" written as text.
        Set<String> linked = ghostsLinkedIn(html);
        assertThat(writer.pinged()).as("pinged from %s", html).isSubsetOf(linked);
        for (String piece : DiscordSplitter.split(markdown)) {
            assertThat(piece.length()).isLessThanOrEqualTo(DiscordSplitter.MAX_LENGTH);
        }
        // and back: what Discord would show comes to Matrix as safe HTML, mentioning no one but those linked
        MatrixMarkup back = toMatrix(markdown);
        assertAllowedMatrix(back, markdown);
        // (a Discord user reads back as the Matrix user behind it: ghost 222 is Bob's linked account)
        Set<UserId> linkedUsers = new java.util.HashSet<>();
        linked.forEach(id -> Fixtures.DISCORD_SIDE.user(id).ifPresent(u -> linkedUsers.add(u.id())));
        assertThat(back.mentions()).as("mentioned by %s from %s", markdown, html).isSubsetOf(linkedUsers);
    }

    /** The Discord users whose ghosts the HTML links to (pills). */
    private static Set<String> ghostsLinkedIn(String html) {
        Set<String> ids = new java.util.HashSet<>();
        org.jsoup.nodes.Document doc;
        try {
            doc = Jsoup.parseBodyFragment(html);
        } catch (RuntimeException e) {
            return ids; // jsoup 1.24.1 fails on some malformed HTML: the reader then keeps only its text
        }
        for (Element a : doc.select("a[href]")) {
            MatrixLinks.parse(a.attr("href")).ifPresent(target -> {
                if (target instanceof MatrixLinks.UserTarget user) {
                    Fixtures.GHOSTS.discordUserId(user.user()).ifPresent(ids::add);
                }
            });
        }
        return ids;
    }

    private static void discordMarkdownBecomesOnlyTheAllowedMatrixHtml(String markdown) {
        MatrixMarkup out = toMatrix(markdown);
        assertAllowedMatrix(out, markdown);

        // and back: the Matrix message made of it goes to Discord without a mass ping
        String html = out.html() != null ? out.html() : MatrixHtmlWriter.escape(out.body());
        DiscordWriter writer = new DiscordWriter(out.mentions());
        String again = writer.render(new MatrixHtmlReader(MatrixToDiscord.directory(Fixtures.MATRIX_SIDE)).read(html));
        assertThat(again).as("markdown of %s", html).doesNotContainPattern("(?i)@(everyone|here)");
    }

    private static void plainTextFromMatrixReadsTheSameOnDiscord(String typed) {
        String markdown = MatrixToDiscord.fromPlain(typed);
        String shown = toMatrix(markdown).body();
        // Discord trims a message; mass mentions are defused on the way (a zero-width space or word joiner);
        // control characters (a found input had U+001A) may be dropped: they show nothing
        assertThat(visible(shown)).as("plain text %s sent as %s", typed, markdown).isEqualTo(visible(typed.strip()));
    }

    private static MatrixMarkup toMatrix(String markdown) {
        RichText tree = new DiscordReader(Fixtures.DISCORD_SIDE, java.time.ZoneId.of("Europe/Paris"), Locale.FRENCH).read(markdown);
        return new MatrixHtmlWriter(DiscordReader.directory(Fixtures.DISCORD_SIDE)).write(tree);
    }

    /** What a person sees: without the defusing characters, nor control characters other than tab and line breaks. */
    private static String visible(String s) {
        return s.replace(String.valueOf(ZWSP), "").replace(String.valueOf(MatrixHtmlWriter.WORD_JOINER), "")
                .replaceAll("[\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\x7F]", "");
    }

    static void assertAllowedMatrix(MatrixMarkup out, String from) {
        assertThat(out.body()).as("body of %s", from).doesNotContainPattern("(?i)@room\\b");
        assertThat(out.mentions()).as("mentions of %s", from).isSubsetOf(KNOWN);
        if (out.html() == null) {
            return;
        }
        for (Element e : Jsoup.parseBodyFragment(out.html()).getAllElements()) {
            if (e.normalName().equals("#root")) {
                continue;
            }
            assertThat(TAGS).as("tag in %s", out.html()).contains(e.normalName());
            for (Attribute a : e.attributes()) {
                assertThat(ATTRIBUTES.getOrDefault(e.normalName(), Set.of())).as("attribute in %s", out.html()).contains(a.getKey());
                String value = a.getValue().toLowerCase(Locale.ROOT);
                if (a.getKey().equals("href")) {
                    assertThat(value).as("link in %s", out.html()).matches("https?://.+");
                } else if (a.getKey().equals("src")) {
                    assertThat(value).as("image in %s", out.html()).startsWith("mxc://");
                } else if (a.getKey().equals("class")) {
                    assertThat(value).as("class in %s", out.html()).matches("language-[a-z0-9_+#.-]{1,32}");
                }
            }
        }
        // code shows what was typed, literally (FormatCorpus case 5): a client notifies from the body only
        org.jsoup.nodes.Document shown = Jsoup.parseBodyFragment(out.html());
        shown.select("code").remove();
        assertThat(shown.wholeText()).as("text of %s", out.html()).doesNotContainPattern("(?i)@room\\b");
    }
}
