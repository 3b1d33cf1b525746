package coop.comptoir.crypto;

import java.lang.reflect.InvocationTargetException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.lang.reflect.Method;

/**
 * The few calls of the Kotlin binding that Java cannot name: pickling takes a Kotlin value class
 * ({@code PickleKey}), so its JVM methods carry a mangled name. Resolved by reflection, here only;
 * everything else in this package calls the binding directly.
 *
 * <p>The JVM binding of Trixnity 5.0.1 drops the pickle key (its {@code PickleKey.value} is compiled
 * to {@code null} on the JVM), so vodozemac hands out its state as plain JSON, private keys included.
 * Every pickle is therefore sealed here with AES-256-GCM from the JDK (random 12-byte nonce, the
 * object's kind as associated data) before it leaves this package: what is stored is unreadable
 * without the key, and a wrong key or a changed byte is refused.
 */
final class Vodozemac {
    /** Pickle keys are 32 bytes (checked by the binding). */
    static final int PICKLE_KEY_BYTES = 32;

    private Vodozemac() {
    }

    /** {@code value.pickle(key)}: the object's state, encrypted with {@code key}. */
    static String pickle(Object value, byte[] key) {
        checkKey(key);
        Method m = find(value.getClass(), "pickle-", 1);
        return seal(key, value.getClass().getSimpleName(), (String) call(m, value, key));
    }

    /** {@code Type.Companion.fromPickle(pickle, key)}. */
    static <T> T unpickle(Class<T> type, Object companion, String pickle, byte[] key) {
        checkKey(key);
        Method m = find(companion.getClass(), "fromPickle-", 2);
        return type.cast(call(m, companion, open(key, type.getSimpleName(), pickle), key));
    }

    private static final String SEALED = "c1:";
    private static final SecureRandom RANDOM = new SecureRandom();

    private static String seal(byte[] key, String kind, String plain) {
        try {
            byte[] nonce = new byte[12];
            RANDOM.nextBytes(nonce);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
            c.updateAAD(kind.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = c.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
            return SEALED + b64.encodeToString(nonce) + ":" + b64.encodeToString(sealed);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable in this JDK", e);
        }
    }

    private static String open(byte[] key, String kind, String stored) {
        String[] parts = stored.startsWith(SEALED) ? stored.substring(SEALED.length()).split(":", 2) : new String[0];
        if (parts.length != 2) {
            throw new CryptoException("not a sealed " + kind + " pickle", null);
        }
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"),
                    new GCMParameterSpec(128, Base64.getDecoder().decode(parts[0])));
            c.updateAAD(kind.getBytes(StandardCharsets.UTF_8));
            return new String(c.doFinal(Base64.getDecoder().decode(parts[1])), StandardCharsets.UTF_8);
        } catch (AEADBadTagException | IllegalArgumentException e) {
            throw new CryptoException("the " + kind + " pickle does not open with this key (wrong key or changed data)", null);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable in this JDK", e);
        }
    }

    private static void checkKey(byte[] key) {
        if (key == null || key.length != PICKLE_KEY_BYTES) {
            throw new IllegalArgumentException("a pickle key has " + PICKLE_KEY_BYTES + " bytes");
        }
    }

    private static Method find(Class<?> type, String prefix, int parameters) {
        for (Method m : type.getMethods()) {
            if (m.getName().startsWith(prefix) && !m.getName().endsWith("$default") && m.getParameterCount() == parameters) {
                return m;
            }
        }
        throw new IllegalStateException("vodozemac binding without " + prefix + " on " + type.getName()
                + ": not the version this module was built against");
    }

    private static Object call(Method m, Object target, Object... args) {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw new CryptoException("vodozemac refused: " + e.getCause().getClass().getSimpleName(), e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs a binding call, turning its exceptions into {@link CryptoException}. */
    static <T> T guard(String what, java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (CryptoException | IllegalArgumentException | IllegalStateException e) {
            throw e;
        } catch (Exception e) { // the binding's VodozemacException is not a RuntimeException (Kotlin throws it unchecked)
            throw new CryptoException(what + " failed: " + e.getClass().getSimpleName(), e);
        }
    }
}
