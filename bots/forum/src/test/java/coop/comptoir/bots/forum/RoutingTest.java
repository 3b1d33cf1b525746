package coop.comptoir.bots.forum;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RoutingTest {
    private final Routing routing = new Routing(List.of(
            new ForumConfig.Route(5L, "courses", "Courses", null, TestRooms.of("!courses:coop.example"), true),
            new ForumConfig.Route(5L, "courses", null, List.of("Urgent"), TestRooms.of("#annonces:coop.example"), false),
            new ForumConfig.Route(7L, "vie-coop", null, null, TestRooms.of("#annonces:coop.example", "!ca:coop.example"), null),
            new ForumConfig.Route(null, null, null, List.of("ag"), TestRooms.of("!ag:coop.example"), null)),
            List.of(), "https://forum.example.coop", TestCategories.site().open(5, "Courses").open(7, "Vie de la coop")
                    .open(9, "Divers").categories());

    @Test
    void aCategoryGoesToItsRooms() {
        assertThat(routing.targets(5L, List.of())).containsExactly(
                new Routing.Target("!courses:coop.example", true, "Courses"));
        assertThat(routing.targets(7L, List.of())).extracting(Routing.Target::room)
                .containsExactly("#annonces:coop.example", "!ca:coop.example");
        assertThat(routing.targets(7L, List.of()).get(0).categoryLabel()).isEqualTo("vie-coop");
    }

    @Test
    void tagsNarrowARouteAndAreCaseInsensitive() {
        assertThat(routing.targets(5L, List.of("urgent"))).extracting(Routing.Target::room)
                .containsExactly("!courses:coop.example", "#annonces:coop.example");
        assertThat(routing.targets(9L, List.of("ag"))).extracting(Routing.Target::room).containsExactly("!ag:coop.example");
    }

    @Test
    void unroutedTopicsGoNowhere() {
        assertThat(routing.targets(9L, List.of())).isEmpty();
        assertThat(routing.targets(null, List.of("autre"))).isEmpty();
    }

    @Test
    void aRouteWithoutCategoryTakesOnlyCategoriesEveryoneMayRead() {
        Routing r = new Routing(List.of(
                new ForumConfig.Route(null, null, null, null, TestRooms.of("!general:coop.example"), null),
                new ForumConfig.Route(12L, "bureau", "Bureau", null, TestRooms.of("!bureau:coop.example"), null),
                new ForumConfig.Route(null, null, null, List.of("urgent"), TestRooms.of("!annonces:coop.example"), null)),
                List.of(), "https://forum.example.coop", TestCategories.site().open(5, "Courses").restricted(12, "Bureau")
                        .add(13, "Sous-bureau", false, 12L).categories());
        assertThat(r.targets(5L, List.of("urgent"))).extracting(Routing.Target::room)
                .containsExactly("!general:coop.example", "!annonces:coop.example");
        assertThat(r.targets(12L, List.of("urgent"))).as("only the route naming it").extracting(Routing.Target::room)
                .containsExactly("!bureau:coop.example");
        assertThat(r.targets(13L, List.of())).as("a public child of a restricted category").isEmpty();
        assertThat(r.targets(99L, List.of())).as("a category the key's user cannot see").isEmpty();
        assertThat(r.targets(null, List.of())).isEmpty();
        assertThat(r.visibleIn(12L, "!bureau:coop.example")).isTrue();
        assertThat(r.visibleIn(12L, "!general:coop.example")).isFalse();
        assertThat(r.visibleIn(5L, "!bureau:coop.example")).isTrue();
    }

    @Test
    void forumFeedsGiveRestrictedItemsOnlyToTheRoomsNamingTheirCategory() {
        String base = "https://forum.example.coop";
        ForumConfig.Feed latest = new ForumConfig.Feed(null, null, java.time.Duration.ofSeconds(60), null, "rss", "/latest.rss", TestRooms.of("!general:coop.example"), true);
        ForumConfig.Feed bureau = new ForumConfig.Feed(null, null, java.time.Duration.ofSeconds(60), null, "rss", base + "/c/bureau/12.rss", TestRooms.of("!ca:coop.example"), null);
        ForumConfig.Feed blog = new ForumConfig.Feed(null, null, java.time.Duration.ofSeconds(60), null, "rss", "https://blog.example.org/feed", TestRooms.of("!blog:coop.example"), null);
        Routing r = new Routing(List.of(
                new ForumConfig.Route(12L, "bureau", "Bureau", null, TestRooms.of("!bureau:coop.example"), null),
                new ForumConfig.Route(null, null, "Bureau", null, TestRooms.of("!nommee:coop.example"), null)),
                List.of(latest, bureau, blog), base, TestCategories.site().open(5, "Courses").restricted(12, "Bureau").categories());

        assertThat(r.feedTargets(latest, "Courses")).extracting(Routing.Target::room).containsExactly("!general:coop.example");
        assertThat(r.feedTargets(latest, "Bureau")).as("only the route with its category_id, not the one with its name")
                .extracting(Routing.Target::room)
                .containsExactly("!bureau:coop.example");
        assertThat(r.feedTargets(latest, "Catégorie inconnue")).isEmpty();
        assertThat(r.feedTargets(bureau, "Bureau")).as("the feed of that category").extracting(Routing.Target::room)
                .containsExactly("!ca:coop.example");
        assertThat(r.feedTargets(blog, "Bureau")).as("another site's categories").extracting(Routing.Target::room)
                .containsExactly("!blog:coop.example");
        assertThat(r.feedCategory(bureau)).isEqualTo(12L);
        assertThat(r.feedCategory(latest)).isNull();
        assertThat(r.matchingRooms(12L, List.of())).containsExactlyInAnyOrder("!bureau:coop.example", "!ca:coop.example");
    }

    @Test
    void commandFindsCategoriesBySlugNameOrId() {
        assertThat(routing.byName("COURSES").categoryId()).isEqualTo(5L);
        assertThat(routing.byName("7").categorySlug()).isEqualTo("vie-coop");
        assertThat(routing.byName("nope")).isNull();
    }
}
