package coop.comptoir.bots.forum;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.util.Optional;

/** Categories as a forum's {@code /site.json} lists them, for tests; a category not listed is not visible. */
final class TestCategories {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ObjectNode site = JSON.createObjectNode();
    private final ArrayNode list = site.putArray("categories");

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
        ObjectNode c = list.addObject().put("id", id).put("name", name)
                .put("slug", name.toLowerCase().replace(' ', '-')).put("read_restricted", restricted);
        if (parent != null) {
            c.put("parent_category_id", parent);
        }
        return this;
    }

    Categories categories() {
        JsonNode doc = site.deepCopy();
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
