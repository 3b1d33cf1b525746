package coop.comptoir.internal.matrix;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.api.id.UserId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Headers;
import okhttp3.OkHttpClient;

/**
 * A scripted homeserver on loopback and an {@link HttpMatrixClient} pointed at it, for tests. Every
 * scripted answer is checked against the client-server description ({@link SpecCheckedHomeserver});
 * {@link #close()} fails the test if one differed, unless it was given with {@link #answerOffSpec}.
 */
final class MockHomeserver implements AutoCloseable {
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final String TOKEN = "as_s3cr3t_t0ken";
    static final UserId BOT = UserId.of("@comptoir:example.org");
    static final Duration BASE_DELAY = Duration.ofMillis(100);
    static final Duration MAX_DELAY = Duration.ofMillis(1000);
    /** OkHttp's own silent retry would eat scripted answers. */
    private static final OkHttpClient HTTP = new OkHttpClient.Builder()
            .retryOnConnectionFailure(false)
            .callTimeout(Duration.ofSeconds(10))
            .build();

    final MockWebServer server = new MockWebServer();
    /** The waits the client asked for, in order. */
    final List<Duration> sleeps = new CopyOnWriteArrayList<>();
    /** "METHOD template status" of every exchange the listener saw. */
    final List<String> exchanges = new CopyOnWriteArrayList<>();
    final HttpMatrixClient client;
    /** Checks the answers against the description; tests that script by a dispatcher of their own wrap it with {@link #dispatch}. */
    SpecCheckedHomeserver answers;

    MockHomeserver() {
        this(4);
    }

    MockHomeserver(int maxAttempts) {
        try {
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        answers = new SpecCheckedHomeserver(null);
        // an unscripted request gets a 404 instead of hanging
        answers.setFailFast(new MockResponse(404, Headers.of("Content-Type", "application/json"),
                "{\"errcode\":\"M_NOT_FOUND\",\"error\":\"Not scripted by the test\"}"));
        server.setDispatcher(answers);
        RetryPolicy retry = new RetryPolicy(maxAttempts, BASE_DELAY, MAX_DELAY, sleeps::add);
        client = new HttpMatrixClient(server.url("/"), TOKEN, BOT, HTTP, MAPPER, retry,
                (method, template, status, nanos) -> exchanges.add(method + " " + template + " " + status));
    }

    void answer(int code, String body) {
        server.enqueue(new MockResponse(code, Headers.of("Content-Type", "application/json"), body));
    }

    void answer(MockResponse response) {
        server.enqueue(response);
    }

    /** Scripts an answer no homeserver following the description would give, on purpose, for {@code why}. */
    void answerOffSpec(MockResponse response, String why) {
        server.enqueue(answers.offSpec(response, why));
    }

    /** As {@link #answerOffSpec(MockResponse, String)}, a JSON body. */
    void answerOffSpec(int code, String body, String why) {
        answerOffSpec(new MockResponse(code, Headers.of("Content-Type", "application/json"), body), why);
    }

    /** Answers with {@code dispatcher} from now on, each answer still checked against the description. */
    void dispatch(mockwebserver3.Dispatcher dispatcher) {
        answers = new SpecCheckedHomeserver(dispatcher);
        server.setDispatcher(answers);
    }

    /** The next request the server received; fails if none came. */
    RecordedRequest take() {
        try {
            RecordedRequest request = server.takeRequest(5, TimeUnit.SECONDS);
            assertThat(request).as("a request reached the homeserver").isNotNull();
            assertThat(request.getHeaders().get("Authorization")).isEqualTo("Bearer " + TOKEN);
            return request;
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ObjectNode object(String text) {
        return (ObjectNode) json(text);
    }

    /** The request's JSON body, or null if it had none. */
    static JsonNode body(RecordedRequest request) {
        if (request.getBody() == null || request.getBody().size() == 0) {
            return null;
        }
        return json(request.getBody().utf8());
    }

    /** Stops the server; fails if an answer given differed from the description (see {@link SpecCheckedHomeserver}). */
    @Override
    public void close() {
        server.close();
        assertThat(answers.problems()).as("answers of the scripted homeserver that no homeserver would give").isEmpty();
    }
}
