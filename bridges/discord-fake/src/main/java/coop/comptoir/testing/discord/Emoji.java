package coop.comptoir.testing.discord;

import java.util.Objects;

/**
 * A reaction emoji: unicode ({@code id} null) or a custom guild emoji. Its {@link #urlForm()} is what the
 * REST routes take ({@code 👍} or {@code name:id}).
 */
public record Emoji(String name, String id, boolean animated) {
    public Emoji {
        Objects.requireNonNull(name, "name");
    }

    public static Emoji unicode(String emoji) {
        return new Emoji(emoji, null, false);
    }

    public static Emoji custom(String name, String id) {
        return new Emoji(name, id, false);
    }

    /** {@code 👍}, {@code name:id} or {@code a:name:id}, as in the REST routes and in message content. */
    public static Emoji parse(String text) {
        String[] parts = text.split(":");
        if (parts.length == 3 && "a".equals(parts[0])) {
            return new Emoji(parts[1], parts[2], true);
        }
        if (parts.length == 2 && parts[1].chars().allMatch(Character::isDigit) && !parts[1].isEmpty()) {
            return new Emoji(parts[0], parts[1], false);
        }
        return unicode(text);
    }

    public boolean isCustom() {
        return id != null;
    }

    public String urlForm() {
        return id == null ? name : name + ":" + id;
    }

    /** Same emoji whatever its name: custom emojis are compared by id. */
    String key() {
        return id == null ? name : id;
    }
}
