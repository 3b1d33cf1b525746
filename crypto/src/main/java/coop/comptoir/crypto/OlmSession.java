package coop.comptoir.crypto;

import de.connect2x.trixnity.vodozemac.olm.OlmMessage;
import de.connect2x.trixnity.vodozemac.olm.Session;

/**
 * A one-to-one Olm session with another device (the channel room keys travel through). Not
 * thread-safe: callers serialise uses of one session and persist it ({@link #pickle}) after each.
 */
public final class OlmSession implements AutoCloseable {
    private final Session session;

    OlmSession(Session session) {
        this.session = session;
    }

    /** Restores a session stored with {@link #pickle}; throws {@link CryptoException} on a wrong key. */
    public static OlmSession fromPickle(String pickle, byte[] key) {
        return new OlmSession(Vodozemac.unpickle(Session.class, Session.Companion, pickle, key));
    }

    /** The session's id (the same on both devices). */
    public String id() {
        return session.getSessionId();
    }

    /** Encrypts a to-device payload (JSON text). */
    public OlmCiphertext encrypt(String plaintext) {
        OlmMessage.Text m = Vodozemac.guard("Olm encryption", () -> session.encrypt(plaintext));
        return new OlmCiphertext(m instanceof OlmMessage.PreKey ? OlmCiphertext.PRE_KEY : OlmCiphertext.NORMAL, m.getBase64());
    }

    /** Decrypts a message of this session; throws {@link CryptoException} if it is not one. */
    public String decrypt(OlmCiphertext message) {
        return Vodozemac.guard("Olm decryption", () -> session.decrypt(parse(message)));
    }

    static OlmMessage.Text parse(OlmCiphertext message) {
        return Vodozemac.guard("Olm message parsing", () -> message.type() == OlmCiphertext.PRE_KEY
                ? OlmMessage.PreKey.Text.Companion.invoke(message.body())
                : OlmMessage.Normal.Text.Companion.invoke(message.body()));
    }

    /** The session's state, encrypted with the 32-byte {@code key}. */
    public String pickle(byte[] key) {
        return Vodozemac.pickle(session, key);
    }

    @Override
    public void close() {
        session.close();
    }
}
