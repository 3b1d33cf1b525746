package coop.comptoir.crypto;

import de.connect2x.trixnity.vodozemac.Ed25519PublicKey;
import de.connect2x.trixnity.vodozemac.Ed25519Signature;

/** Checks Ed25519 signatures of other devices (their device keys, their one-time keys). */
public final class Signatures {
    private Signatures() {
    }

    /**
     * Whether {@code signature} (unpadded base64) is {@code ed25519Key}'s signature of {@code message};
     * false also for a key or signature that does not parse.
     */
    public static boolean verify(String ed25519Key, String message, String signature) {
        try {
            Ed25519PublicKey.Companion.invoke(ed25519Key).verify(message, Ed25519Signature.Companion.invoke(signature));
            return true;
        } catch (Exception e) { // VodozemacException, thrown unchecked by Kotlin
            return false;
        }
    }
}
