package coop.comptoir.internal.matrix;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import coop.comptoir.api.matrix.MatrixException;
import coop.comptoir.api.matrix.MediaTooLargeException;
import java.io.IOException;
import java.time.Duration;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one request to the homeserver with the appservice's token, retries what is transient and
 * turns what is left into a {@link MatrixException}. Knows nothing of endpoints. Thread-safe.
 */
final class MatrixTransport {
    private static final Logger LOG = LoggerFactory.getLogger(MatrixTransport.class);
    /** An error answer is read up to this many bytes (enough for any errcode and message); the rest is ignored. */
    static final int MAX_ERROR_BYTES = 64 * 1024;
    /** Bytes read at a time from an answer's body. */
    private static final int CHUNK = 8 * 1024;

    private final String authorization;
    private final OkHttpClient http;
    private final ObjectMapper json;
    private final RetryPolicy retry;
    private final RequestListener listener;

    MatrixTransport(String asToken, OkHttpClient http, ObjectMapper json, RetryPolicy retry, RequestListener listener) {
        if (asToken == null || asToken.isEmpty() || asToken.chars().anyMatch(c -> c <= 0x20 || c >= 0x7f)) {
            // Never echo the value: it is a secret.
            throw new IllegalArgumentException("as_token must be non-empty printable ASCII without spaces");
        }
        this.authorization = "Bearer " + asToken;
        this.http = http;
        this.json = json;
        this.retry = retry;
        this.listener = listener == null ? RequestListener.NONE : listener;
    }

    /**
     * Sends the request and returns the body of the 2xx answer.
     *
     * <p>A rate limit (429 or {@code M_LIMIT_EXCEEDED}) waits for {@code Retry-After} (seconds), else
     * {@code retry_after_ms}, else the backoff. A 5xx or a network error waits for the backoff, unless
     * {@code retryFailures} is false (then it is thrown at once). Any other error is thrown at once.
     * When the attempts are spent, or the next wait would take the call past
     * {@link RetryPolicy#maxWait()} in all, the last failure is thrown.
     *
     * @param template the path with placeholders: for logs and metrics, which must not hold IDs
     * @throws MatrixException the homeserver's error, or {@link MatrixException#NETWORK}
     */
    byte[] execute(String method, String template, HttpUrl url, RequestBody body, boolean retryFailures) {
        return execute(method, template, url, body, retryFailures, Long.MAX_VALUE);
    }

    /**
     * Like {@link #execute(String, String, HttpUrl, RequestBody, boolean)}, but the 2xx answer's body
     * is read up to {@code maxBytes} only: a larger declared {@code Content-Length} stops before the
     * body, a body that grows past the limit stops there, and the connection is dropped rather than
     * drained. Not retried.
     *
     * @throws MediaTooLargeException when the body is longer than {@code maxBytes}
     */
    byte[] execute(String method, String template, HttpUrl url, RequestBody body, boolean retryFailures, long maxBytes) {
        Request request = new Request.Builder()
                .url(url)
                .header("Authorization", authorization)
                .method(method, body)
                .build();
        Duration waited = Duration.ZERO;
        for (int attempt = 1; ; attempt++) {
            MatrixException failure;
            Duration delay;
            long start = System.nanoTime();
            okhttp3.Call call = http.newCall(request);
            try (Response response = call.execute()) {
                byte[] answer;
                try {
                    answer = response.isSuccessful() ? readAtMost(response.body(), response.code(), maxBytes)
                            : readPrefix(response.body(), MAX_ERROR_BYTES, call);
                } catch (MediaTooLargeException e) {
                    // Closing an unread body would drain it for a while: drop the connection instead.
                    call.cancel();
                    report(method, template, response.code(), System.nanoTime() - start);
                    throw e;
                }
                report(method, template, response.code(), System.nanoTime() - start);
                if (response.isSuccessful()) {
                    return answer;
                }
                JsonNode error = parseQuietly(answer);
                failure = error(method, template, response.code(), error);
                if (response.code() == 429 || "M_LIMIT_EXCEEDED".equals(failure.errcode())) {
                    delay = rateLimitDelay(response.header("Retry-After"), error, attempt);
                } else if (response.code() >= 500 && retryFailures) {
                    delay = retry.backoff(attempt);
                } else {
                    throw failure;
                }
            } catch (IOException e) {
                report(method, template, 0, System.nanoTime() - start);
                failure = new MatrixException(method + " " + template + ": " + e, e);
                if (!retryFailures) {
                    throw failure;
                }
                delay = retry.backoff(attempt);
            }
            if (attempt >= retry.maxAttempts()) {
                throw failure;
            }
            if (waited.plus(delay).compareTo(retry.maxWait()) > 0) {
                LOG.warn("Matrix request {} {} failed ({}); waiting {} ms more would pass the {} s a call may wait:"
                                + " giving up", method, template, failure.getMessage(), delay.toMillis(),
                        retry.maxWait().toSeconds());
                throw failure;
            }
            LOG.warn("Matrix request {} {} failed ({}), retrying in {} ms (attempt {}/{})",
                    method, template, failure.status() == 0 ? failure.getCause() : failure.getMessage(),
                    delay.toMillis(), attempt + 1, retry.maxAttempts());
            try {
                retry.sleeper().sleep(delay);
                waited = waited.plus(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MatrixException("interrupted before retrying " + method + " " + template, e);
            }
        }
    }

    /** The whole body, if it is at most {@code maxBytes} long; stops reading as soon as it is known to be longer. */
    private static byte[] readAtMost(ResponseBody body, int status, long maxBytes) throws IOException {
        long declared = body.contentLength();
        if (declared > maxBytes) {
            throw new MediaTooLargeException(status, maxBytes, declared);
        }
        BufferedSource source = body.source();
        Buffer buffer = new Buffer();
        while (source.read(buffer, CHUNK) != -1) {
            if (buffer.size() > maxBytes) {
                throw new MediaTooLargeException(status, maxBytes, declared);
            }
        }
        return buffer.readByteArray();
    }

    /** The first {@code limit} bytes of the body at most; when there are more, {@code call} is cancelled, leaving them unread. */
    private static byte[] readPrefix(ResponseBody body, long limit, okhttp3.Call call) throws IOException {
        BufferedSource source = body.source();
        Buffer buffer = new Buffer();
        while (buffer.size() <= limit && source.read(buffer, CHUNK) != -1) {
            // keep reading
        }
        if (buffer.size() > limit) {
            call.cancel();
            return buffer.readByteArray(limit);
        }
        return buffer.readByteArray();
    }

    private Duration rateLimitDelay(String retryAfter, JsonNode error, int attempt) {
        if (retryAfter != null && retryAfter.trim().matches("\\d{1,9}")) {
            return Duration.ofSeconds(Long.parseLong(retryAfter.trim()));
        }
        JsonNode ms = error.path("retry_after_ms");
        if (ms.canConvertToLong() && ms.asLong() >= 0) {
            return Duration.ofMillis(ms.asLong());
        }
        return retry.backoff(attempt);
    }

    private static MatrixException error(String method, String template, int status, JsonNode error) {
        String errcode = error.path("errcode").asText("M_UNKNOWN");
        String message = error.path("error").asText("");
        if (message.isEmpty()) {
            message = method + " " + template + " answered HTTP " + status;
        }
        return new MatrixException(status, errcode, message);
    }

    private JsonNode parseQuietly(byte[] answer) {
        try {
            JsonNode node = json.readTree(answer);
            return node == null ? MissingNode.getInstance() : node;
        } catch (IOException e) {
            return MissingNode.getInstance();
        }
    }

    private void report(String method, String template, int status, long nanos) {
        try {
            listener.onResponse(method, template, status, nanos);
        } catch (RuntimeException e) {
            LOG.warn("Request listener failed for {} {}", method, template, e);
        }
    }
}
