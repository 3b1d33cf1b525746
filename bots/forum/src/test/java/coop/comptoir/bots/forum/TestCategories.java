package coop.comptoir.bots.forum;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.util.Optional;

/**
 * Categories as a forum's {@code /site.json} lists them, for tests; a category not listed is not
 * visible. The document is checked against Discourse's description (see {@link DiscourseFixtures}).
 */
final class TestCategories {
    private final ObjectNode site = DiscourseFixtures.site();
    private final ArrayNode list = (ArrayNode) site.get("categories");

    static TestCategories site() {
        return new TestCategories();
    }

    TestCategories open(long id, String name) {
        return add(id, name, false, null);
    }

    TestCategories restricted(long id, String name) {
        return add(id, name, true, null);
    }

    TestCategories add(long id, String name, boolean restricted, Long parent) {
        list.add(DiscourseFixtures.siteCategory(id, name, name.toLowerCase().replace(' ', '-'), restricted, parent));
        return this;
    }

    Categories categories() {
        JsonNode doc = DiscourseFixtures.response("/site.json", site.deepCopy());
        return new Categories(new Categories.Source() {
            @Override
            public Optional<JsonNode> site() {
                return Optional.of(doc);
            }

            @Override
            public Optional<JsonNode> category(long id) {
                return Optional.empty();
            }
        }, Clock.systemUTC());
    }
}
