package coop.comptoir.bots.forum;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Locale;
import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Attribute;
import org.jsoup.nodes.Element;

/**
 * Coverage-guided fuzzing of what the forum hands to Comptoir: a post's HTML and an RSS/Atom
 * document. Whatever comes in, what reaches a Matrix room holds only the allowed tags, no event
 * handler, no link other than http(s)/mailto, an excerpt no longer than asked; a feed is read or
 * refused as "not a feed", never another exception. Kept inputs and past crashes under
 * {@code src/test/resources/…/ForumInputFuzzTestInputs} run in every build ({@code scripts/fuzz.sh}
 * fuzzes).
 */
class ForumInputFuzzTest {
    private static final Set<String> TAGS = Set.of("a", "b", "strong", "i", "em", "u", "s", "del", "code", "pre",
            "blockquote", "p", "br", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "sup", "sub", "body");

    @FuzzTest(maxDuration = "30s")
    void aPostReachesMatrixOnlyAsTheAllowedHtml(FuzzedDataProvider data) {
        int max = data.consumeInt(1, 2_000);
        String cooked = data.consumeRemainingAsString();
        HtmlSanitizer.Safe safe = new HtmlSanitizer("https://forum.coop.example").excerpt(cooked, max);

        for (Element e : Jsoup.parseBodyFragment(safe.html()).body().getAllElements()) {
            assertThat(TAGS).as("tag in %s", safe.html()).contains(e.normalName());
            for (Attribute a : e.attributes()) {
                assertThat(a.getKey()).as("attribute in %s", safe.html()).isIn("href", "rel");
                if (a.getKey().equals("href")) {
                    assertThat(a.getValue().toLowerCase(Locale.ROOT)).as("link in %s", safe.html())
                            .matches("(https?:|mailto:).*");
                }
            }
        }
        // the excerpt holds at most max characters of the post's text, plus " …" where it was cut
        // (text nodes only: a <br> counts as no character)
        int text = Jsoup.parseBodyFragment(safe.html()).body().getAllElements().stream()
                        .flatMap(e -> e.textNodes().stream()).mapToInt(t -> t.getWholeText().length()).sum();
        assertThat(text).as("text of %s", safe.html()).isLessThanOrEqualTo(max + 2);
    }

    @FuzzTest(maxDuration = "30s")
    void aFeedIsReadOrRefused(byte[] xml) {
        try {
            FeedTopics topics = new FeedTopics("https://forum.coop.example");
            for (FeedParser.Item item : FeedParser.parse(xml, "auto", "https://forum.coop.example")) {
                Announcer.FeedEntry entry = topics.entry(item, java.time.Instant.EPOCH);
                if (entry != null) {
                    // what would be announced: an http(s) link, a title, and a stable ID
                    assertThat(entry.topic().title()).isNotNull();
                    assertThat(topics.entry(item, java.time.Instant.EPOCH).topic().id()).isEqualTo(entry.topic().id());
                }
                new HtmlSanitizer("https://forum.coop.example").excerpt(item.html(), HtmlSanitizer.EXCERPT_CHARS);
            }
        } catch (FeedParser.NotAFeed refused) {
            assertThat(refused.getMessage()).isNotBlank();
        }
    }
}
