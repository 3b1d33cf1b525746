package coop.comptoir.internal.appservice;

import io.undertow.connector.PooledByteBuffer;
import io.undertow.server.HttpServerExchange;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.xnio.ChannelListener;
import org.xnio.IoUtils;
import org.xnio.XnioExecutor;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.channels.StreamSourceChannel;

/**
 * Receives the body of one plugin-route request on the I/O thread, without a thread waiting for it:
 * it keeps at most the route's limit in memory, gives up after the body timeout, and counts the
 * bytes itself (chunked bodies too), so that a body passing the limit is answered {@code 413} at
 * once.
 *
 * <p>After a {@code 413} the rest of the body is read and dropped, up to
 * {@link AppserviceServer#DRAIN_BYTES} more
 * bytes or {@link #LINGER}, before the connection closes: closing a connection the client is still
 * writing to resets it, and the client would lose the answer.
 */
final class RouteBodyReader implements ChannelListener<StreamSourceChannel> {
    /** How long a refused body is read and dropped before the connection closes. */
    static final Duration LINGER = Duration.ofSeconds(2);
    /** The first allocation for a body of unknown length; it grows up to the limit. */
    private static final int FIRST_BUFFER = 16 * 1024;

    /** What becomes of the request. Each method is called at most once, on the I/O thread. */
    interface Outcome {
        /** The whole body arrived. */
        void received(HttpServerExchange ex, byte[] body);

        /**
         * The body passed the limit: set the status and headers of the answer and return its body;
         * the reader writes it at once.
         */
        byte[] tooLarge(HttpServerExchange ex);

        /** The body did not arrive in time; the caller answers (and the connection closes). */
        void tooSlow(HttpServerExchange ex);

        /** The body could not be read (the client went away, bad chunk framing). */
        void unreadable(HttpServerExchange ex, IOException e);
    }

    private enum State { RECEIVING, DISCARDING, DONE }

    private final HttpServerExchange ex;
    private final long limit;
    private final Outcome outcome;
    private State state = State.RECEIVING;
    private StreamSourceChannel channel;
    private XnioExecutor.Key deadline;
    private byte[] bytes;
    private int size;
    private long dropped;

    private RouteBodyReader(HttpServerExchange ex, long limit, Outcome outcome) {
        this.ex = ex;
        this.limit = limit;
        this.outcome = outcome;
        long declared = ex.getRequestContentLength();
        this.bytes = new byte[(int) Math.min(declared >= 0 ? declared : FIRST_BUFFER, FIRST_BUFFER)];
    }

    /**
     * Starts receiving a body of at most {@code limit} bytes within {@code timeout}; called on the
     * I/O thread while handling the request, before anything else read the body.
     */
    static void start(HttpServerExchange ex, long limit, Duration timeout, Outcome outcome) {
        // Undertow's own limit for a declared length (the declared length is within ours); chunked
        // bodies are counted here, Undertow's server-wide limit being only a backstop far above
        ex.setMaxEntitySize(limit + AppserviceServer.DRAIN_BYTES);
        RouteBodyReader reader = new RouteBodyReader(ex, limit, outcome);
        reader.channel = ex.getRequestChannel();
        reader.deadline = ex.getIoThread().executeAfter(reader::timedOut, timeout.toMillis(), TimeUnit.MILLISECONDS);
        reader.channel.getReadSetter().set(reader);
        reader.handleEvent(reader.channel);
    }

    @Override
    public void handleEvent(StreamSourceChannel ch) {
        if (state == State.DONE) {
            ch.suspendReads();
            return;
        }
        try (PooledByteBuffer pooled = ex.getConnection().getByteBufferPool().allocate()) {
            ByteBuffer buffer = pooled.getBuffer();
            while (true) {
                buffer.clear();
                int n = ch.read(buffer);
                if (n == 0) {
                    ch.resumeReads();
                    return;
                }
                if (n < 0) {
                    ch.suspendReads();
                    ended();
                    return;
                }
                buffer.flip();
                if (state == State.RECEIVING) {
                    if (size + (long) n > limit) {
                        refuse();
                    } else {
                        keep(buffer);
                    }
                } else if ((dropped += n) > AppserviceServer.DRAIN_BYTES) {
                    closeNow();
                    return;
                }
            }
        } catch (IOException e) {
            ch.suspendReads();
            if (state == State.RECEIVING) {
                state = State.DONE;
                deadline.remove();
                outcome.unreadable(ex, e);
            } else {
                closeNow();
            }
        }
    }

    private void keep(ByteBuffer buffer) {
        int n = buffer.remaining();
        if (size + n > bytes.length) {
            long grown = Math.max(size + (long) n, Math.max(bytes.length * 2L, FIRST_BUFFER));
            bytes = Arrays.copyOf(bytes, (int) Math.min(grown, limit));
        }
        buffer.get(bytes, size, n);
        size += n;
    }

    private void ended() {
        deadline.remove();
        if (state == State.RECEIVING) {
            state = State.DONE;
            outcome.received(ex, size == bytes.length ? bytes : Arrays.copyOf(bytes, size));
        } else if (state == State.DISCARDING) {
            // the whole refused body came: the 413 is complete, the connection closes without a reset
            state = State.DONE;
            ex.endExchange();
        }
    }

    /** The body passed the limit: forget it, answer 413 now, and drop what is left for a little while. */
    private void refuse() {
        state = State.DISCARDING;
        bytes = null;
        deadline.remove();
        deadline = ex.getIoThread().executeAfter(this::closeNow, LINGER.toMillis(), TimeUnit.MILLISECONDS);
        answerNow(ex, outcome.tooLarge(ex));
    }

    private void timedOut() {
        if (state == State.RECEIVING) {
            state = State.DONE;
            channel.suspendReads();
            outcome.tooSlow(ex);
        }
    }

    private void closeNow() {
        state = State.DONE;
        deadline.remove();
        IoUtils.safeClose(ex.getConnection());
    }

    /**
     * Writes a whole answer (status and headers already set) and flushes it, without ending the
     * exchange: the request side stays open to drop the rest of the body.
     */
    private static void answerNow(HttpServerExchange ex, byte[] body) {
        ex.setPersistent(false);
        ex.setResponseContentLength(body.length);
        ByteBuffer data = ByteBuffer.wrap(body);
        StreamSinkChannel out = ex.getResponseChannel();
        ChannelListener<StreamSinkChannel> writer = c -> {
            try {
                while (data.hasRemaining()) {
                    if (c.write(data) == 0) {
                        c.resumeWrites();
                        return;
                    }
                }
                if (!c.flush()) {
                    c.resumeWrites();
                    return;
                }
                c.suspendWrites();
            } catch (IOException e) {
                IoUtils.safeClose(ex.getConnection());
            }
        };
        out.getWriteSetter().set(writer);
        writer.handleEvent(out);
    }
}
