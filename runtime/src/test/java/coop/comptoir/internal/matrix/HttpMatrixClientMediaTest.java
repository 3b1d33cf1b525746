package coop.comptoir.internal.matrix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import coop.comptoir.api.id.MxcUri;
import coop.comptoir.api.id.UserId;
import coop.comptoir.api.matrix.MatrixException;
import coop.comptoir.api.matrix.MediaTooLargeException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.SocketFactory;
import mockwebserver3.MockResponse;
import mockwebserver3.MockResponseBody;
import mockwebserver3.MockWebServer;
import mockwebserver3.SocketEffect;
import okhttp3.OkHttpClient;
import okio.Buffer;
import okio.BufferedSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Media downloads read at most their limit from the network, whatever the homeserver declares: the
 * bytes are counted on the client's socket, so reading a whole body and checking its size afterwards
 * would show.
 */
class HttpMatrixClientMediaTest {
    private static final MxcUri FILE = new MxcUri("example.org", "big");
    private static final int LIMIT = 64 * 1024;
    private static final int HUGE = 4 * 1024 * 1024;
    /** What may be read beyond the limit: the headers and a read buffer or two. */
    private static final int SLACK = 32 * 1024;

    private final MockWebServer server = new MockWebServer();
    /** Every answer scripted here checked against the client-server description. */
    private final SpecCheckedHomeserver answers = new SpecCheckedHomeserver(null);
    private final AtomicLong socketBytes = new AtomicLong();
    private final List<String> exchanges = new CopyOnWriteArrayList<>();
    private HttpMatrixClient client;

    @BeforeEach
    void start() throws IOException {
        server.setDispatcher(answers);
        server.start();
        OkHttpClient http = new OkHttpClient.Builder()
                .retryOnConnectionFailure(false)
                .callTimeout(Duration.ofSeconds(20))
                .socketFactory(new CountingSockets(socketBytes))
                .build();
        RetryPolicy retry = new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(1), d -> {});
        client = new HttpMatrixClient(server.url("/"), "as_token", UserId.of("@comptoir:example.org"), http,
                new ObjectMapper(), retry, (method, template, status, nanos) -> exchanges.add(method + " " + status));
    }

    @AfterEach
    void stop() {
        server.close();
        assertThat(answers.problems()).as("answers no homeserver would give").isEmpty();
    }

    @Test
    void aHomeserverWithoutAuthenticatedMediaIsAskedOnTheOlderPathThenOnly() throws Exception {
        server.enqueue(new MockResponse.Builder().code(404).addHeader("Content-Type", "application/json")
                .body("{\"errcode\":\"M_UNRECOGNIZED\",\"error\":\"Unrecognized request\"}").build());
        server.enqueue(new MockResponse.Builder().body(new Buffer().write(new byte[10])).build());
        server.enqueue(new MockResponse.Builder().body(new Buffer().write(new byte[20])).build());

        assertThat(client.download(FILE, LIMIT)).hasSize(10);
        assertThat(client.as(UserId.of("@_discord_1:example.org")).download(FILE, LIMIT)).hasSize(20);

        assertThat(server.takeRequest().getUrl().encodedPath()).isEqualTo("/_matrix/client/v1/media/download/example.org/big");
        assertThat(server.takeRequest().getUrl().encodedPath()).isEqualTo("/_matrix/media/v3/download/example.org/big");
        assertThat(server.takeRequest().getUrl().encodedPath()).as("remembered").isEqualTo("/_matrix/media/v3/download/example.org/big");
    }

    @Test
    void aMissingFileIsNotAskedTwice() {
        server.enqueue(new MockResponse.Builder().code(404).addHeader("Content-Type", "application/json")
                .body("{\"errcode\":\"M_NOT_FOUND\",\"error\":\"Not found\"}").build());

        assertThatThrownBy(() -> client.download(FILE, LIMIT)).isInstanceOf(MatrixException.class).hasMessageContaining("M_NOT_FOUND");
        assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void aFileWithinTheLimitArrivesWhole() {
        server.enqueue(new MockResponse.Builder().body(new Buffer().write(new byte[LIMIT])).build());
        server.enqueue(new MockResponse.Builder().chunkedBody(new Buffer().write(new byte[LIMIT]), 1000).build());

        assertThat(client.download(FILE, LIMIT)).hasSize(LIMIT);
        assertThat(client.download(FILE, LIMIT)).hasSize(LIMIT);
    }

    @Test
    void aLargerDeclaredLengthStopsBeforeTheBody() {
        server.enqueue(new MockResponse.Builder().body(new Buffer().write(new byte[HUGE])).build());

        assertThatThrownBy(() -> client.download(FILE, LIMIT)).isInstanceOfSatisfying(MediaTooLargeException.class, e -> {
            assertThat(e.declaredSize()).isEqualTo(HUGE);
            assertThat(e.maxBytes()).isEqualTo(LIMIT);
            assertThat(e.errcode()).isEqualTo(MediaTooLargeException.TOO_LARGE);
            assertThat(e.isTransient()).isFalse();
        });
        assertThat(socketBytes.get()).as("bytes read from the network").isLessThan(SLACK);
        assertThat(server.getRequestCount()).as("not retried").isEqualTo(1);
        assertThat(exchanges).containsExactly("GET 200");
    }

    @Test
    void aChunkedAnswerStopsAtTheLimit() {
        server.enqueue(new MockResponse.Builder().chunkedBody(new Buffer().write(new byte[HUGE]), 4096).build());

        assertThatThrownBy(() -> client.download(FILE, LIMIT)).isInstanceOfSatisfying(MediaTooLargeException.class,
                e -> assertThat(e.declaredSize()).isEqualTo(-1));
        assertThat(socketBytes.get()).as("bytes read from the network").isBetween((long) LIMIT, (long) LIMIT + SLACK);
        assertThat(server.getRequestCount()).as("not retried").isEqualTo(1);
    }

    @Test
    void anAnswerEndedByClosingTheConnectionStopsAtTheLimit() {
        server.enqueue(new MockResponse.Builder()
                .body(new UnsizedBody(HUGE))
                .removeHeader("Content-Length")
                .onResponseEnd(SocketEffect.ShutdownConnection.INSTANCE)
                .build());

        assertThatThrownBy(() -> client.download(FILE, LIMIT)).isInstanceOf(MediaTooLargeException.class);
        assertThat(socketBytes.get()).as("bytes read from the network").isBetween((long) LIMIT, (long) LIMIT + SLACK);
    }

    @Test
    void anErrorIsNotCalledTooLarge() {
        server.enqueue(new MockResponse.Builder().code(404).addHeader("Content-Type", "application/json")
                .body("{\"errcode\":\"M_NOT_FOUND\",\"error\":\"Not found\"}").build());

        assertThatThrownBy(() -> client.download(FILE, LIMIT)).isInstanceOfSatisfying(MatrixException.class, e -> {
            assertThat(e).isNotInstanceOf(MediaTooLargeException.class);
            assertThat(e.errcode()).isEqualTo("M_NOT_FOUND");
        });
    }

    @Test
    void aHugeErrorAnswerIsNotReadWhole() {
        server.enqueue(answers.offSpec(new MockResponse.Builder().code(404)
                .chunkedBody(new Buffer().write(new byte[HUGE]), 4096).build(), "a huge answer that is no error body"));

        assertThatThrownBy(() -> client.download(FILE, LIMIT)).isInstanceOfSatisfying(MatrixException.class,
                e -> assertThat(e.status()).isEqualTo(404));
        assertThat(socketBytes.get()).as("bytes read from the network")
                .isLessThan(MatrixTransport.MAX_ERROR_BYTES + 2L * SLACK);
    }

    @Test
    void aNegativeLimitIsRefused() {
        assertThatThrownBy(() -> client.download(FILE, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(server.getRequestCount()).isZero();
    }

    /** A body of zeros whose length is not announced. */
    private record UnsizedBody(int size) implements MockResponseBody {
        @Override
        public long getContentLength() {
            return -1;
        }

        @Override
        public void writeTo(BufferedSink sink) throws IOException {
            byte[] chunk = new byte[8192];
            for (int sent = 0; sent < size; sent += chunk.length) {
                sink.write(chunk);
                sink.flush();
            }
        }
    }

    /** Sockets that count every byte the client reads from them. */
    private static final class CountingSockets extends SocketFactory {
        private final AtomicLong counter;

        CountingSockets(AtomicLong counter) {
            this.counter = counter;
        }

        @Override
        public Socket createSocket() {
            return new Socket() {
                private InputStream in;

                @Override
                public synchronized InputStream getInputStream() throws IOException {
                    if (in == null) {
                        in = new FilterInputStream(super.getInputStream()) {
                            @Override
                            public int read() throws IOException {
                                int b = super.read();
                                if (b >= 0) {
                                    counter.incrementAndGet();
                                }
                                return b;
                            }

                            @Override
                            public int read(byte[] b, int off, int len) throws IOException {
                                int n = super.read(b, off, len);
                                if (n > 0) {
                                    counter.addAndGet(n);
                                }
                                return n;
                            }
                        };
                    }
                    return in;
                }
            };
        }

        @Override
        public Socket createSocket(String host, int port) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Socket createSocket(InetAddress host, int port) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) {
            throw new UnsupportedOperationException();
        }
    }
}
