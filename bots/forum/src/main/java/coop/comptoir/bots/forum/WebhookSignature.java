package coop.comptoir.bots.forum;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks {@code X-Discourse-Event-Signature: sha256=<hex>}, the HMAC-SHA256 of the raw body keyed
 * with the webhook's secret, in constant time. The secret never leaves this object.
 */
final class WebhookSignature {
    enum Verdict { VALID, MISSING, WRONG }

    private static final String PREFIX = "sha256=";
    private final SecretKeySpec key;

    WebhookSignature(String secret) {
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("webhook secret is empty");
        }
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    Verdict check(String header, byte[] body) {
        if (header == null || header.isBlank()) {
            return Verdict.MISSING;
        }
        String given = header.trim();
        if (!given.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            return Verdict.WRONG;
        }
        byte[] expected = sign(body).getBytes(StandardCharsets.US_ASCII);
        byte[] actual = given.substring(PREFIX.length()).toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, actual) ? Verdict.VALID : Verdict.WRONG;
    }

    /** The lower-case hex HMAC of {@code body}, as Discourse sends it after {@code sha256=}. */
    String sign(byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    @Override
    public String toString() {
        return "WebhookSignature[secret hidden]";
    }
}
