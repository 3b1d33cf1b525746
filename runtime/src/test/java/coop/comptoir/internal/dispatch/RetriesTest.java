package coop.comptoir.internal.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import coop.comptoir.api.matrix.MatrixException;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class RetriesTest {
    @Test
    void aHomeserverThatCannotBeReachedOrFailsForNowIsRetriedLater() {
        // the homeserver stopped while a handler answered: its send gave up after its own retries
        assertThat(Retries.retryable(new MatrixException("PUT /send: connection refused", new IOException("refused")))).isTrue();
        assertThat(Retries.retryable(new MatrixException(502, "M_UNKNOWN", "bad gateway"))).isTrue();
        assertThat(Retries.retryable(new MatrixException(429, "M_LIMIT_EXCEEDED", "slow down"))).isTrue();
        assertThat(Retries.retryable(new IllegalStateException("wrapped", new MatrixException(503, "M_UNKNOWN", "starting"))))
                .as("found among the causes").isTrue();
    }

    @Test
    void aHomeserverThatRefusesForGoodIsNotRetried() {
        assertThat(Retries.retryable(new MatrixException(403, "M_FORBIDDEN", "not in the room"))).isFalse();
        assertThat(Retries.retryable(new MatrixException(400, "M_BAD_JSON", "bad"))).isFalse();
        assertThat(Retries.retryable(new IllegalStateException("a bug"))).isFalse();
    }
}
