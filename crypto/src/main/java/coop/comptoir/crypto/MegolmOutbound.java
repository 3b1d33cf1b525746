package coop.comptoir.crypto;

import de.connect2x.trixnity.vodozemac.megolm.GroupSession;

/**
 * The sending side of a room's Megolm session: what the bot encrypts its room messages with. Its
 * {@link #sessionKey} is shared with the members' devices over Olm; rotate (make a new one) when
 * the room's members change or after {@code rotation_period_msgs}. Not thread-safe.
 */
public final class MegolmOutbound implements AutoCloseable {
    private final GroupSession session;

    private MegolmOutbound(GroupSession session) {
        this.session = session;
    }

    /** A new session (Megolm v1, as {@code m.megolm.v1.aes-sha2} rooms use). */
    public static MegolmOutbound create() {
        return new MegolmOutbound(Vodozemac.guard("Megolm session creation",
                () -> GroupSession.Companion.invoke(de.connect2x.trixnity.vodozemac.megolm.MegolmSessionConfig.Companion.v1())));
    }

    /** Restores a session stored with {@link #pickle}. */
    public static MegolmOutbound fromPickle(String pickle, byte[] key) {
        return new MegolmOutbound(Vodozemac.unpickle(GroupSession.class, GroupSession.Companion, pickle, key));
    }

    /** The session id ({@code session_id} of the encrypted events and of the room key). */
    public String id() {
        return session.getSessionId();
    }

    /** How many messages this session has encrypted. */
    public int messageIndex() {
        return session.getMessageIndex();
    }

    /** The key at the current index ({@code session_key} of {@code m.room_key}); a secret. */
    public String sessionKey() {
        return session.getSessionKey().getBase64();
    }

    /** Encrypts an event's JSON ({@code {"type","content","room_id"}}); the ciphertext, base64. */
    public String encrypt(String plaintext) {
        return Vodozemac.guard("Megolm encryption", () -> session.encrypt(plaintext).getBase64());
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
