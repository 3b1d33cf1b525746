package coop.comptoir.bridge.rocketchat.format;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import coop.comptoir.api.id.UserId;
import coop.comptoir.bridge.api.MatrixContent;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Attribute;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzzing of the Rocket.Chat text mapping, both ways:
 * <ul>
 *   <li>Rocket.Chat markdown → Matrix: only the allowed HTML (tags, attributes, http(s) links), never
 *       an active {@code @room} in any case, only the users the message mentions.</li>
 *   <li>Matrix HTML → Rocket.Chat: no exception, no hang, no stack overflow however deep the HTML, no
 *       {@code @all}/{@code @here}, and no link the converter writes goes anywhere but http(s) or mailto.</li>
 *   <li>Plain text without markup characters crosses both ways unchanged.</li>
 * </ul>
 * Kept inputs and past crashes under {@code src/test/resources/…/RocketTextFuzzTestInputs} run in
 * every build ({@code scripts/fuzz.sh} fuzzes).
 */
class RocketTextFuzzTest {
    private static final RocketText TEXT = new RocketMarkdown();
    private static final UserId BOB = UserId.of("@_rocketchat_bob1:comptoir.test");
    private static final Set<String> TAGS = Set.of("html", "head", "body", "strong", "em", "del", "code", "pre", "blockquote",
            "a", "br");
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)]*)\\)");

    /** The same text read as Rocket.Chat markdown, as a Matrix HTML body and as plain text. */
    @FuzzTest(maxDuration = "30s")
    @Timeout(60) // seconds (the first input also loads and instruments the classes): a slower one is a hang
    void anyTextCrossesSafelyBothWays(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        rocketMarkdownBecomesOnlyTheAllowedMatrixHtml(text);
        matrixHtmlBecomesRocketMarkdownWithoutMassMentionsOrUnsafeLinks(text);
        plainTextCrossesBothWaysUnchanged(text);
    }

    /**
     * The same properties on the 10,000-deep nesting input, replayed in every build but not fuzzed
     * ({@code scripts/fuzz.sh} lists only the target above): as a seed of the fuzzed target it made
     * libFuzzer mutate 30 KB inputs, each slow, and the target ran at about 13 inputs a second.
     */
    @FuzzTest(maxDuration = "30s")
    @Timeout(60)
    void deepInputsCrossSafely(byte[] input) {
        anyTextCrossesSafelyBothWays(input);
    }

    private static void rocketMarkdownBecomesOnlyTheAllowedMatrixHtml(String markdown) {
        MatrixContent out = TEXT.toMatrix(markdown, Map.of("bob", BOB));

        assertThat(out.body()).as("body of %s", markdown).doesNotContainPattern("(?i)@room\\b");
        assertThat(out.mentions()).isSubsetOf(BOB);
        if (out.html().isEmpty()) {
            return;
        }
        String html = out.html().get();
        for (Element e : Jsoup.parseBodyFragment(html).getAllElements()) {
            if (e.normalName().equals("#root")) {
                continue;
            }
            assertThat(TAGS).as("tag in %s", html).contains(e.normalName());
            for (Attribute a : e.attributes()) {
                assertThat(a.getKey()).as("attribute in %s", html).isEqualTo("href");
                assertThat(e.normalName()).isEqualTo("a");
                assertThat(a.getValue().toLowerCase(Locale.ROOT)).as("link in %s", html).matches("https?://.+");
            }
        }
        // wholeText: text() would drop the zero-width space that defuses @room
        assertThat(Jsoup.parseBodyFragment(html).wholeText()).as("text of %s", html).doesNotContainPattern("(?i)@room\\b");
    }

    private static void matrixHtmlBecomesRocketMarkdownWithoutMassMentionsOrUnsafeLinks(String html) {
        String out = TEXT.toRocket(new MatrixContent("m.text", "x", Optional.of(html), Set.of()),
                u -> u.equals(BOB) ? Optional.of("bob1") : Optional.empty());

        assertThat(out).as("markdown of %s", html).doesNotContainPattern("(?i)(?<![\\w@])@(all|here)\\b");
        if (Jsoup.parseBodyFragment(html).text().contains("](")) {
            return; // the Matrix user typed a markdown link: it goes as typed
        }
        Matcher link = LINK.matcher(out);
        while (link.find()) {
            assertThat(link.group(1).toLowerCase(Locale.ROOT)).as("link in %s from %s", out, html)
                    .matches("(https?://|mailto:).+");
        }
    }

    private static void plainTextCrossesBothWaysUnchanged(String typed) {
        if (typed.chars().anyMatch(c -> "*_~`[]()>@\\".indexOf(c) >= 0)) {
            return; // markup, or a mention: not plain text
        }
        MatrixContent toMatrix = TEXT.toMatrix(typed, Map.of());
        // control characters other than tab and line breaks are dropped on the way to Matrix
        assertThat(toMatrix.body()).isEqualTo(typed.replaceAll("[\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\x7F]", ""));
        assertThat(toMatrix.html()).isEmpty();
        assertThat(TEXT.toRocket(MatrixContent.text(typed), u -> Optional.empty())).isEqualTo(typed);
    }
}
