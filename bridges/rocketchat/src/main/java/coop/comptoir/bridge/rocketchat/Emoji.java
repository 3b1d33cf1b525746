package coop.comptoir.bridge.rocketchat;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Rocket.Chat reaction shortcodes ({@code :thumbsup:}, from its emoji set) ⇄ unicode emoji (what
 * Matrix reactions carry). The common ones only: an unknown shortcode crosses as {@code :name:},
 * an unknown unicode emoji is not carried.
 */
final class Emoji {
    private static final Map<String, String> TO_UNICODE = new HashMap<>();
    private static final Map<String, String> TO_SHORTCODE = new HashMap<>();

    static {
        add("👍", "thumbsup", "+1");
        add("👎", "thumbsdown", "-1");
        add("❤️", "heart");
        add("😀", "grinning");
        add("😃", "smiley");
        add("😄", "smile");
        add("😁", "grin");
        add("😆", "laughing");
        add("😅", "sweat_smile");
        add("😂", "joy");
        add("🙂", "slight_smile");
        add("😉", "wink");
        add("😊", "blush");
        add("😍", "heart_eyes");
        add("😘", "kissing_heart");
        add("😎", "sunglasses");
        add("🤔", "thinking");
        add("😐", "neutral_face");
        add("😮", "open_mouth");
        add("😢", "cry");
        add("😭", "sob");
        add("😡", "rage");
        add("😱", "scream");
        add("🙏", "pray");
        add("👏", "clap");
        add("🙌", "raised_hands");
        add("👋", "wave");
        add("💪", "muscle");
        add("👌", "ok_hand");
        add("✌️", "v");
        add("🎉", "tada");
        add("🔥", "fire");
        add("⭐", "star");
        add("✅", "white_check_mark");
        add("❌", "x");
        add("❓", "question");
        add("❗", "exclamation");
        add("👀", "eyes");
        add("💯", "100");
        add("🚀", "rocket");
        add("☕", "coffee");
        add("🍎", "apple");
        add("🥕", "carrot");
        add("🛒", "shopping_cart");
        add("📦", "package");
        add("📅", "date");
        add("⏰", "alarm_clock");
        add("💚", "green_heart");
        add("💙", "blue_heart");
        add("🤝", "handshake");
        add("😴", "sleeping");
        add("🙃", "upside_down");
    }

    private Emoji() {
    }

    private static void add(String unicode, String... names) {
        TO_SHORTCODE.put(strip(unicode), ":" + names[0] + ":");
        for (String n : names) {
            TO_UNICODE.put(":" + n + ":", unicode);
        }
    }

    /** {@code :thumbsup:} → 👍; an unknown one stays {@code :name:}. */
    static String toUnicode(String shortcode) {
        return TO_UNICODE.getOrDefault(shortcode, shortcode);
    }

    /** 👍 (with or without variation selector) → {@code :thumbsup:}; {@code :name:} stays itself. */
    static Optional<String> toShortcode(String key) {
        if (key.matches(":[a-z0-9_+-]+:")) {
            return Optional.of(key);
        }
        return Optional.ofNullable(TO_SHORTCODE.get(strip(key)));
    }

    private static String strip(String s) {
        return s.replace("\uFE0F", "");
    }
}
