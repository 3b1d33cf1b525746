package coop.comptoir.crypto;

/**
 * One Olm message as Matrix carries it in {@code m.olm.v1.curve25519-aes-sha2} content.
 *
 * @param type 0 for a pre-key message (opens a session), 1 for a normal one
 * @param body unpadded base64
 */
public record OlmCiphertext(int type, String body) {
    /** Type of the message that opens a session. */
    public static final int PRE_KEY = 0;
    /** Type of the later messages. */
    public static final int NORMAL = 1;
}
