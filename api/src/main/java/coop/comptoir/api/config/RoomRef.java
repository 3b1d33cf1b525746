package coop.comptoir.api.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Objects;

/**
 * A room as written in the config: its ID ({@code !abc:example.org}) or an alias
 * ({@code #annonces:example.org}). Use it as a record component; the runtime's binder refuses
 * anything else with the key path and an example. Immutable.
 */
public final class RoomRef {
    /** How a room is written, for error messages. */
    public static final String HOW = "a room ID (!abc:example.org) or alias (#name:example.org)";

    private final String value;

    private RoomRef(String value) {
        this.value = value;
    }

    /**
     * Parses a room ID or alias (surrounding spaces removed).
     *
     * @throws IllegalArgumentException saying how a room is written, when {@code text} is neither
     */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static RoomRef of(String text) {
        String t = text == null ? "" : text.strip();
        if (!isValid(t)) {
            throw new IllegalArgumentException(t.isEmpty() ? "empty: expected " + HOW
                    : "\"" + (t.length() > 60 ? t.substring(0, 57) + "..." : t) + "\" is not " + HOW);
        }
        return new RoomRef(t);
    }

    /** Whether {@code text} is a room ID ({@code !…}) or an alias ({@code #local:server}). */
    public static boolean isValid(String text) {
        return text != null && (text.matches("![^\\s]+") || text.matches("#[^\\s:]+:[^\\s]+"));
    }

    /** The ID or alias as written. */
    @JsonValue
    public String value() {
        return value;
    }

    /** Whether this is an alias ({@code #…}) that must be resolved to a room ID. */
    public boolean isAlias() {
        return value.startsWith("#");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RoomRef r && r.value.equals(value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(value);
    }

    /** The ID or alias as written. */
    @Override
    public String toString() {
        return value;
    }
}
