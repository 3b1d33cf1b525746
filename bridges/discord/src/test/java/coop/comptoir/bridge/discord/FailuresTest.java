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

    @Test
    void botTokensAndWebhookTokensAreMaskedInMessagesAndLoggedExceptions() {
        // shaped like a real bot token: base64 of the bot's ID, a timestamp, an HMAC; each part under 40 characters
        String botToken = "MTE5ODc2NTQzMjEwOTg3NjU0Mw.GhX3kP.q9Zr7Tb2LwVx-mE4yN8sA1cD_fGhJkLpOiUtR5";
        String webhookToken = "Xy7_short-token";
        String message = "Request failed: Authorization: Bot " + botToken + " on Route(POST webhooks/1234567890/"
                + webhookToken + "?wait=true)";
        String safe = Failures.safe(message);
        assertThat(safe).doesNotContain(botToken).doesNotContain("GhX3kP.q9Zr").doesNotContain(webhookToken)
                .contains("webhooks/1234567890/***").startsWith("Request failed");

        Throwable logged = Failures.cleaned(new IllegalStateException("outer",
                new java.io.UncheckedIOException(new IOException(message))));
        StringBuilder all = new StringBuilder();
        for (Throwable t = logged; t != null; t = t.getCause()) {
            all.append(t).append('\n');
            assertThat(t.getStackTrace()).isNotEmpty();
        }
        assertThat(all.toString()).doesNotContain(botToken).doesNotContain(webhookToken)
                .contains("java.lang.IllegalStateException: outer").contains("java.io.IOException");
    }

    @Test
    void theFailuresPeopleCanFixAreToldInTheirLanguage() {
        IllegalArgumentException tooLong = new IllegalArgumentException("Content may not be longer than 2000 characters");
        assertThat(Failures.map(tooLong, "posting in #general", DiscordTexts.FR).getMessage())
                .isEqualTo("le message est trop long pour Discord");
        assertThat(Failures.map(tooLong, "posting in #general", DiscordTexts.EN).getMessage())
                .isEqualTo("the message is too long for Discord: posting in #general");
        assertThat(Failures.text(DiscordTexts.FR, Failures.Text.MISSING_PERMISSION)).startsWith("il manque une permission au bot");
        assertThat(Failures.text(DiscordTexts.FR, Failures.Text.FILE_TOO_LARGE)).isEqualTo("le fichier est trop lourd pour Discord");
        assertThat(Failures.text(DiscordTexts.EN, Failures.Text.UNKNOWN_CHANNEL)).isEqualTo("the Discord channel no longer exists");
    }
}
