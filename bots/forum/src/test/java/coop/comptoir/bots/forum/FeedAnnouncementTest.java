package coop.comptoir.bots.forum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import coop.comptoir.api.id.EventId;
import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.matrix.MatrixClient;
import coop.comptoir.api.matrix.OutgoingMessage;
import coop.comptoir.testing.TestDatabase;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** RSS/Atom items through the announcer: same store as JSON polling, same catch-up, feed rooms. */
class FeedAnnouncementTest {
    private static final String BASE = "https://forum.example.coop";
    private static final String COURSES = "!courses:coop.example";
    private static final String RESEAU = "!reseau:coop.example";
    private static final Instant NOW = Instant.parse("2026-11-03T12:00:00Z");

    @TempDir
    Path dir;
    private TestDatabase db;
    private final MatrixClient matrix = mock(MatrixClient.class);
    private final List<String> sentTo = new ArrayList<>();
    private final List<OutgoingMessage> sent = new ArrayList<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final FeedTopics feedTopics = new FeedTopics(BASE);
    private final Routing routing = new Routing(List.of(new ForumConfig.Route(5L, "courses", "Courses", null, List.of(coop.comptoir.api.config.RoomRef.of(COURSES)), false)),
            List.of(), BASE, TestCategories.site().open(5, "Courses").open(7, "Vie de la coop").categories());

    @BeforeEach
    void setUp() {
        db = TestDatabase.open("jdbc:sqlite:" + dir.resolve("t.db"), 2);
        when(matrix.join(anyString())).thenAnswer(i -> RoomId.of(i.getArgument(0)));
        when(matrix.send(any(), any(), anyString())).thenAnswer(i -> {
            sentTo.add(((RoomId) i.getArgument(0)).value());
            sent.add(i.getArgument(1));
            return EventId.of("$e" + ids.incrementAndGet());
        });
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private Announcer announcer(int limit) {
        return new Announcer(matrix, new ForumStore(db, "forum"), routing, Texts.FR, BASE, "forum", limit,
                LoggerFactory.getLogger("test"));
    }

    private List<Announcer.FeedEntry> entries(String sample, String base) throws Exception {
        return FeedParser.parse(FeedParserTest.sample(sample), "auto", base).stream()
                .map(i -> feedTopics.entry(i, NOW)).filter(Objects::nonNull).toList();
    }

    private static ForumConfig.Feed feed(String url, List<String> rooms, boolean byCategory) {
        return new ForumConfig.Feed(null, null, java.time.Duration.ofMinutes(1), null, null, url,
                rooms.stream().map(coop.comptoir.api.config.RoomRef::of).toList(), byCategory);
    }

    @Test
    void aDiscourseTopicLinkIsTheTopicsJsonIdentity() throws Exception {
        List<Announcer.FeedEntry> rss = entries("latest.rss", BASE);
        assertThat(rss).extracting(e -> e.topic().id()).containsExactly(42L, 43L);
        assertThat(rss.get(0).topic().slug()).isEqualTo("commande-groupee-de-farine-bio");

        Announcer a = announcer(5);
        // JSON polling (or the webhook) saw topic 42 first and announced it in the Courses room.
        a.topics(List.of(new Discourse.Topic(42, "Commande groupée de farine bio", "commande-groupee-de-farine-bio", 5L,
                List.of(), 3L, "alice", false, true, Instant.parse("2026-11-01T10:00:42Z"))), true,
                id -> new Discourse.Post(420, id, 1, 1, 3L, "alice", "<p>Qui est partant ?</p>", null, null, 5L, false));
        assertThat(sent).hasSize(1);

        ForumConfig.Feed feed = feed("/latest.rss", List.of(COURSES), false);
        a.feedItems(rss, e -> routing.feedTargets(feed, e.category()), null);
        assertThat(sentTo).as("42 is not announced again; 43 is new").containsExactly(COURSES, COURSES);
        assertThat(sent.get(1).htmlBody()).contains("<a href=\"" + BASE + "/t/horaires-de-la-permanence-du-samedi/43\">",
                "par bruno, dans Vie de la coop", "<em>9 h</em>");
        verify(matrix, never()).edit(any(), any(), any(), anyString());
        assertThat(sent.get(0).htmlBody()).as("what JSON polling said stays").contains("Qui est partant ?", "dans Courses");

        a.feedItems(rss, e -> routing.feedTargets(feed, e.category()), null);
        assertThat(sent).as("the next poll").hasSize(2);
    }

    @Test
    void rssExcerptsAreSanitised() throws Exception {
        ForumConfig.Feed feed = feed("/latest.rss", List.of(COURSES), false);
        announcer(5).feedItems(entries("latest.rss", BASE), e -> routing.feedTargets(feed, e.category()), null);
        assertThat(sent).hasSize(2);
        String farine = sent.stream().map(OutgoingMessage::htmlBody).filter(h -> h.contains("farine")).findFirst().orElseThrow();
        assertThat(farine).contains("<b>farine T80</b>").doesNotContain("script", "onerror", "javascript:", "alert");
    }

    @Test
    void otherFeedsItemsGoToTheFeedsRoomsWithTheirOwnAddress() throws Exception {
        List<Announcer.FeedEntry> atom = entries("news.atom", "https://reseau.example.org/feed.atom");
        assertThat(atom).allMatch(e -> e.topic().id() < 0);
        assertThat(FeedTopics.syntheticId("tag:reseau.example.org,2026:post-7")).isEqualTo(atom.get(0).topic().id());

        Announcer a = announcer(5);
        ForumConfig.Feed feed = feed("https://reseau.example.org/feed.atom", List.of(RESEAU), false);
        a.feedItems(atom, e -> routing.feedTargets(feed, e.category()), null);
        assertThat(sentTo).containsExactly(RESEAU, RESEAU);
        assertThat(sent.get(0).htmlBody()).contains("<a href=\"https://reseau.example.org/posts/rencontre-2026\">",
                "Rencontre des coops &amp; AG commune", "par Camille, dans Événements");

        a.feedItems(atom, e -> routing.feedTargets(feed, e.category()), null);
        assertThat(sent).hasSize(2);
    }

    @Test
    void routeByCategoryAddsTheRoomsOfTheRouteWithThatName() throws Exception {
        ForumConfig.Feed feed = feed("/latest.rss", List.of(), true);
        announcer(5).feedItems(entries("latest.rss", BASE), e -> routing.feedTargets(feed, e.category()), null);
        // Only the "Courses" item has a route; "Vie de la coop" has none and the feed no rooms.
        assertThat(sentTo).containsExactly(COURSES);
        assertThat(sent.get(0).body()).startsWith("Nouveau sujet : Commande groupée de farine bio");
    }

    @Test
    void catchUpLimitAndSummaryApplyToFeeds() throws Exception {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>t</title>");
        for (int i = 1; i <= 7; i++) {
            xml.append("<item><title>Article ").append(i).append("</title><link>https://blog.example.org/a/").append(i)
                    .append("</link><pubDate>Mon, 02 Nov 2026 10:0").append(i).append(":00 +0000</pubDate></item>");
        }
        xml.append("</channel></rss>");
        List<Announcer.FeedEntry> items = FeedParser.parse(xml.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                "rss", "https://blog.example.org/rss").stream().map(i -> feedTopics.entry(i, NOW)).toList();
        ForumConfig.Feed feed = feed("https://blog.example.org/rss", List.of(RESEAU), false);
        announcer(3).feedItems(items, e -> routing.feedTargets(feed, e.category()), null);

        assertThat(sent).hasSize(4);
        assertThat(sent.subList(0, 3)).extracting(m -> m.body().lines().findFirst().orElseThrow())
                .containsExactly("Nouveau sujet : Article 5", "Nouveau sujet : Article 6", "Nouveau sujet : Article 7");
        assertThat(sent.get(3).body()).startsWith("… et 4 autres sujets");
    }

    @Test
    void itemsOlderThanTheFeedsFirstPollAreRecordedNotAnnounced() throws Exception {
        ForumConfig.Feed feed = feed("/latest.rss", List.of(COURSES), false);
        Announcer a = announcer(5);
        a.feedItems(entries("latest.rss", BASE), e -> routing.feedTargets(feed, e.category()), Instant.parse("2026-11-01T10:00:00Z"));
        assertThat(sent).extracting(m -> m.body().lines().findFirst().orElseThrow())
                .containsExactly("Nouveau sujet : Commande groupée de farine bio");
    }
}
