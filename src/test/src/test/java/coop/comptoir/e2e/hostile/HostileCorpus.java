package coop.comptoir.e2e.hostile;

import com.fasterxml.jackson.databind.JsonNode;
import coop.comptoir.e2e.rig.Http;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The hostile-content corpus ({@code src/test/resources/hostile/corpus.json}): one list of items, each
 * with an ID, what it attacks and its text, pushed along every bridged path by the hostile-content
 * end-to-end tests. A generated text is its {@code prefix}, then {@code repeat} {@code times} times
 * ({@code {n}} in it replaced by a Discord-like ID counting up), then {@code suffix}.
 */
public final class HostileCorpus {
    /** What {@code {n}} counts up from: a snowflake nobody has. */
    public static final long FIRST_ID = 900_000_000_000_000_000L;

    /** One hostile item: a message text ({@code kind} text) or a sender's name ({@code kind} name). */
    public record Item(String id, String kind, String attacks, String text) {
        @Override
        public String toString() {
            return id;
        }
    }

    private static final List<Item> ITEMS = load();

    private HostileCorpus() {}

    /** The message texts, in the corpus's order. */
    public static List<Item> texts() {
        return ITEMS.stream().filter(i -> i.kind().equals("text")).toList();
    }

    /** The names, in the corpus's order. */
    public static List<Item> names() {
        return ITEMS.stream().filter(i -> i.kind().equals("name")).toList();
    }

    /** The item with this ID. */
    public static Item item(String id) {
        return ITEMS.stream().filter(i -> i.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no corpus item " + id));
    }

    private static List<Item> load() {
        try (InputStream in = HostileCorpus.class.getResourceAsStream("/hostile/corpus.json")) {
            if (in == null) {
                throw new IllegalStateException("hostile/corpus.json is not on the class path");
            }
            List<Item> items = new ArrayList<>();
            for (JsonNode n : Http.JSON.readTree(in).path("items")) {
                String text = n.has("text") ? n.path("text").asText() : generate(n.path("generate"));
                items.add(new Item(n.path("id").asText(), n.path("kind").asText(), n.path("attacks").asText(), text));
            }
            return List.copyOf(items);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String generate(JsonNode g) {
        String repeat = g.path("repeat").asText();
        int times = g.path("times").asInt();
        StringBuilder sb = new StringBuilder(g.path("prefix").asText());
        for (int i = 0; i < times; i++) {
            sb.append(repeat.replace("{n}", Long.toString(FIRST_ID + i)));
        }
        return sb.append(g.path("suffix").asText()).toString();
    }
}
