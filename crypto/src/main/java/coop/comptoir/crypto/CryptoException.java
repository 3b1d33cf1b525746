package coop.comptoir.crypto;

/**
 * A cryptographic operation failed: a message that does not decrypt (wrong session, tampered, replayed),
 * a key that does not parse, a pickle that does not open with the given key. The message never holds
 * key material.
 */
public final class CryptoException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what failed, without secrets */
    public CryptoException(String message, Throwable cause) {
        super(message, cause);
    }
}
