package coop.comptoir.bridge.discord;

import static org.assertj.core.api.Assertions.assertThat;

import coop.comptoir.bridge.api.BridgeException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import net.dv8tion.jda.api.exceptions.RateLimitedException;
import org.junit.jupiter.api.Test;

class FailuresTest {
    @Test
    void networkTroubleAndRateLimitsAreRetryable() {
        BridgeException io = Failures.map(new java.io.UncheckedIOException(new SocketTimeoutException("timeout")), "posting");
        assertThat(io.isRetryable()).isTrue();
        BridgeException rl = Failures.map(new RateLimitedException("route", 1500), "posting");
        assertThat(rl.isRetryable()).isTrue();
        assertThat(rl.retryAfter()).hasValueSatisfying(d -> assertThat(d.toMillis()).isEqualTo(1500));
        assertThat(Failures.map(new RuntimeException(new IOException("reset")), "posting").isRetryable()).isTrue();
    }

    @Test
    void whatCanNeverWorkIsPermanent() {
        assertThat(Failures.map(new IllegalArgumentException("Content may not be longer than 2000"), "posting").isRetryable())
                .isFalse();
    }

    @Test
    void unexpectedExceptionsArePermanentSoTheRoomIsNotBlocked() {
        assertThat(Failures.map(new NullPointerException("member"), "posting").isRetryable()).isFalse();
        assertThat(Failures.map(new IllegalStateException("bad state"), "posting").isRetryable()).isFalse();
        assertThat(Failures.map(new java.util.concurrent.CompletionException(new IllegalStateException("x")), "posting")
                .isRetryable()).isFalse();
        assertThat(Failures.map(new java.util.concurrent.CompletionException(new java.net.ConnectException("refused")),
                "posting").isRetryable()).isTrue();
    }

    @Test
    void messagesNeverCarryAddressesOrTokens() {
        String token = "ba6c6d63079e407fb4c68cf7dde277c62ee55a2c49ef46e9b8a620fa88701cf0";
        String safe = Failures.safe("failed: https://discord.com/api/v10/webhooks/1/" + token + " and " + token);
        assertThat(safe).doesNotContain(token).doesNotContain("discord.com/api");
    }
}
