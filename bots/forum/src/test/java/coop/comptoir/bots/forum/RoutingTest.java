package coop.comptoir.bots.forum;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RoutingTest {
    private final Routing routing = new Routing(List.of(
            new ForumConfig.Route(5L, "courses", "Courses", null, List.of("!courses:coop.example"), true),
            new ForumConfig.Route(5L, "courses", null, List.of("Urgent"), List.of("#annonces:coop.example"), false),
            new ForumConfig.Route(7L, "vie-coop", null, null, List.of("#annonces:coop.example", "!ca:coop.example"), null),
            new ForumConfig.Route(null, null, null, List.of("ag"), List.of("!ag:coop.example"), null)));

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
    void commandFindsCategoriesBySlugNameOrId() {
        assertThat(routing.byName("COURSES").categoryId()).isEqualTo(5L);
        assertThat(routing.byName("7").categorySlug()).isEqualTo("vie-coop");
        assertThat(routing.byName("nope")).isNull();
    }
}
