package coop.comptoir.e2e.forum;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import coop.comptoir.testing.spec.DiscourseApi;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A Discourse on loopback: serves {@code /latest.json} (the reference response of the shared spec
 * folder, plus the topics a test adds) with an ETag, the same topics as {@code /latest.rss} with a
 * Last-Modified, a category feed {@code /c/annonces/9.rss} holding only the topics added to it,
 * {@code /site.json} with the categories a test declares ({@code read_restricted} each), and
 * {@code /t/{id}.json} for the topics added (404 once {@link #deleteTopic deleted}); can be switched
 * "down" (503), and sends signed webhooks the way Discourse does (with an {@code X-Discourse-Event-Id}).
 *
 * <p>Every JSON answer it gives and every webhook body it sends is checked against Discourse's API
 * description ({@code ../shared/spec/discourse/openapi.json}, see {@link DiscourseApi}), down into
 * nested values; {@link #close()} fails if one differed ({@link #specProblems()} tells which). The
 * documents are built to match it: {@code /site.json} and {@code /t/{id}.json} from the smallest
 * answer the description allows, with the fields Comptoir reads set as a forum would. The
 * reference {@code /latest.json} (a real answer of an older Discourse) has {@code null} in four
 * fields the description types as string, boolean or integer; the fake leaves those fields out.
 */
final class FakeDiscourse implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ObjectNode latest;
    private final HttpClient client = HttpClient.newHttpClient();
    private final AtomicBoolean down = new AtomicBoolean();
    final AtomicInteger latestServed = new AtomicInteger();
    final AtomicInteger latestFailed = new AtomicInteger();
    final AtomicInteger notModified = new AtomicInteger();
    final AtomicInteger withApiKey = new AtomicInteger();
    final AtomicInteger rssServed = new AtomicInteger();
    final AtomicInteger rssNotModified = new AtomicInteger();
    final AtomicInteger categoryRssServed = new AtomicInteger();
    /** Topics only in {@code /c/annonces/9.rss} (a category the API key cannot read, say). */
    private final ArrayNode rssOnly = JSON.createArrayNode();
    /** The categories of {@code /site.json}. */
    private final ArrayNode categories = JSON.createArrayNode();
    private final java.util.Set<Long> deleted = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final AtomicInteger deliveries = new AtomicInteger(1000);
    private final DiscourseApi api;
    private final List<String> specProblems = new CopyOnWriteArrayList<>();
    final AtomicInteger siteServed = new AtomicInteger();

    FakeDiscourse(Path referenceLatest) throws IOException {
        this.latest = (ObjectNode) JSON.readTree(Files.readAllBytes(referenceLatest));
        this.api = DiscourseApi.load(referenceLatest.getParent().getParent().getParent().resolve("openapi.json"));
        // Nulls of the older Discourse the reference answer comes from, where the description allows none
        ObjectNode list = (ObjectNode) latest.path("topic_list");
        removeNull(list, "draft_sequence");
        for (JsonNode t : list.path("topics")) {
            for (String field : new String[] {"image_url", "bookmarked", "liked"}) {
                removeNull((ObjectNode) t, field);
            }
        }
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    private static void removeNull(ObjectNode o, String field) {
        if (o.has(field) && o.get(field).isNull()) {
            o.remove(field);
        }
    }

    /** Every way an answer given or a webhook sent so far differed from Discourse's API description. */
    List<String> specProblems() {
        return List.copyOf(specProblems);
    }

    private void check(String path, JsonNode answer) {
        specProblems.addAll(api.checkResponse("GET", path, 200, answer));
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    void down(boolean isDown) {
        down.set(isDown);
    }

    /** Adds a topic to {@code /latest.json}, shaped like the reference ones, by the reference user 1. */
    synchronized ObjectNode addTopic(long id, String title, long categoryId) {
        ArrayNode topics = (ArrayNode) latest.path("topic_list").path("topics");
        ObjectNode t = topics.get(0).deepCopy();
        String now = Instant.now().toString();
        t.put("id", id).put("title", title).put("fancy_title", title).put("slug", "sujet-" + id)
                .put("category_id", categoryId).put("created_at", now).put("bumped_at", now).put("archetype", "regular")
                .put("visible", true);
        topics.insert(0, t);
        return t;
    }

    /** Declares a category in {@code /site.json}. */
    synchronized void addCategory(long id, String name, boolean readRestricted) {
        String slug = name.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
        categories.add(api.minimalResponsePart("GET", "/site.json", 200, "/properties/categories/items")
                .put("id", id).put("name", name).put("slug", slug).put("read_restricted", readRestricted)
                .put("color", "0088CC").put("text_color", "FFFFFF").put("topic_url", "/t/a-propos-de-" + slug + "/" + id)
                .put("permission", 1).put("notification_level", 1));
    }

    /** Deletes a topic: gone from {@code /latest.json}, {@code /t/{id}.json} answers 404. */
    synchronized void deleteTopic(long id) {
        deleted.add(id);
        ArrayNode topics = (ArrayNode) latest.path("topic_list").path("topics");
        for (int i = topics.size() - 1; i >= 0; i--) {
            if (topics.get(i).path("id").asLong() == id) {
                topics.remove(i);
            }
        }
    }

    /** Adds a topic to {@code /c/annonces/9.rss} only. */
    synchronized void addRssOnlyTopic(long id, String title) {
        String now = Instant.now().toString();
        rssOnly.insert(0, JSON.createObjectNode().put("id", id).put("title", title).put("slug", "sujet-" + id)
                .put("category_id", 9).put("created_at", now).put("excerpt", "<p>Annonce réservée aux membres</p>"));
    }

    /** Changes a topic's title in {@code /latest.json}, as an edit on the forum does. */
    synchronized void renameTopic(long id, String title) {
        for (JsonNode t : latest.path("topic_list").path("topics")) {
            if (t.path("id").asLong() == id) {
                ((ObjectNode) t).put("title", title).put("fancy_title", title);
            }
        }
    }

    /** Moves a topic to another category in {@code /latest.json}. */
    synchronized void moveTopic(long id, long categoryId) {
        for (JsonNode t : latest.path("topic_list").path("topics")) {
            if (t.path("id").asLong() == id) {
                ((ObjectNode) t).put("category_id", categoryId);
            }
        }
    }

    /** The topic as a topic webhook carries it (the fields of {@code /t/{id}.json}, plus {@code created_by}). */
    static ObjectNode topicPayload(long id, String title, long categoryId) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode t = root.putObject("topic");
        String now = Instant.now().toString();
        t.put("id", id).put("title", title).put("fancy_title", title).put("slug", "sujet-" + id)
                .put("category_id", categoryId).put("archetype", "regular").put("visible", true).put("closed", false)
                .put("archived", false).put("posts_count", 1).put("reply_count", 0).put("like_count", 0).put("views", 0)
                .put("created_at", now).put("last_posted_at", now).put("user_id", 1).putNull("deleted_at");
        t.set("created_by", user());
        t.set("last_poster", user());
        t.putArray("tags");
        return root;
    }

    /** The reference user 1, as Discourse names a topic's author. */
    private static ObjectNode user() {
        return JSON.createObjectNode().put("id", 1).put("username", "discourse1").put("name", "Discourse One")
                .put("avatar_template", "/letter_avatar_proxy/v4/letter/d/a8b319/{size}.png");
    }

    /** A post as a post webhook carries it (the fields of {@code /posts/{id}.json}, plus the topic's). */
    static ObjectNode postPayload(long postId, long topicId, int number, String title, long categoryId, String cooked) {
        ObjectNode root = JSON.createObjectNode();
        String now = Instant.now().toString();
        root.putObject("post").put("id", postId).put("topic_id", topicId).put("post_number", number).put("post_type", 1)
                .put("user_id", 1).put("username", "discourse1").put("name", "Discourse One")
                .put("avatar_template", "/letter_avatar_proxy/v4/letter/d/a8b319/{size}.png").put("cooked", cooked)
                .put("created_at", now).put("updated_at", now).put("reply_count", 0).put("version", 1).put("hidden", false)
                .putNull("deleted_at").put("topic_title", title).put("topic_slug", "sujet-" + topicId)
                .put("category_id", categoryId).put("topic_archetype", "regular");
        return root;
    }

    /** Posts a webhook to {@code url}; {@code secret} null: no signature header. Returns the status. */
    int sendWebhook(String url, String event, JsonNode payload, String secret) throws Exception {
        specProblems.addAll(api.checkWebhook(event, payload));
        return sendBody(url, event, JSON.writeValueAsBytes(payload), secret);
    }

    /** The bytes Discourse would sign and send for {@code payload}. */
    static byte[] body(JsonNode payload) throws Exception {
        return JSON.writeValueAsBytes(payload);
    }

    /**
     * Posts these exact bytes as a webhook, signed with {@code secret}, under a new delivery ID (as
     * Discourse does for each attempt, or as anyone holding a captured body may). Returns the status.
     */
    int sendBody(String url, String event, byte[] body, String secret) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .header("X-Discourse-Event", event)
                .header("X-Discourse-Event-Type", event.substring(0, event.indexOf('_') < 0 ? event.length() : event.indexOf('_')))
                .header("X-Discourse-Event-Id", Integer.toString(deliveries.incrementAndGet()))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (secret != null) {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            b.header("X-Discourse-Event-Signature", "sha256=" + HexFormat.of().formatHex(mac.doFinal(body)));
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            if (ex.getRequestHeaders().getFirst("Api-Key") != null) {
                withApiKey.incrementAndGet();
            }
            if (path.matches("/c/[^/]+/\\d+\\.json") && !down.get()) {
                long category = Long.parseLong(path.replaceAll(".*/(\\d+)\\.json", "$1"));
                ObjectNode page;
                synchronized (this) {
                    page = latest.deepCopy();
                }
                ArrayNode topics = (ArrayNode) page.path("topic_list").path("topics");
                for (int i = topics.size() - 1; i >= 0; i--) {
                    if (topics.get(i).path("category_id").asLong() != category) {
                        topics.remove(i);
                    }
                }
                asCategoryPage(page);
                check(path, page);
                byte[] body = JSON.writeValueAsBytes(page);
                ex.getResponseHeaders().add("Content-Type", "application/json");
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
                return;
            }
            if ((path.equals("/latest.rss") || path.equals("/c/annonces/9.rss")) && !down.get()) {
                rss(ex, path);
                return;
            }
            if (path.equals("/site.json") && !down.get()) {
                ObjectNode site = api.minimalResponse("GET", "/site.json", 200);
                synchronized (this) {
                    site.set("categories", categories.deepCopy());
                }
                siteServed.incrementAndGet();
                check(path, site);
                json(ex, site);
                return;
            }
            if (path.matches("/t/\\d+\\.json") && !down.get()) {
                long id = Long.parseLong(path.replaceAll("\\D", ""));
                JsonNode topic = null;
                synchronized (this) {
                    for (JsonNode t : latest.path("topic_list").path("topics")) {
                        if (t.path("id").asLong() == id && !deleted.contains(id)) {
                            topic = t.deepCopy();
                        }
                    }
                }
                if (topic == null) {
                    ex.sendResponseHeaders(404, -1);
                    return;
                }
                ObjectNode view = topicView(topic);
                check(path, view);
                json(ex, view);
                return;
            }
            if (!path.equals("/latest.json")) {
                ex.sendResponseHeaders(404, -1);
                return;
            }
            if (down.get()) {
                latestFailed.incrementAndGet();
                ex.sendResponseHeaders(503, -1);
                return;
            }
            byte[] body;
            synchronized (this) {
                check(path, latest);
                body = JSON.writeValueAsBytes(latest);
            }
            String etag = "\"" + Integer.toHexString(java.util.Arrays.hashCode(body)) + "\"";
            latestServed.incrementAndGet();
            if (etag.equals(ex.getRequestHeaders().getFirst("If-None-Match"))) {
                notModified.incrementAndGet();
                ex.getResponseHeaders().add("ETag", etag);
                ex.sendResponseHeaders(304, -1);
                return;
            }
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.getResponseHeaders().add("ETag", etag);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
        }
    }

    /**
     * Turns a copy of {@code /latest.json} into a category's page, which the description shapes a
     * little differently: users have a {@code name}, the list has no draft, and each topic has an
     * excerpt, its poster's primary group, and {@code null} (not absent) where nothing is set.
     */
    private static void asCategoryPage(ObjectNode page) {
        for (JsonNode u : page.path("users")) {
            ((ObjectNode) u).put("name", u.path("name").asText(u.path("username").asText()));
        }
        ObjectNode list = (ObjectNode) page.path("topic_list");
        list.remove(List.of("draft", "draft_key", "draft_sequence"));
        for (JsonNode t : list.path("topics")) {
            ObjectNode topic = (ObjectNode) t;
            topic.put("excerpt", topic.path("excerpt").asText(""));
            for (String field : new String[] {"image_url", "bookmarked", "liked", "featured_link"}) {
                if (!topic.has(field)) {
                    topic.putNull(field);
                }
            }
            for (JsonNode poster : topic.path("posters")) {
                if (!poster.has("primary_group_id")) {
                    ((ObjectNode) poster).putNull("primary_group_id");
                }
            }
        }
    }

    /** {@code /t/{id}.json} for a topic of the list: the topic's fields, its author, its first post. */
    private ObjectNode topicView(JsonNode topic) {
        ObjectNode view = api.minimalResponse("GET", "/t/1.json", 200);
        for (String field : new String[] {"id", "title", "fancy_title", "slug", "category_id", "created_at", "archetype",
                "visible", "posts_count", "reply_count", "views", "like_count", "closed", "archived"}) {
            if (topic.has(field) && !topic.get(field).isNull()) {
                view.set(field, topic.get(field));
            }
        }
        view.put("user_id", 1).putNull("deleted_at").put("draft_key", "topic_" + topic.path("id").asLong())
                .put("highest_post_number", 1);
        ((ObjectNode) view.get("details")).set("created_by", user());
        ((ObjectNode) view.get("details")).set("last_poster", user());
        ObjectNode post = api.minimalResponsePart("GET", "/t/1.json", 200, "/properties/post_stream/properties/posts/items")
                .put("id", topic.path("id").asLong() * 10).put("name", "Discourse One").put("username", "discourse1")
                .put("display_username", "Discourse One").put("avatar_template", "/letter_avatar_proxy/v4/letter/d/a8b319/{size}.png")
                .put("created_at", topic.path("created_at").asText()).put("updated_at", topic.path("created_at").asText())
                .put("cooked", topic.path("excerpt").asText("<p>" + topic.path("title").asText() + "</p>"))
                .put("post_number", 1).put("post_type", 1).put("topic_id", topic.path("id").asLong())
                .put("topic_slug", topic.path("slug").asText()).put("version", 1).put("user_id", 1).put("trust_level", 1);
        ((ArrayNode) view.get("post_stream").get("posts")).add(post);
        ((ArrayNode) view.get("post_stream").get("stream")).add(post.get("id").asLong());
        return view;
    }

    private static void json(HttpExchange ex, JsonNode doc) throws IOException {
        byte[] body = JSON.writeValueAsBytes(doc);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(200, body.length);
        ex.getResponseBody().write(body);
    }

    /** The name {@code /site.json} gives a category, or its ID when it declares none. */
    private String categoryName(long id) {
        for (JsonNode c : categories) {
            if (c.path("id").asLong() == id) {
                return c.path("name").asText();
            }
        }
        return Long.toString(id);
    }

    /** The topics as Discourse's RSS shows them: CDATA title and excerpt, category name, topic URL as link. */
    private void rss(HttpExchange ex, String path) throws IOException {
        boolean latestFeed = path.equals("/latest.rss");
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n")
                .append("<rss version=\"2.0\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><channel>")
                .append("<title>Fake Discourse</title><link>").append(url()).append("</link>");
        Instant newest = Instant.EPOCH;
        synchronized (this) {
            for (JsonNode t : latestFeed ? latest.path("topic_list").path("topics") : rssOnly) {
                if (!"regular".equals(t.path("archetype").asText("regular")) || !t.path("visible").asBoolean(true)) {
                    continue;
                }
                String createdAt = t.path("created_at").asText("");
                Instant created = createdAt.isEmpty() ? Instant.EPOCH : Instant.parse(createdAt);
                newest = created.isAfter(newest) ? created : newest;
                String link = url() + "/t/" + t.path("slug").asText() + "/" + t.path("id").asLong();
                xml.append("<item><title><![CDATA[").append(t.path("title").asText()).append("]]></title>")
                        .append("<dc:creator><![CDATA[@discourse1]]></dc:creator>")
                        .append("<category>").append(categoryName(t.path("category_id").asLong())).append("</category>")
                        .append("<description><![CDATA[").append(t.path("excerpt").asText("")).append("]]></description>")
                        .append("<link>").append(link).append("</link>")
                        .append("<pubDate>").append(java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME
                                .format(created.atZone(java.time.ZoneOffset.UTC))).append("</pubDate>")
                        .append("<guid isPermaLink=\"false\">fake-discourse-topic-").append(t.path("id").asLong())
                        .append("</guid></item>");
            }
        }
        xml.append("</channel></rss>");
        byte[] body = xml.toString().getBytes(StandardCharsets.UTF_8);
        (latestFeed ? rssServed : categoryRssServed).incrementAndGet();
        // Last-Modified only (no ETag), the newest topic's date: the other validator.
        String lastModified = java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME
                .format(newest.atZone(java.time.ZoneOffset.UTC));
        String since = ex.getRequestHeaders().getFirst("If-Modified-Since");
        ex.getResponseHeaders().add("Last-Modified", lastModified);
        if (lastModified.equals(since)) {
            rssNotModified.incrementAndGet();
            ex.sendResponseHeaders(304, -1);
            return;
        }
        ex.getResponseHeaders().add("Content-Type", "application/rss+xml; charset=utf-8");
        ex.sendResponseHeaders(200, body.length);
        ex.getResponseBody().write(body);
    }

    /** Stops the server; fails if an answer or webhook differed from Discourse's description (see {@link #specProblems()}). */
    @Override
    public void close() {
        server.stop(0);
        if (!specProblems.isEmpty()) {
            throw new AssertionError("the fake Discourse gave answers or sent webhooks Discourse would not: " + specProblems);
        }
    }
}
