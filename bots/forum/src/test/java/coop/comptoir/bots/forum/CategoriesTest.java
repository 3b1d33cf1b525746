package coop.comptoir.bots.forum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What the forum says of its categories, and what is made of it when it says nothing. */
class CategoriesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A scripted forum: answers in order; an exception is thrown; null is "unchanged" (304). */
    private static final class Forum implements Categories.Source {
        final List<Object> siteAnswers = new ArrayList<>();
        final List<Long> asked = new ArrayList<>();
        JsonNode show;

        @Override
        public Optional<JsonNode> site() throws DiscourseClient.ForumUnavailable {
            Object a = siteAnswers.size() > 1 ? siteAnswers.remove(0) : siteAnswers.get(0);
            if (a instanceof DiscourseClient.ForumUnavailable e) {
                throw e;
            }
            return Optional.ofNullable((JsonNode) a);
        }

        @Override
        public Optional<JsonNode> category(long id) {
            asked.add(id);
            return Optional.ofNullable(show);
        }
    }

    private static final class MovableClock extends Clock {
        Instant now = Instant.parse("2026-11-01T10:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private static JsonNode json(String s) throws Exception {
        return JSON.readTree(s);
    }

    /** Four categories; the last one without {@code read_restricted}, off the description on purpose: it must count as restricted. */
    private static String site(boolean coursesRestricted) {
        ObjectNode site = DiscourseFixtures.response("/site.json", DiscourseFixtures.site(
                DiscourseFixtures.siteCategory(5, "Courses", "courses", coursesRestricted, null),
                DiscourseFixtures.siteCategory(12, "Bureau", "bureau", true, null),
                DiscourseFixtures.siteCategory(13, "Comptes", "comptes", false, 12L)));
        ((ArrayNode) site.get("categories")).add(DiscourseFixtures.siteCategory(14, "Sans drapeau", "sans-drapeau", false, null)
                .without("read_restricted"));
        return site.toString();
    }

    private static final String SITE = site(false);

    @Test
    void onlyWhatTheForumSaysEveryoneMayReadIsPublic() throws Exception {
        Forum forum = new Forum();
        forum.siteAnswers.add(json(SITE));
        Categories c = new Categories(forum, new MovableClock());
        assertThat(c.access(5L)).isEqualTo(Categories.Access.PUBLIC);
        assertThat(c.access(12L)).isEqualTo(Categories.Access.RESTRICTED);
        assertThat(c.access(13L)).as("a child of a restricted category").isEqualTo(Categories.Access.RESTRICTED);
        assertThat(c.access(14L)).as("no read_restricted given").isEqualTo(Categories.Access.RESTRICTED);
        assertThat(c.access(null)).isEqualTo(Categories.Access.RESTRICTED);
        assertThat(c.byName("bureau")).map(Categories.Category::id).contains(12L);
        assertThat(c.byName("COURSES")).map(Categories.Category::id).contains(5L);
        assertThat(c.byName("Inconnue")).isEmpty();
    }

    @Test
    void aCategoryMissingFromTheSiteIsAskedOnceAndHiddenOnesAreRestricted() throws Exception {
        Forum forum = new Forum();
        forum.siteAnswers.add(json(SITE));
        Categories c = new Categories(forum, new MovableClock());
        assertThat(c.access(99L)).isEqualTo(Categories.Access.RESTRICTED);
        assertThat(c.access(99L)).isEqualTo(Categories.Access.RESTRICTED);
        assertThat(forum.asked).containsExactly(99L);

        forum.show = DiscourseFixtures.response("/c/98/show.json", DiscourseFixtures.showCategory(98, "Nouvelle", "nouvelle", false));
        assertThat(c.access(98L)).as("created since the site was read").isEqualTo(Categories.Access.PUBLIC);
    }

    @Test
    void whenTheForumCannotTellNothingIsPublicAfterTheGrace() throws Exception {
        Forum forum = new Forum();
        MovableClock clock = new MovableClock();
        forum.siteAnswers.add(new DiscourseClient.ForumUnavailable("/site.json: HTTP 502"));
        Categories c = new Categories(forum, clock);
        assertThatThrownBy(() -> c.access(5L)).isInstanceOf(Categories.Unknown.class).hasMessageContaining("HTTP 502");

        forum.siteAnswers.clear();
        forum.siteAnswers.add(json(SITE));
        forum.siteAnswers.add(new DiscourseClient.ForumUnavailable("/site.json: HTTP 502"));
        assertThat(c.access(5L)).isEqualTo(Categories.Access.PUBLIC);
        clock.now = clock.now.plus(Categories.MAX_AGE).plusSeconds(1);
        assertThat(c.access(5L)).as("within the grace, what was read stays").isEqualTo(Categories.Access.PUBLIC);
        clock.now = clock.now.plus(Categories.GRACE);
        assertThatThrownBy(() -> c.access(5L)).isInstanceOf(Categories.Unknown.class);
    }

    @Test
    void theSiteIsReadAgainWhenOldOrWhenACategoryChanged() throws Exception {
        Forum forum = new Forum();
        MovableClock clock = new MovableClock();
        forum.siteAnswers.add(json(SITE));
        forum.siteAnswers.add(null); // 304
        forum.siteAnswers.add(json(site(true)));
        Categories c = new Categories(forum, clock);
        assertThat(c.access(5L)).isEqualTo(Categories.Access.PUBLIC);
        clock.now = clock.now.plus(Duration.ofMinutes(1));
        assertThat(c.access(5L)).as("fresh: not read again").isEqualTo(Categories.Access.PUBLIC);
        c.invalidate();
        assertThat(c.access(5L)).as("unchanged (304)").isEqualTo(Categories.Access.PUBLIC);
        clock.now = clock.now.plus(Categories.MAX_AGE).plusSeconds(1);
        assertThat(c.access(5L)).as("made restricted on the forum").isEqualTo(Categories.Access.RESTRICTED);
    }
}
