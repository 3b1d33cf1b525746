package coop.comptoir.internal.matrix;

import static coop.comptoir.internal.matrix.MockHomeserver.BASE_DELAY;
import static coop.comptoir.internal.matrix.MockHomeserver.MAX_DELAY;
import static coop.comptoir.internal.matrix.MockHomeserver.TOKEN;
import static coop.comptoir.internal.matrix.MockHomeserver.object;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.matrix.MatrixException;
import coop.comptoir.api.matrix.OutgoingMessage;
import java.time.Duration;
import mockwebserver3.MockResponse;
import mockwebserver3.SocketEffect;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Rate limits, server errors and network errors: what is waited for, retried and finally thrown. */
class HttpMatrixClientRetryTest {
    private static final RoomId ROOM = RoomId.of("!room:example.org");
    private static final String RATE_LIMITED = "{\"errcode\":\"M_LIMIT_EXCEEDED\",\"error\":\"Too many requests\"";

    private final MockHomeserver hs = new MockHomeserver(4);
    private final Logger log = (Logger) LoggerFactory.getLogger(MatrixTransport.class);
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

    @BeforeEach
    void captureLogs() {
        logged.start();
        log.addAppender(logged);
    }

    @AfterEach
    void stop() {
        log.detachAppender(logged);
        hs.close();
    }

    @Test
    void rateLimitWaitsForRetryAfterHeader() {
        hs.answer(new MockResponse.Builder().code(429).setHeader("Content-Type", "application/json").setHeader("Retry-After", "3")
                .body(RATE_LIMITED + ",\"retry_after_ms\":500}").build());
        hs.answer(200, "{\"event_id\":\"$ok\"}");

        assertThat(send().isEmpty()).isFalse();

        assertThat(hs.sleeps).containsExactly(Duration.ofSeconds(3));
        assertThat(hs.server.getRequestCount()).isEqualTo(2);
        assertThat(hs.take().getTarget()).isEqualTo(hs.take().getTarget()); // same txnId both times
    }

    @Test
    void rateLimitWaitsForRetryAfterMsWithoutHeader() {
        hs.answer(429, RATE_LIMITED + ",\"retry_after_ms\":1500}");
        hs.answer(429, RATE_LIMITED + ",\"retry_after_ms\":20}");
        hs.answer(200, "{\"event_id\":\"$ok\"}");

        send();

        assertThat(hs.sleeps).containsExactly(Duration.ofMillis(1500), Duration.ofMillis(20));
        assertThat(hs.exchanges).containsExactly(
                "PUT /_matrix/client/v3/rooms/{roomId}/send/{eventType}/{txnId} 429",
                "PUT /_matrix/client/v3/rooms/{roomId}/send/{eventType}/{txnId} 429",
                "PUT /_matrix/client/v3/rooms/{roomId}/send/{eventType}/{txnId} 200");
    }

    @Test
    void aRetryAfterOfADayFailsTheCallInsteadOfParkingTheThread() {
        hs.answer(new MockResponse.Builder().code(429).setHeader("Content-Type", "application/json").setHeader("Retry-After", "86400").body(RATE_LIMITED + "}").build());
        hs.answer(200, "{\"event_id\":\"$ok\"}");

        assertThatThrownBy(this::send).isInstanceOfSatisfying(MatrixException.class, e -> {
            assertThat(e.errcode()).isEqualTo("M_LIMIT_EXCEEDED");
            assertThat(e.isTransient()).isTrue();
        });
        assertThat(hs.sleeps).as("no wait at all: the server asked for more than allowed").isEmpty();
        assertThat(hs.server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void aHugeRetryAfterMsFailsTheCallToo() {
        hs.answer(429, RATE_LIMITED + ",\"retry_after_ms\":86400000}");

        assertThatThrownBy(this::send).isInstanceOfSatisfying(MatrixException.class,
                e -> assertThat(e.errcode()).isEqualTo("M_LIMIT_EXCEEDED"));
        assertThat(hs.sleeps).isEmpty();
    }

    @Test
    void theWaitsOfOneCallAreCappedInTotal() {
        hs.answer(new MockResponse.Builder().code(429).setHeader("Content-Type", "application/json").setHeader("Retry-After", "200").body(RATE_LIMITED + "}").build());
        hs.answer(new MockResponse.Builder().code(429).setHeader("Content-Type", "application/json").setHeader("Retry-After", "200").body(RATE_LIMITED + "}").build());
        hs.answer(200, "{\"event_id\":\"$ok\"}");

        assertThatThrownBy(this::send).isInstanceOf(MatrixException.class);
        assertThat(hs.sleeps).as("200 s once; 200 s more would pass the 5 minutes a call may wait")
                .containsExactly(Duration.ofSeconds(200));
        assertThat(hs.server.getRequestCount()).isEqualTo(2);
    }

    @Test
    void rateLimitWithoutHintBacksOff() {
        hs.answer(429, RATE_LIMITED + "}");
        hs.answer(200, "{\"event_id\":\"$ok\"}");

        send();

        assertThat(hs.sleeps).singleElement()
                .satisfies(d -> assertThat(d).isBetween(BASE_DELAY.dividedBy(2), BASE_DELAY));
    }

    @Test
    void rateLimitIsThrownWhenAttemptsAreSpent() {
        for (int i = 0; i < 4; i++) {
            hs.answer(429, RATE_LIMITED + ",\"retry_after_ms\":10}");
        }

        assertThatThrownBy(this::send).isInstanceOfSatisfying(MatrixException.class, e -> {
            assertThat(e.status()).isEqualTo(429);
            assertThat(e.errcode()).isEqualTo("M_LIMIT_EXCEEDED");
            assertThat(e.isTransient()).isTrue();
        });
        assertThat(hs.server.getRequestCount()).isEqualTo(4);
        assertThat(hs.sleeps).hasSize(3);
    }

    @Test
    void serverErrorsBackOffExponentiallyThenSucceed() {
        hs.answer(500, "{\"errcode\":\"M_UNKNOWN\",\"error\":\"Internal server error\"}");
        hs.answer(new MockResponse(502, okhttp3.Headers.of(), "<html>Bad gateway</html>"));
        hs.answerOffSpec(503, "{}", "an error without errcode, as a proxy in front of the homeserver may give");
        hs.answer(200, "{\"event_id\":\"$ok\"}");

        send();

        assertThat(hs.sleeps).hasSize(3);
        assertThat(hs.sleeps.get(0)).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
        assertThat(hs.sleeps.get(1)).isBetween(Duration.ofMillis(100), Duration.ofMillis(200));
        assertThat(hs.sleeps.get(2)).isBetween(Duration.ofMillis(200), Duration.ofMillis(400));
    }

    @Test
    void backoffIsCapped() {
        RetryPolicy policy = new RetryPolicy(20, BASE_DELAY, MAX_DELAY, d -> { });
        for (int attempt = 1; attempt < 70; attempt++) {
            assertThat(policy.backoff(attempt)).isBetween(Duration.ZERO, MAX_DELAY);
        }
        assertThat(policy.backoff(10)).isGreaterThanOrEqualTo(MAX_DELAY.dividedBy(2));
    }

    @Test
    void lastServerErrorIsThrownWhenAttemptsAreSpent() {
        for (int i = 0; i < 4; i++) {
            hs.answer(503, "{\"errcode\":\"M_UNKNOWN\",\"error\":\"down " + i + "\"}");
        }

        assertThatThrownBy(this::send).isInstanceOfSatisfying(MatrixException.class, e -> {
            assertThat(e.status()).isEqualTo(503);
            assertThat(e.getMessage()).contains("down 3");
        });
        assertThat(hs.server.getRequestCount()).isEqualTo(4);
    }

    @Test
    void clientErrorIsThrownAtOnce() {
        hs.answer(403, "{\"errcode\":\"M_FORBIDDEN\",\"error\":\"You are not allowed to send\"}");

        assertThatThrownBy(this::send).isInstanceOfSatisfying(MatrixException.class, e -> {
            assertThat(e.status()).isEqualTo(403);
            assertThat(e.errcode()).isEqualTo("M_FORBIDDEN");
            assertThat(e.isTransient()).isFalse();
        });
        assertThat(hs.server.getRequestCount()).isEqualTo(1);
        assertThat(hs.sleeps).isEmpty();
        assertThat(logged.list).isEmpty();
    }

    @Test
    void networkErrorsAreRetried() {
        hs.answer(new MockResponse.Builder().onRequestStart(new SocketEffect.CloseSocket()).build());
        hs.answer(200, "{\"event_id\":\"$ok\"}");

        send();

        assertThat(hs.sleeps).hasSize(1);
        assertThat(hs.exchanges).first().asString().endsWith(" 0");
    }

    @Test
    void unreachableHomeserverIsANetworkError() {
        HttpUrl closed = hs.server.url("/");
        hs.close();
        HttpMatrixClient client = new HttpMatrixClient(closed, TOKEN, MockHomeserver.BOT,
                new OkHttpClient.Builder().connectTimeout(Duration.ofSeconds(2)).build(), MockHomeserver.MAPPER,
                new RetryPolicy(3, BASE_DELAY, MAX_DELAY, hs.sleeps::add), null);

        assertThatThrownBy(() -> client.joinedRooms()).isInstanceOfSatisfying(MatrixException.class, e -> {
            assertThat(e.errcode()).isEqualTo(MatrixException.NETWORK);
            assertThat(e.status()).isZero();
            assertThat(e.getCause()).isNotNull();
            assertThat(e.getMessage()).contains("GET /_matrix/client/v3/joined_rooms").doesNotContain(TOKEN);
        });
        assertThat(hs.sleeps).hasSize(2);
    }

    @Test
    void createRoomIsNotRepeatedAfterAServerErrorButIsAfterARateLimit() {
        hs.answer(429, RATE_LIMITED + ",\"retry_after_ms\":10}");
        hs.answer(500, "{\"errcode\":\"M_UNKNOWN\",\"error\":\"oops\"}");

        assertThatThrownBy(() -> hs.client.createRoom(object("{\"name\":\"x\"}")))
                .isInstanceOfSatisfying(MatrixException.class, e -> assertThat(e.status()).isEqualTo(500));
        assertThat(hs.server.getRequestCount()).isEqualTo(2);
    }

    @Test
    void interruptedWaitStopsRetrying() {
        HttpMatrixClient client = new HttpMatrixClient(hs.server.url("/"), TOKEN, MockHomeserver.BOT,
                new OkHttpClient(), MockHomeserver.MAPPER,
                new RetryPolicy(4, BASE_DELAY, MAX_DELAY, d -> {
                    throw new InterruptedException();
                }), null);
        hs.answer(503, "{\"errcode\":\"M_UNKNOWN\",\"error\":\"Service unavailable\"}");

        try {
            assertThatThrownBy(client::joinedRooms).isInstanceOf(MatrixException.class)
                    .hasMessageContaining("interrupted");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void eachRetryIsLoggedOnceAtWarnWithoutToken() {
        hs.answer(429, RATE_LIMITED + ",\"retry_after_ms\":250}");
        hs.answer(200, "{\"event_id\":\"$ok\"}");

        send();

        assertThat(logged.list).singleElement().satisfies(event -> {
            assertThat(event.getLevel()).isEqualTo(Level.WARN);
            assertThat(event.getFormattedMessage())
                    .contains("PUT", "/_matrix/client/v3/rooms/{roomId}/send/{eventType}/{txnId}",
                            "429", "M_LIMIT_EXCEEDED", "250 ms")
                    .doesNotContain(TOKEN, "!room:example.org");
        });
    }

    private String send() {
        return hs.client.send(ROOM, OutgoingMessage.text("hello"), "txn-1").value();
    }
}
