package coop.comptoir.e2e.forum;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
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
    final AtomicInteger siteServed = new AtomicInteger();

    FakeDiscourse(Path referenceLatest) throws IOException {
        this.latest = (ObjectNode) JSON.readTree(Files.readAllBytes(referenceLatest));
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
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
        categories.addObject().put("id", id).put("name", name).put("slug", name.toLowerCase(java.util.Locale.ROOT)
                .replaceAll("[^a-z0-9]+", "-")).put("read_restricted", readRestricted);
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

    /** The topic as a topic webhook carries it. */
    static ObjectNode topicPayload(long id, String title, long categoryId) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode t = root.putObject("topic");
        t.put("id", id).put("title", title).put("fancy_title", title).put("slug", "sujet-" + id)
                .put("category_id", categoryId).put("archetype", "regular").put("visible", true)
                .put("created_at", Instant.now().toString()).put("user_id", 1);
        t.putObject("created_by").put("id", 1).put("username", "discourse1");
        t.putArray("tags");
        return root;
    }

    /** A post as a post webhook carries it. */
    static ObjectNode postPayload(long postId, long topicId, int number, String title, long categoryId, String cooked) {
        ObjectNode root = JSON.createObjectNode();
        root.putObject("post").put("id", postId).put("topic_id", topicId).put("post_number", number).put("post_type", 1)
                .put("user_id", 1).put("username", "discourse1").put("cooked", cooked).put("topic_title", title)
                .put("topic_slug", "sujet-" + topicId).put("category_id", categoryId).put("topic_archetype", "regular");
        return root;
    }

    /** Posts a webhook to {@code url}; {@code secret} null: no signature header. Returns the status. */
    int sendWebhook(String url, String event, JsonNode payload, String secret) throws Exception {
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
                ObjectNode site = JSON.createObjectNode();
                synchronized (this) {
                    site.set("categories", categories.deepCopy());
                }
                siteServed.incrementAndGet();
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
                ((ObjectNode) topic).putNull("deleted_at");
                json(ex, topic);
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

    @Override
    public void close() {
        server.stop(0);
    }
}
