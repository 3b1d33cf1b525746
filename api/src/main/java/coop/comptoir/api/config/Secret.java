package coop.comptoir.api.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.Objects;

/**
 * A secret from the config (a token, a password, an API key): masked in {@link #toString()} and so
 * in every log line, error and record's {@code toString}, wherever it is bound. The value is only
 * given by {@link #reveal()}, to call where it is sent. The runtime's binder never repeats it in an
 * error. Immutable.
 */
public final class Secret {
    private static final String MASK = "********";

    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    /**
     * Wraps a secret value.
     *
     * @throws IllegalArgumentException when {@code value} is null or blank (the message holds no value)
     */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static Secret of(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("empty");
        }
        return new Secret(value);
    }

    /** The secret itself: call it only where it is sent, never to log or show it. */
    public String reveal() {
        return value;
    }

    /** The secret's length, for checks such as "at least 12 characters". */
    public int length() {
        return value.length();
    }

    /** Compares in time independent of where the values first differ (webhook signatures, tokens). */
    public boolean matches(String candidate) {
        return candidate != null && java.security.MessageDigest.isEqual(
                value.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                candidate.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret s && s.value.equals(value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(value);
    }

    /** Always the mask, never the value. */
    @Override
    public String toString() {
        return MASK;
    }
}
