package coop.comptoir.bots.forum;

import static org.assertj.core.api.Assertions.assertThat;

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
    void aFailingFeedIsForumUnavailableForTheBackoff() {
        server.enqueue(new MockResponse(502, Headers.of(), "Bad gateway"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.readConditional("/latest.rss", "application/rss+xml"))
                .isInstanceOf(DiscourseClient.ForumUnavailable.class).hasMessage("/latest.rss: HTTP 502")
                .hasMessageNotContaining("secret-key");
    }
}
