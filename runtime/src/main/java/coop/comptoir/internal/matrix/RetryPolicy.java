package coop.comptoir.internal.matrix;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How often and how long {@link HttpMatrixClient} waits before repeating a request that failed for
 * a transient reason (rate limit, 5xx, network).
 *
 * <p>A call never waits more than {@code maxWait} in all: a rate limit whose {@code Retry-After} /
 * {@code retry_after_ms} would take it past that fails the call at once (the caller sees the
 * homeserver's {@code M_LIMIT_EXCEEDED}), instead of parking the thread for as long as the server
 * says, which may be hours.
 *
 * @param maxAttempts total attempts, the first one included (at least 1)
 * @param baseDelay   backoff before the second attempt; doubles with each further attempt
 * @param maxDelay    cap of the backoff
 * @param sleeper     how to wait; tests inject one that records the delays
 * @param maxWait     cap of all the waits of one call together, the server's own included
 */
public record RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay, Sleeper sleeper, Duration maxWait) {
    /** The default cap of the waits of one call: 5 minutes. */
    public static final Duration DEFAULT_MAX_WAIT = Duration.ofMinutes(5);

    /** Waits; {@link Thread#sleep} in production. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration delay) throws InterruptedException;

        Sleeper THREAD = delay -> Thread.sleep(delay.toMillis());
    }

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
        }
        Objects.requireNonNull(baseDelay, "baseDelay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        Objects.requireNonNull(sleeper, "sleeper");
        if (baseDelay.isNegative() || baseDelay.isZero()) {
            throw new IllegalArgumentException("baseDelay must be positive: " + baseDelay);
        }
        if (maxDelay.compareTo(baseDelay) < 0) {
            throw new IllegalArgumentException("maxDelay must not be less than baseDelay: " + maxDelay);
        }
        Objects.requireNonNull(maxWait, "maxWait");
        if (maxWait.compareTo(maxDelay) < 0) {
            throw new IllegalArgumentException("maxWait must not be less than maxDelay: " + maxWait);
        }
    }

    /** With the default cap of {@link #DEFAULT_MAX_WAIT} on the waits of one call. */
    public RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay, Sleeper sleeper) {
        this(maxAttempts, baseDelay, maxDelay, sleeper, DEFAULT_MAX_WAIT);
    }

    /** 5 attempts, 500 ms doubling up to 30 s: about a minute before giving up on a dead server. */
    public static RetryPolicy defaults() {
        return new RetryPolicy(5, Duration.ofMillis(500), Duration.ofSeconds(30), Sleeper.THREAD);
    }

    /** No retry at all: every failure is thrown at once. */
    public static RetryPolicy none() {
        return new RetryPolicy(1, Duration.ofMillis(1), Duration.ofMillis(1), Sleeper.THREAD);
    }

    public RetryPolicy withSleeper(Sleeper newSleeper) {
        return new RetryPolicy(maxAttempts, baseDelay, maxDelay, newSleeper, maxWait);
    }

    /**
     * The wait after failed attempt number {@code attempt} (1-based): {@code baseDelay * 2^(attempt-1)},
     * capped at {@code maxDelay}, then jittered into its upper half so that clients failing together
     * do not retry together.
     */
    public Duration backoff(int attempt) {
        long base = baseDelay.toMillis();
        long cap = maxDelay.toMillis();
        long exp = attempt >= 32 ? cap : Math.min(cap, base << Math.max(0, attempt - 1));
        long half = exp / 2;
        return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(exp - half + 1));
    }
}
