package coop.comptoir.crypto;

import de.connect2x.trixnity.vodozemac.Curve25519PublicKey;
import de.connect2x.trixnity.vodozemac.olm.Account;
import de.connect2x.trixnity.vodozemac.olm.OlmMessage;
import java.util.Map;
import java.util.TreeMap;

/**
 * A device's long-term Olm identity: its two identity keys (Curve25519 for key agreement, Ed25519
 * for signatures), its one-time keys, and the factory of its Olm sessions. Not thread-safe: callers
 * serialise uses and persist it ({@link #pickle}) after every change (one-time keys used or created).
 */
public final class OlmAccount implements AutoCloseable {
    private final Account account;

    private OlmAccount(Account account) {
        this.account = account;
    }

    /** A new identity, with fresh random keys. */
    public static OlmAccount create() {
        return new OlmAccount(Vodozemac.guard("Olm account creation", Account.Companion::invoke));
    }

    /** Restores an account stored with {@link #pickle}; throws {@link CryptoException} on a wrong key. */
    public static OlmAccount fromPickle(String pickle, byte[] key) {
        return new OlmAccount(Vodozemac.unpickle(Account.class, Account.Companion, pickle, key));
    }

    /** The Curve25519 identity key, unpadded base64 ({@code curve25519:DEVICE} in device keys). */
    public String curve25519() {
        return account.getCurve25519Key().getBase64();
    }

    /** The Ed25519 signing key, unpadded base64 ({@code ed25519:DEVICE} in device keys). */
    public String ed25519() {
        return account.getEd25519Key().getBase64();
    }

    /** Signs {@code message} (for Matrix: canonical JSON) with the Ed25519 key; unpadded base64. */
    public String sign(String message) {
        return Vodozemac.guard("signing", () -> account.sign(message).getBase64());
    }

    /** How many one-time keys the account can hold; publish about half of it. */
    public int maxOneTimeKeys() {
        return account.getMaxNumberOfOneTimeKeys();
    }

    /** Creates {@code count} one-time keys, kept unpublished until {@link #markPublished}. */
    public void generateOneTimeKeys(int count) {
        Vodozemac.guard("one-time key generation", () -> account.generateOneTimeKeys(count));
    }

    /** The one-time keys not published yet: key id → Curve25519 key (unpadded base64), sorted by id. */
    public Map<String, String> unpublishedOneTimeKeys() {
        Map<String, String> keys = new TreeMap<>();
        account.getOneTimeKeys().forEach((id, key) -> keys.put(id, key.getBase64()));
        return keys;
    }

    /** Call once the keys of {@link #unpublishedOneTimeKeys} are uploaded. */
    public void markPublished() {
        account.markKeysAsPublished();
    }

    /**
     * Opens a session towards another device, from its identity key and one of its claimed one-time keys.
     * The first messages of the session are pre-key messages until the other side answers.
     */
    public OlmSession openSession(String theirCurve25519, String theirOneTimeKey) {
        return Vodozemac.guard("Olm session creation", () -> {
            Curve25519PublicKey identity = Curve25519PublicKey.Companion.invoke(theirCurve25519);
            Curve25519PublicKey oneTime = Curve25519PublicKey.Companion.invoke(theirOneTimeKey);
            return new OlmSession(account.createOutboundSession(identity, oneTime,
                    de.connect2x.trixnity.vodozemac.olm.OlmSessionConfig.Companion.v1()));
        });
    }

    /**
     * Accepts a pre-key message from a device that opened a session with one of this account's
     * one-time keys; the key is used up (persist the account afterwards).
     */
    public Accepted accept(String theirCurve25519, OlmCiphertext preKeyMessage) {
        if (preKeyMessage.type() != OlmCiphertext.PRE_KEY) {
            throw new IllegalArgumentException("only a pre-key message (type 0) opens a session");
        }
        return Vodozemac.guard("Olm session acceptance", () -> {
            OlmMessage.PreKey.Text message = OlmMessage.PreKey.Text.Companion.invoke(preKeyMessage.body());
            Account.InboundSessionCreationResult<String> r =
                    account.createInboundSession(message, Curve25519PublicKey.Companion.invoke(theirCurve25519));
            return new Accepted(new OlmSession(r.getSession()), r.getPlaintext().getValue());
        });
    }

    /** A session opened by the other side, and the plaintext of its first message. */
    public record Accepted(OlmSession session, String plaintext) {
    }

    /** The account's state (private keys included), encrypted with the 32-byte {@code key}. */
    public String pickle(byte[] key) {
        return Vodozemac.pickle(account, key);
    }

    @Override
    public void close() {
        account.close();
    }
}
