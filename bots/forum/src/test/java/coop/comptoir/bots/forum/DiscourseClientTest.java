package coop.comptoir.bots.forum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Headers;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Conditional reads of RSS feeds, on the same machinery as the JSON feeds. */
class DiscourseClientTest {
    private final MockWebServer server = new MockWebServer();
    private DiscourseClient client;
    private String base;

    @BeforeEach
    void setUp() throws Exception {
        server.start();
        base = server.url("/").toString().replaceAll("/$", "");
        client = new DiscourseClient(new OkHttpClient(), base, "secret-key", "system");
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    @Test
    void anUnchangedFeedIsA304AndNoItems() throws Exception {
        byte[] rss = FeedParserTest.sample("latest.rss");
        server.enqueue(new MockResponse(200, Headers.of("Content-Type", "application/rss+xml", "ETag", "\"v1\"",
                "Last-Modified", "Sun, 01 Nov 2026 10:05:00 GMT"), new String(rss, StandardCharsets.UTF_8)));
        server.enqueue(new MockResponse(304, Headers.of(), ""));

        assertThat(client.readConditional("/latest.rss", "application/rss+xml")).hasValueSatisfying(b ->
                assertThat(new String(b, StandardCharsets.UTF_8)).contains("Commande groupée"));
        assertThat(client.readConditional("/latest.rss", "application/rss+xml")).isEmpty();

        RecordedRequest first = server.takeRequest(5, TimeUnit.SECONDS);
        assertThat(first.getHeaders().get("If-None-Match")).isNull();
        assertThat(first.getHeaders().get("Accept")).isEqualTo("application/rss+xml");
        RecordedRequest second = server.takeRequest(5, TimeUnit.SECONDS);
        assertThat(second.getHeaders().get("If-None-Match")).isEqualTo("\"v1\"");
        assertThat(second.getHeaders().get("If-Modified-Since")).isEqualTo("Sun, 01 Nov 2026 10:05:00 GMT");
        assertThat(second.getHeaders().get("Api-Key")).isEqualTo("secret-key");
    }

    @Test
    void theApiKeyIsNotSentToAnotherSitesFeed() throws Exception {
        DiscourseClient other = new DiscourseClient(new OkHttpClient(), "https://forum.example.coop", "secret-key", "system");
        server.enqueue(new MockResponse(200, Headers.of(), "<feed xmlns=\"http://www.w3.org/2005/Atom\"/>"));

        assertThat(other.readConditional(server.url("/feed.atom").toString(), "application/atom+xml")).isPresent();
        RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
        assertThat(r.getHeaders().get("Api-Key")).isNull();
        assertThat(r.getHeaders().get("Api-Username")).isNull();
    }

    @Test
    void theApiKeyFollowsNoRedirect() throws Exception {
        try (MockWebServer elsewhere = new MockWebServer()) {
            elsewhere.start();
            elsewhere.enqueue(new MockResponse(200, Headers.of(), "{}"));
            server.enqueue(new MockResponse(302, Headers.of("Location", elsewhere.url("/latest.json").toString()), ""));
            server.enqueue(new MockResponse(301, Headers.of("Location", elsewhere.url("/t/1.json").toString()), ""));

            assertThatThrownBy(() -> client.readFeed("/latest.json")).isInstanceOf(DiscourseClient.ForumUnavailable.class)
                    .hasMessageContaining("HTTP 302").hasMessageContaining("redirect").hasMessageNotContaining("secret-key");
            assertThatThrownBy(() -> client.get("/t/1.json")).isInstanceOf(DiscourseClient.ForumUnavailable.class)
                    .hasMessageContaining("HTTP 301");
            assertThat(elsewhere.getRequestCount()).as("requests that reached the other host").isZero();
        }
    }

    @Test
    void anApiKeyOverPlainHttpIsRefusedUnlessTheForumIsThisMachine() {
        assertThatThrownBy(() -> new DiscourseClient(new OkHttpClient(), "http://forum.example.coop", "secret-key", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("secret-key");
        // Plain http stays possible without a key, and with one on this machine (the loopback fake of the tests).
        new DiscourseClient(new OkHttpClient(), "http://forum.example.coop", null, null);
        new DiscourseClient(new OkHttpClient(), "http://localhost:8080", "secret-key", null);
        new DiscourseClient(new OkHttpClient(), "http://[::1]:8080", "secret-key", null);
    }

    @Test
    void noApiUsernameIsSentUnlessOneIsConfigured() throws Exception {
        DiscourseClient singleUserKey = new DiscourseClient(new OkHttpClient(), base, "secret-key", null);
        server.enqueue(new MockResponse(200, Headers.of(), "{}"));
        server.enqueue(new MockResponse(200, Headers.of(), "{}"));
        singleUserKey.get("/latest.json");
        new DiscourseClient(new OkHttpClient(), base, "secret-key", "annonces").get("/latest.json");

        RecordedRequest first = server.takeRequest(5, TimeUnit.SECONDS);
        assertThat(first.getHeaders().get("Api-Key")).isEqualTo("secret-key");
        assertThat(first.getHeaders().get("Api-Username")).as("no administrator by default").isNull();
        assertThat(server.takeRequest(5, TimeUnit.SECONDS).getHeaders().get("Api-Username")).isEqualTo("annonces");

        server.enqueue(new MockResponse(403, Headers.of(), "{}"));
        assertThatThrownBy(() -> singleUserKey.get("/latest.json")).as("an \"all users\" key without user")
                .hasMessageContaining("api_username").hasMessageNotContaining("secret-key");
    }

    @Test
    void chunkedAndGzippedAnswersAreCappedToo() throws Exception {
        String huge = "{\"a\":\"" + "x".repeat(9 * 1024 * 1024) + "\"}";
        server.enqueue(new MockResponse.Builder().code(200).chunkedBody(huge, 64 * 1024).build());
        okio.Buffer gz = new okio.Buffer();
        try (var out = new java.util.zip.GZIPOutputStream(gz.outputStream())) {
            out.write(huge.getBytes(StandardCharsets.UTF_8));
        }
        assertThat(gz.size()).as("small on the wire").isLessThan(100_000);
        server.enqueue(new MockResponse.Builder().code(200).addHeader("Content-Encoding", "gzip").body(gz).build());
        server.enqueue(new MockResponse.Builder().code(200).addHeader("Content-Encoding", "gzip").body(gz.clone()).build());

        assertThatThrownBy(() -> client.get("/t/1.json")).isInstanceOf(DiscourseClient.ForumUnavailable.class)
                .hasMessage("/t/1.json: answer too large");
        assertThatThrownBy(() -> client.get("/t/2.json")).isInstanceOf(DiscourseClient.ForumUnavailable.class)
                .hasMessage("/t/2.json: answer too large");
        assertThatThrownBy(() -> client.readFeed("/latest.json")).isInstanceOf(DiscourseClient.ForumUnavailable.class)
                .hasMessage("/latest.json: answer too large");
    }

    @Test
    void aFailingFeedIsForumUnavailableForTheBackoff() {
        server.enqueue(new MockResponse(502, Headers.of(), "Bad gateway"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.readConditional("/latest.rss", "application/rss+xml"))
                .isInstanceOf(DiscourseClient.ForumUnavailable.class).hasMessage("/latest.rss: HTTP 502")
                .hasMessageNotContaining("secret-key");
    }
}
