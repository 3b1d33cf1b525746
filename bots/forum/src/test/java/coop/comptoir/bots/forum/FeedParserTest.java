package coop.comptoir.bots.forum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RSS 2.0 and Atom samples, sanitising of their HTML, and entities that must not be expanded. */
class FeedParserTest {
    private static final String BASE = "https://forum.example.coop";

    static byte[] sample(String name) throws IOException {
        try (InputStream in = FeedParserTest.class.getResourceAsStream("/feeds/" + name)) {
            return in.readAllBytes();
        }
    }

    @Test
    void readsDiscourseRssItems() throws Exception {
        List<FeedParser.Item> items = FeedParser.parse(sample("latest.rss"), "rss", BASE + "/latest.rss");

        assertThat(items).hasSize(2);
        FeedParser.Item first = items.get(0);
        assertThat(first.identity()).isEqualTo("forum.example.coop-topic-42");
        assertThat(first.title()).isEqualTo("Commande groupée de farine bio");
        assertThat(first.link()).isEqualTo(BASE + "/t/commande-groupee-de-farine-bio/42");
        assertThat(first.author()).isEqualTo("alice");
        assertThat(first.category()).isEqualTo("Courses");
        assertThat(first.published()).isEqualTo(Instant.parse("2026-11-01T10:00:42Z"));
        assertThat(first.html()).contains("<b>farine T80</b>");
        // Escaped HTML (no CDATA) reads the same.
        assertThat(items.get(1).html()).isEqualTo("<p>La permanence ouvre à <em>9 h</em> désormais.</p>");
    }

    @Test
    void itemHtmlIsSanitisedBeforeItIsShown() throws Exception {
        FeedParser.Item item = FeedParser.parse(sample("latest.rss"), "auto", BASE).get(0);
        HtmlSanitizer.Safe safe = new HtmlSanitizer(BASE + "/").excerpt(item.html(), HtmlSanitizer.EXCERPT_CHARS);

        assertThat(safe.html()).doesNotContain("script", "alert", "onerror", "javascript:")
                .contains("<b>farine T80</b>", "href=\"https://meunier.example.org/tarifs\"")
                .contains(">cliquez ici<");
        assertThat(safe.text()).doesNotContain("vol de session");
    }

    @Test
    void readsAtomEntries() throws Exception {
        List<FeedParser.Item> items = FeedParser.parse(sample("news.atom"), "auto", "https://reseau.example.org/feed.atom");

        assertThat(items).hasSize(2);
        FeedParser.Item e = items.get(0);
        assertThat(e.identity()).isEqualTo("tag:reseau.example.org,2026:post-7");
        assertThat(e.title()).isEqualTo("Rencontre des coops & AG commune");
        assertThat(e.link()).isEqualTo("https://reseau.example.org/posts/rencontre-2026");
        assertThat(e.author()).isEqualTo("Camille");
        assertThat(e.category()).isEqualTo("Événements");
        assertThat(e.published()).isEqualTo(Instant.parse("2026-11-02T06:45:00Z"));
        HtmlSanitizer.Safe safe = new HtmlSanitizer("https://reseau.example.org/").excerpt(e.html(), 500);
        assertThat(safe.html()).contains("<strong>14 novembre</strong>").doesNotContain("onerror", "javascript:", "alert");

        FeedParser.Item bare = items.get(1);
        assertThat(bare.link()).isEqualTo("https://reseau.example.org/posts/sans-date");
        assertThat(bare.published()).isNull();
        assertThat(bare.html()).isNull();
    }

    @Test
    void externalEntitiesAreNeverExpanded() throws Exception {
        List<FeedParser.Item> items = FeedParser.parse(sample("xxe.rss"), "rss", BASE);

        assertThat(items).hasSize(1);
        String hostname = java.nio.file.Files.exists(java.nio.file.Path.of("/etc/hostname"))
                ? java.nio.file.Files.readString(java.nio.file.Path.of("/etc/hostname")).strip() : "";
        assertThat(items.get(0).title()).startsWith("Titre");
        if (!hostname.isEmpty()) {
            assertThat(items.get(0).title()).doesNotContain(hostname);
        }
        assertThat(items.get(0).html()).endsWith("texte").doesNotContain("evil");
    }

    @Test
    void aDeclaredFormatMustMatchTheDocument() throws Exception {
        assertThatThrownBy(() -> FeedParser.parse(sample("news.atom"), "rss", BASE))
                .isInstanceOf(FeedParser.NotAFeed.class).hasMessageContaining("feed");
        assertThatThrownBy(() -> FeedParser.parse("{\"topic_list\":{}}".getBytes(StandardCharsets.UTF_8), "auto", BASE))
                .isInstanceOf(FeedParser.NotAFeed.class);
    }
}
