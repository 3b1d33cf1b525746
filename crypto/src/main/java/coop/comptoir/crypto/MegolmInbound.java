package coop.comptoir.crypto;

import de.connect2x.trixnity.vodozemac.megolm.InboundGroupSession;
import de.connect2x.trixnity.vodozemac.megolm.MegolmMessage;
import de.connect2x.trixnity.vodozemac.megolm.MegolmSessionConfig;
import de.connect2x.trixnity.vodozemac.megolm.SessionKey;

/**
 * The receiving side of a sender's Megolm session, made from the {@code session_key} of an
 * {@code m.room_key}: decrypts that sender's room events. Not thread-safe.
 */
public final class MegolmInbound implements AutoCloseable {
    private final InboundGroupSession session;

    private MegolmInbound(InboundGroupSession session) {
        this.session = session;
    }

    /** From a room key's {@code session_key}; throws {@link CryptoException} if it does not parse. */
    public static MegolmInbound fromSessionKey(String sessionKey) {
        return new MegolmInbound(Vodozemac.guard("room key import", () -> InboundGroupSession.Companion.invoke(
                SessionKey.Companion.invoke(sessionKey), MegolmSessionConfig.Companion.v1())));
    }

    /** Restores a session stored with {@link #pickle}. */
    public static MegolmInbound fromPickle(String pickle, byte[] key) {
        return new MegolmInbound(Vodozemac.unpickle(InboundGroupSession.class, InboundGroupSession.Companion, pickle, key));
    }

    /** The session id. */
    public String id() {
        return session.getSessionId();
    }

    /** The first message index this session can decrypt. */
    public int firstKnownIndex() {
        return session.getFirstKnownIndex();
    }

    /** Decrypts a {@code ciphertext} of this session; throws {@link CryptoException} if it cannot. */
    public Decrypted decrypt(String ciphertext) {
        return Vodozemac.guard("Megolm decryption", () -> {
            MegolmMessage.Text message = MegolmMessage.Text.Companion.invoke(ciphertext);
            InboundGroupSession.DecryptedMessage<String> d = session.decrypt(message);
            return new Decrypted(d.getPlaintext().getValue(), d.getMessageIndex());
        });
    }

    /** A decrypted event's JSON and its index (a repeated index for another event is a replay). */
    public record Decrypted(String plaintext, int messageIndex) {
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
