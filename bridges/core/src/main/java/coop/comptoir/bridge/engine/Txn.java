package coop.comptoir.bridge.engine;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Transaction IDs for what the bridge sends to Matrix, derived from what caused the send (a remote
 * message ID and part, an outbox row, a Matrix event): sending again after a crash gets the event
 * already sent instead of a second one.
 */
final class Txn {
    private Txn() {}

    static String of(String instance, String kind, Object... parts) {
        StringBuilder sb = new StringBuilder(instance).append('\n').append(kind);
        for (Object p : parts) {
            sb.append('\n').append(p);
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(sb.toString().getBytes(StandardCharsets.UTF_8));
            return "cb." + kind + "." + HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
