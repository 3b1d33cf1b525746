package coop.comptoir.bridge.discord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import coop.comptoir.bridge.api.BridgeException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.SocketFactory;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;
import okio.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Files fetched from Discord's CDN (attachments, avatars, emoji) read at most their limit from the
 * network, whatever size is announced: the bytes are counted on the connector's socket.
 */
class DiscordDownloadTest {
    private static final int LIMIT = 64 * 1024;
    private static final int HUGE = 8 * 1024 * 1024;
    /** What may be read beyond the limit: the headers and a read buffer or two. */
    private static final int SLACK = 48 * 1024;

    private final MockWebServer cdn = new MockWebServer();
    private final AtomicLong socketBytes = new AtomicLong();
    private JdaDiscordConnector connector;

    @BeforeEach
    void start() throws IOException {
        cdn.start();
        OkHttpClient http = new OkHttpClient.Builder()
                .callTimeout(Duration.ofSeconds(20))
                .socketFactory(new CountingSockets(socketBytes))
                .build();
        DiscordConfig config = new DiscordConfig("token", null, null, null, null, null);
        connector = new JdaDiscordConnector(config, "fr", http, LoggerFactory.getLogger("test"), ThreadPlaces.inMemory(10));
    }

    @AfterEach
    void stop() {
        cdn.close();
    }

    private URI file() {
        return cdn.url("/attachments/1/2/video.mp4").uri();
    }

    @Test
    void aFileWithinTheLimitArrivesWhole() throws Exception {
        cdn.enqueue(new MockResponse.Builder().body(new Buffer().write(new byte[LIMIT])).build());
        cdn.enqueue(new MockResponse.Builder().chunkedBody(new Buffer().write(new byte[LIMIT]), 1000).build());

        assertThat(connector.download(file(), LIMIT)).hasSize(LIMIT);
        assertThat(connector.download(file(), LIMIT)).hasSize(LIMIT);
    }

    @Test
    void aLargerAnnouncedSizeStopsBeforeTheBody() {
        cdn.enqueue(new MockResponse.Builder().body(new Buffer().write(new byte[HUGE])).build());

        assertThatThrownBy(() -> connector.download(file(), LIMIT)).isInstanceOfSatisfying(BridgeException.class, e -> {
            assertThat(e.isRetryable()).isFalse();
            assertThat(e.getMessage()).contains("8,0 Mo");
        });
        assertThat(socketBytes.get()).as("bytes read from the network").isLessThan(SLACK);
    }

    @Test
    void aBodyWithoutAnnouncedSizeStopsAtTheLimit() {
        cdn.enqueue(new MockResponse.Builder().chunkedBody(new Buffer().write(new byte[HUGE]), 4096).build());

        assertThatThrownBy(() -> connector.download(file(), LIMIT)).isInstanceOfSatisfying(BridgeException.class,
                e -> assertThat(e.isRetryable()).isFalse());
        assertThat(socketBytes.get()).as("bytes read from the network").isBetween((long) LIMIT, (long) LIMIT + SLACK);
    }

    @Test
    void aFileGoneIsPermanentAndAnOutageIsRetried() {
        cdn.enqueue(new MockResponse.Builder().code(404).build());
        cdn.enqueue(new MockResponse.Builder().code(503).build());

        assertThatThrownBy(() -> connector.download(file(), LIMIT)).isInstanceOfSatisfying(BridgeException.class,
                e -> assertThat(e.isRetryable()).isFalse());
        assertThatThrownBy(() -> connector.download(file(), LIMIT)).isInstanceOfSatisfying(BridgeException.class,
                e -> assertThat(e.isRetryable()).isTrue());
    }

    /** Sockets that count every byte read from them. */
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
