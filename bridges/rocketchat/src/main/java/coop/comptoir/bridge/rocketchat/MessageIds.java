package coop.comptoir.bridge.rocketchat;

import coop.comptoir.api.id.EventId;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The Rocket.Chat message ID of a Matrix event's copy: 17 base62 characters (the length and
 * character set of Rocket.Chat's own IDs) of a SHA-256 of the event ID and the part number. The
 * same event always gives the same ID, so a send retried after a timeout or a crash is refused by
 * Rocket.Chat as a duplicate instead of being posted twice. Pure.
 */
final class MessageIds {
    private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    private MessageIds() {
    }

    static String of(EventId event, int part) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest((event.value() + "#" + part).getBytes(StandardCharsets.UTF_8));
            BigInteger n = new BigInteger(1, hash);
            BigInteger base = BigInteger.valueOf(62);
            StringBuilder sb = new StringBuilder(17);
            for (int i = 0; i < 17; i++) {
                BigInteger[] qr = n.divideAndRemainder(base);
                sb.append(BASE62.charAt(qr[1].intValue()));
                n = qr[0];
            }
            return sb.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
