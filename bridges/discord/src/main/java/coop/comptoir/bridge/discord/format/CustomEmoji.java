package coop.comptoir.bridge.discord.format;

import java.util.Objects;

/**
 * A Discord custom emoji, {@code <:name:id>} or {@code <a:name:id>} when animated.
 *
 * @param name     the emoji name (letters, digits, underscore)
 * @param id       its snowflake
 * @param animated whether it is a GIF emoji
 */
public record CustomEmoji(String name, String id, boolean animated) {
    public CustomEmoji {
        Objects.requireNonNull(name, "name");
        if (!name.matches("\\w{1,64}")) {
            throw new IllegalArgumentException("emoji name must be 1 to 64 word characters: " + name);
        }
        Snowflakes.check("emoji id", id);
    }

    /** The Discord markup: {@code <:name:id>} or {@code <a:name:id>}. */
    public String markup() {
        return "<" + (animated ? "a" : "") + ":" + name + ":" + id + ">";
    }
}
