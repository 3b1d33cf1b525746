package coop.comptoir.bench.fullconfig;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small Discourse for the benchmark: {@code /latest.json} with a fixed list of topics (a new one
 * every {@code newTopicEvery} polls, so polling has something to announce now and then),
 * {@code /site.json} with their categories (all readable by everyone), {@code /t/{id}.json} with a
 * first post. Shapes follow the fields the forum plugin reads; the e2e suite's fake Discourse
 * (checked against Discourse's API description) is the conformance one.
 */
final class MiniDiscourse implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer server;
    private final int newTopicEvery;
    private final AtomicLong polls = new AtomicLong();

    MiniDiscourse(int newTopicEvery) throws IOException {
        this.newTopicEvery = newTopicEvery;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(2));
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    long polls() {
        return polls.get();
    }

    private int topics() {
        return 30 + (int) (polls.get() / Math.max(1, newTopicEvery));
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            ex.getRequestBody().readAllBytes();
            String path = ex.getRequestURI().getPath();
            ObjectNode out = JSON.createObjectNode();
            if (path.equals("/latest.json")) {
                polls.incrementAndGet();
                ArrayNode list = out.putObject("topic_list").put("can_create_topic", false).put("per_page", 30)
                        .putArray("topics");
                int n = topics();
                for (int id = n; id > n - 30; id--) {
                    list.add(topic(id));
                }
                out.putArray("users").addObject().put("id", 1).put("username", "discourse1").put("name", "Discourse One")
                        .put("avatar_template", "/letter_avatar_proxy/v4/letter/d/a8b319/{size}.png");
            } else if (path.equals("/site.json")) {
                ArrayNode cats = out.putArray("categories");
                for (int c = 1; c <= 3; c++) {
                    cats.addObject().put("id", c).put("name", "Catégorie " + c).put("slug", "cat-" + c)
                            .put("read_restricted", false).put("color", "0088CC").put("text_color", "FFFFFF")
                            .put("topic_url", "/t/a-propos-" + c + "/" + c).put("permission", 1);
                }
            } else if (path.matches("/t/\\d+\\.json")) {
                int id = Integer.parseInt(path.replaceAll("\\D", ""));
                out = topic(id);
                out.putObject("post_stream").putArray("posts").addObject().put("id", 10_000 + id).put("post_number", 1)
                        .put("post_type", 1).put("topic_id", id).put("username", "discourse1").put("name", "Discourse One")
                        .put("cooked", "<p>Le sujet n°" + id + " : <strong>commande groupée</strong> de la semaine.</p>")
                        .put("created_at", Instant.now().toString());
            } else {
                ex.sendResponseHeaders(404, -1);
                return;
            }
            byte[] body = JSON.writeValueAsBytes(out);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
        }
    }

    private static ObjectNode topic(int id) {
        String now = Instant.now().toString();
        ObjectNode t = JSON.createObjectNode();
        t.put("id", id).put("title", "Sujet " + id).put("fancy_title", "Sujet " + id).put("slug", "sujet-" + id)
                .put("category_id", 1 + id % 3).put("created_at", now).put("bumped_at", now).put("last_posted_at", now)
                .put("archetype", "regular").put("visible", true).put("closed", false).put("archived", false)
                .put("pinned", false).put("unlisted", false).put("posts_count", 1).put("reply_count", 0)
                .put("excerpt", "Une commande groupée pour la semaine " + id).putArray("tags");
        t.putArray("posters").addObject().put("user_id", 1).put("description", "Original Poster");
        return t;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
