package coop.comptoir.bots.forum;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {
    private static final byte[] BODY = "{\"topic\":{\"id\":1}}".getBytes(StandardCharsets.UTF_8);
    private final WebhookSignature sig = new WebhookSignature("a-long-shared-secret");

    @Test
    void acceptsTheHmacOfTheRawBody() {
        String expected = "sha256=" + sig.sign(BODY);
        assertThat(sig.check(expected, BODY)).isEqualTo(WebhookSignature.Verdict.VALID);
        assertThat(sig.check(expected.toUpperCase().replace("SHA256=", "sha256="), BODY)).isEqualTo(WebhookSignature.Verdict.VALID);
    }

    @Test
    void knownVector() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?"
        WebhookSignature jefe = new WebhookSignature("Jefe");
        assertThat(jefe.sign("what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }

    @Test
    void missingAndWrongSignaturesAreTold() {
        assertThat(sig.check(null, BODY)).isEqualTo(WebhookSignature.Verdict.MISSING);
        assertThat(sig.check("  ", BODY)).isEqualTo(WebhookSignature.Verdict.MISSING);
        assertThat(sig.check("sha256=00", BODY)).isEqualTo(WebhookSignature.Verdict.WRONG);
        assertThat(sig.check(sig.sign(BODY), BODY)).as("without the sha256= prefix").isEqualTo(WebhookSignature.Verdict.WRONG);
        String other = "sha256=" + new WebhookSignature("another-secret-value").sign(BODY);
        assertThat(sig.check(other, BODY)).isEqualTo(WebhookSignature.Verdict.WRONG);
        byte[] tampered = "{\"topic\":{\"id\":2}}".getBytes(StandardCharsets.UTF_8);
        assertThat(sig.check("sha256=" + sig.sign(BODY), tampered)).isEqualTo(WebhookSignature.Verdict.WRONG);
    }

    @Test
    void theSecretIsNeverPrinted() {
        assertThat(sig.toString()).doesNotContain("a-long-shared-secret");
    }
}
