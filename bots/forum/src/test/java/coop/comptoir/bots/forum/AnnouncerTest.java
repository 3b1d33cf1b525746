package coop.comptoir.bots.forum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.fasterxml.jackson.databind.JsonNode;
import coop.comptoir.api.id.EventId;
import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.matrix.MatrixClient;
import coop.comptoir.api.matrix.OutgoingMessage;
import coop.comptoir.testing.TestDatabase;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.ArgumentCaptor;
import org.slf4j.LoggerFactory;

/** What reaches the rooms, with a real SQLite store and a fake homeserver. */
class AnnouncerTest {
    private static final RoomId ROOM = RoomId.of("!courses:coop.example");
    private static final String BASE = "https://forum.example.coop";

    @TempDir
    Path dir;
    private TestDatabase db;
    private final MatrixClient matrix = mock(MatrixClient.class);
    private final List<OutgoingMessage> sent = new ArrayList<>();
    private final AtomicInteger ids = new AtomicInteger();

    @BeforeEach
    void setUp() {
        db = TestDatabase.open("jdbc:sqlite:" + dir.resolve("t.db"), 2);
        when(matrix.join(anyString())).thenAnswer(i -> RoomId.of(i.getArgument(0)));
        when(matrix.send(any(), any(), anyString())).thenAnswer(i -> {
            sent.add(i.getArgument(1));
            return EventId.of("$e" + ids.incrementAndGet());
        });
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private Announcer announcer(int limit) {
        Routing routing = new Routing(List.of(new ForumConfig.Route(5L, "courses", "Courses", null, List.of(coop.comptoir.api.config.RoomRef.of(ROOM.value())), true)),
                List.of(), BASE, TestCategories.site().open(5, "Courses").categories());
        return new Announcer(matrix, new ForumStore(db, "forum"), routing, Texts.FR, BASE, "forum", limit,
                LoggerFactory.getLogger("test"));
    }

    private static final RoomId GENERAL = RoomId.of("!general:coop.example");
    private static final RoomId BUREAU = RoomId.of("!bureau:coop.example");

    /** A room for every category (with replies), and one naming the restricted "Bureau" (12). */
    private Announcer staffAndEveryone() {
        Routing routing = new Routing(List.of(
                new ForumConfig.Route(null, null, null, null, List.of(coop.comptoir.api.config.RoomRef.of(GENERAL.value())), true),
                new ForumConfig.Route(12L, "bureau", "Bureau", null, List.of(coop.comptoir.api.config.RoomRef.of(BUREAU.value())), true)),
                List.of(), BASE, TestCategories.site().open(5, "Courses").open(7, "Vie de la coop").restricted(12, "Bureau")
                        .categories());
        return new Announcer(matrix, new ForumStore(db, "forum"), routing, Texts.FR, BASE, "forum", 5,
                LoggerFactory.getLogger("test"));
    }

    private static Discourse.Topic in(long category, long id, String title) {
        return new Discourse.Topic(id, title, "sujet-" + id, category, List.of(), 3L, "alice", false, true,
                Instant.parse("2026-11-01T10:00:00Z").plusSeconds(id));
    }

    private List<RoomId> sentRooms() {
        ArgumentCaptor<RoomId> rooms = ArgumentCaptor.forClass(RoomId.class);
        verify(matrix, org.mockito.Mockito.atLeast(0)).send(rooms.capture(), any(), anyString());
        return rooms.getAllValues();
    }

    @Test
    void aRouteForEveryCategoryNeverAnnouncesARestrictedOne() {
        staffAndEveryone().topics(List.of(in(5, 1, "Livraison de pommes"), in(12, 2, "Entretiens annuels"),
                in(99, 3, "Catégorie invisible")), true, null);
        assertThat(sentRooms()).containsExactly(GENERAL, BUREAU);
        assertThat(sent.get(0).body()).contains("Livraison de pommes");
        assertThat(sent.get(1).body()).contains("Entretiens annuels");
    }

    @Test
    void aTopicMovedIntoARestrictedCategoryIsWithdrawnAndItsNewTitleNeverShown() {
        Announcer a = staffAndEveryone();
        a.topics(List.of(in(5, 1, "Question sur la caisse")), true, null);
        a.topics(List.of(in(12, 1, "Erreur de caisse de Paul")), false, null);
        verify(matrix).redact(eq(GENERAL), eq(EventId.of("$e1")), any(), anyString());
        verify(matrix, never()).edit(any(), any(), any(), anyString());
        a.firstPost(new Discourse.Post(10, 1, 1, 1, 3L, "alice", "<p>Paul a oublié 50 €</p>", "Erreur de caisse de Paul",
                "sujet-1", 12L, false));
        a.topics(List.of(in(12, 1, "Erreur de caisse de Paul")), true, null);
        verify(matrix, never()).edit(any(), any(), any(), anyString());
        assertThat(sentRooms()).as("announced in the room naming its new category, nowhere else").containsExactly(GENERAL, BUREAU);
        assertThat(sent.get(0).body()).doesNotContain("Paul");
        assertThat(sent.get(1).body()).contains("Erreur de caisse de Paul", "Paul a oublié 50 €");
    }

    @Test
    void aTopicMovedToAnotherCategoryLeavesTheRoomsOfTheOldOne() {
        Routing routing = new Routing(List.of(
                new ForumConfig.Route(5L, "courses", "Courses", null, List.of(coop.comptoir.api.config.RoomRef.of(ROOM.value())), false),
                new ForumConfig.Route(7L, "vie-coop", null, null, List.of(coop.comptoir.api.config.RoomRef.of(GENERAL.value())), false)),
                List.of(), BASE, TestCategories.site().open(5, "Courses").open(7, "Vie de la coop").categories());
        Announcer a = new Announcer(matrix, new ForumStore(db, "forum"), routing, Texts.FR, BASE, "forum", 5,
                LoggerFactory.getLogger("test"));
        a.topics(List.of(topic(1, "Pain")), true, null);
        a.topics(List.of(in(7, 1, "Pain")), true, null);
        verify(matrix).redact(eq(ROOM), eq(EventId.of("$e1")), any(), anyString());
        assertThat(sentRooms()).containsExactly(ROOM, GENERAL);
    }

    @Test
    void aFirstPostInARestrictedCategoryEditsOnlyTheRoomsNamingIt() {
        Announcer a = staffAndEveryone();
        a.topics(List.of(in(5, 1, "Planning"), in(12, 2, "Budget")), true, null);
        a.firstPost(new Discourse.Post(10, 1, 1, 1, 3L, "alice", "<p>Salaires du bureau</p>", "Planning", "sujet-1", 12L, false));
        a.firstPost(new Discourse.Post(20, 2, 1, 1, 3L, "alice", "<p>Budget détaillé</p>", "Budget", "sujet-2", 12L, false));
        ArgumentCaptor<OutgoingMessage> edit = ArgumentCaptor.forClass(OutgoingMessage.class);
        verify(matrix).edit(eq(BUREAU), eq(EventId.of("$e2")), edit.capture(), anyString());
        verify(matrix, never()).edit(eq(GENERAL), any(), any(), anyString());
        verify(matrix).redact(eq(GENERAL), eq(EventId.of("$e1")), any(), anyString());
        assertThat(edit.getValue().body()).contains("Budget détaillé");
    }

    @Test
    void repliesInARestrictedCategoryStayOutOfRoomsForEveryCategory() {
        Announcer a = staffAndEveryone();
        a.topics(List.of(in(5, 1, "Planning")), true, null);
        // Moved to the restricted category, and a reply arrives before the topic's own event.
        a.reply(new Discourse.Post(11, 1, 2, 1, 3L, "bob", "<p>Je ne peux pas venir</p>", "Planning", "sujet-1", 12L, false));
        a.reply(new Discourse.Post(12, 1, 3, 1, 3L, "bob", "<p>Moi si</p>", "Planning", "sujet-1", 5L, false));
        assertThat(sent).extracting(OutgoingMessage::body).noneMatch(b -> b.contains("Je ne peux pas venir"))
                .anyMatch(b -> b.contains("Moi si"));
    }

    @Test
    void aDeletedReplyIsRedactedAndAPrivateMessageWithdrawsItsTopic() {
        Announcer a = announcer(5);
        a.topics(List.of(topic(1, "Pain")), true, null);
        a.reply(new Discourse.Post(12, 1, 2, 1, 3L, "bob", "<p>moi aussi</p>", "Pain", "sujet-1", 5L, false));
        a.replyDestroyed(12);
        verify(matrix).redact(eq(ROOM), eq(EventId.of("$e2")), any(), anyString());
        a.firstPost(new Discourse.Post(10, 1, 1, 1, 3L, "alice", "<p>en privé</p>", "Pain", "sujet-1", 5L, true));
        verify(matrix).redact(eq(ROOM), eq(EventId.of("$e1")), any(), anyString());
        verify(matrix, never()).edit(any(), any(), any(), anyString());
    }

    private static Discourse.Topic topic(long id, String title) {
        return new Discourse.Topic(id, title, "sujet-" + id, 5L, List.of(), 3L, "alice", false, true,
                Instant.parse("2026-11-01T10:00:00Z").plusSeconds(id));
    }

    @Test
    void catchUpAnnouncesTheMostRecentWithinTheLimitAndSumsUpTheRest() {
        List<Discourse.Topic> eight = new ArrayList<>();
        for (long i = 1; i <= 8; i++) {
            eight.add(topic(i, "Sujet " + i));
        }
        announcer(3).topics(eight, true, null);

        assertThat(sent).hasSize(4);
        assertThat(sent.subList(0, 3)).extracting(OutgoingMessage::body)
                .allMatch(b -> b.startsWith("Nouveau sujet : Sujet "));
        assertThat(sent.subList(0, 3)).extracting(OutgoingMessage::body).map(b -> b.lines().findFirst().orElseThrow())
                .containsExactly("Nouveau sujet : Sujet 6", "Nouveau sujet : Sujet 7", "Nouveau sujet : Sujet 8");
        assertThat(sent.get(3).body()).startsWith("… et 5 autres sujets").contains(BASE + "/latest");
        assertThat(sent.get(0).htmlBody()).contains("<a href=\"" + BASE + "/t/sujet-6/6\">Sujet 6</a>", "par alice, dans Courses");

        sent.clear();
        announcer(3).topics(eight, true, null);
        assertThat(sent).as("the same topics again (the other mode, or the next poll)").isEmpty();

        eight.add(topic(9, "Sujet 9"));
        announcer(3).topics(eight, true, null);
        assertThat(sent).extracting(OutgoingMessage::body).singleElement().asString().startsWith("Nouveau sujet : Sujet 9");
    }

    @Test
    void anOldTopicBumpedIntoTheFeedAfterTheFirstPollIsNotNews() {
        Announcer a = announcer(5);
        Instant baseline = Instant.parse("2026-11-01T10:00:05Z");
        a.topics(List.of(topic(3, "Ancien sujet relancé"), topic(9, "Vraiment nouveau")), true, null, baseline);
        assertThat(sent).extracting(OutgoingMessage::body).singleElement().asString().startsWith("Nouveau sujet : Vraiment nouveau");
        a.topics(List.of(topic(3, "Ancien sujet relancé")), true, null, null);
        assertThat(sent).as("recorded, so never announced later either").hasSize(1);
    }

    @Test
    void privateUnlistedAndSystemTopicsAreNeverAnnounced() {
        announcer(5).topics(List.of(
                new Discourse.Topic(1, "MP", "mp", 5L, List.of(), 3L, "alice", true, true, Instant.EPOCH),
                new Discourse.Topic(2, "Caché", "cache", 5L, List.of(), 3L, "alice", false, false, Instant.EPOCH),
                new Discourse.Topic(3, "Bienvenue", "bienvenue", 5L, List.of(), -1L, "system", false, true, Instant.EPOCH),
                new Discourse.Topic(4, "Ailleurs", "ailleurs", 99L, List.of(), 3L, "alice", false, true, Instant.EPOCH)),
                true, null);
        assertThat(sent).isEmpty();
    }

    @Test
    void aNewTitleOrFirstPostEditsTheAnnouncementOnce() {
        Announcer a = announcer(5);
        a.topics(List.of(topic(1, "Pain")), true, null);
        a.topics(List.of(topic(1, "Pain du jeudi")), false, null);
        a.topics(List.of(topic(1, "Pain du jeudi")), false, null);
        ArgumentCaptor<OutgoingMessage> edit = ArgumentCaptor.forClass(OutgoingMessage.class);
        verify(matrix, times(1)).edit(eq(ROOM), eq(EventId.of("$e1")), edit.capture(), anyString());
        assertThat(edit.getValue().body()).startsWith("Nouveau sujet : Pain du jeudi");

        a.firstPost(new Discourse.Post(10, 1, 1, 1, 3L, "alice", "<p>Commandez <b>avant</b> mercredi<script>x()</script></p>",
                "Pain du jeudi", "sujet-1", 5L, false));
        verify(matrix, times(2)).edit(eq(ROOM), eq(EventId.of("$e1")), edit.capture(), anyString());
        assertThat(edit.getValue().htmlBody()).contains("<blockquote><p>Commandez <b>avant</b> mercredi</p></blockquote>")
                .doesNotContain("script");
        assertThat(sent).hasSize(1);
    }

    @Test
    void repliesGoInTheTopicsThreadAndWhispersNowhere() {
        Announcer a = announcer(5);
        a.topics(List.of(topic(1, "Pain")), true, null);
        a.reply(new Discourse.Post(11, 1, 2, 4, 3L, "bob", "<p>chut</p>", "Pain", "sujet-1", 5L, false));
        a.reply(new Discourse.Post(12, 1, 2, 1, 3L, "bob", "<p>moi aussi</p>", "Pain", "sujet-1", 5L, false));
        a.reply(new Discourse.Post(12, 1, 2, 1, 3L, "bob", "<p>moi aussi</p>", "Pain", "sujet-1", 5L, false));
        assertThat(sent).hasSize(2);
        assertThat(sent.get(1).threadRoot()).isEqualTo(EventId.of("$e1"));
        assertThat(sent.get(1).body()).contains("bob répond", "moi aussi");
    }

    @Test
    void postsHiddenByFlagsOrDeletedAreNeitherPostedNorQuoted() throws Exception {
        Announcer a = announcer(5);
        a.topics(List.of(topic(1, "Pain")), true, null);
        var hidden = DiscourseFixtures.postWebhook(12, 1, 2, "troll", "<p>insulte</p>", 5);
        ((com.fasterxml.jackson.databind.node.ObjectNode) hidden.get("post")).put("hidden", true).put("user_id", 4);
        var deleted = DiscourseFixtures.postWebhook(13, 1, 3, "bob", "<p>effacé</p>", 5);
        ((com.fasterxml.jackson.databind.node.ObjectNode) deleted.get("post")).put("deleted_at", "2026-11-02T10:00:00.000Z").put("user_id", 4);
        var hiddenFirst = DiscourseFixtures.postWebhook(10, 1, 1, "alice", "<p>masqué</p>", 5);
        ((com.fasterxml.jackson.databind.node.ObjectNode) hiddenFirst.get("post")).put("hidden", true);
        a.reply(Discourse.post(DiscourseFixtures.webhook("post_created", hidden).get("post")));
        a.reply(Discourse.post(DiscourseFixtures.webhook("post_destroyed", deleted).get("post")));
        a.firstPost(Discourse.post(DiscourseFixtures.webhook("post_edited", hiddenFirst).get("post")));
        assertThat(sent).hasSize(1);
        verify(matrix, never()).edit(any(), any(), any(), anyString());
    }

    @Test
    void aDeletedTopicsAnnouncementIsRedacted() {
        Announcer a = announcer(5);
        a.topics(List.of(topic(1, "Pain")), true, null);
        a.destroyed(1);
        a.destroyed(1);
        verify(matrix, times(1)).redact(eq(ROOM), eq(EventId.of("$e1")), any(), anyString());
        a.topics(List.of(topic(1, "Pain")), true, null);
        assertThat(sent).as("not announced again").hasSize(1);
        verify(matrix, never()).edit(any(), any(), any(), anyString());
    }

    @Test
    void aTopicUnlistedAfterItsAnnouncementIsWithdrawn() {
        Announcer a = announcer(5);
        a.topics(List.of(topic(1, "Pain")), true, null);
        a.topics(List.of(new Discourse.Topic(1, "Pain", "sujet-1", 5L, List.of(), 3L, "alice", false, false, Instant.EPOCH)),
                false, null);
        verify(matrix, times(1)).redact(eq(ROOM), eq(EventId.of("$e1")), any(), anyString());
    }

    @Test
    void theReferenceLatestTopicsAreReadAndAnnounced() throws Exception {
        JsonNode latest = SharedSpec.response("topics/latest_topics_response.json");
        List<Discourse.Topic> topics = Discourse.topicList(latest);
        assertThat(topics).isNotEmpty();
        assertThat(topics.get(0).id()).isEqualTo(latest.path("topic_list").path("topics").get(0).path("id").asLong());
        Routing all = new Routing(List.of(new ForumConfig.Route(null, null, null, null, List.of(coop.comptoir.api.config.RoomRef.of(ROOM.value())), false)),
                List.of(), BASE, TestCategories.site().open(1, "Uncategorized").categories());
        new Announcer(matrix, new ForumStore(db, "forum"), all, Texts.EN, BASE, "forum", 10, LoggerFactory.getLogger("t"))
                .topics(topics, true, null);
        long expected = topics.stream().filter(Discourse.Topic::announceable).count();
        assertThat(sent).hasSize((int) expected);
        assertThat(sent).extracting(OutgoingMessage::body).allMatch(b -> b.startsWith("New topic:"));
    }

    @Test
    void theReferenceTopicViewGivesTheFirstPost() throws Exception {
        JsonNode view = SharedSpec.response("topics/topic_response.json");
        Discourse.Post p = Discourse.firstPost(view);
        assertThat(p).isNotNull();
        assertThat(p.postNumber()).isEqualTo(1);
        assertThat(p.cooked()).isNotBlank();
        Discourse.Post single = Discourse.post(SharedSpec.response("posts/get_post_response.json"));
        assertThat(single.topicId()).isEqualTo(8);
        assertThat(single.postNumber()).isEqualTo(4);
    }
}
