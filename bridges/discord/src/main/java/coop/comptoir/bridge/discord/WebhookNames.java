package coop.comptoir.bridge.discord;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The name shown on a webhook message ({@code username}): Discord takes 1 to 80 characters, trims and
 * collapses spaces, and refuses names containing {@code discord} or {@code clyde} (any case) or
 * equal to {@code everyone} / {@code here}. A Matrix display name is made acceptable rather than
 * refused: the sender must always be recognisable.
 */
final class WebhookNames {
    static final int MAX_LENGTH = 80;
    private static final Pattern FORBIDDEN = Pattern.compile("(?i)discord|clyde");
    private static final Pattern INVISIBLE = Pattern.compile("[\\p{Cc}\\p{Cf}\\p{Co}\\p{Cn}\\p{Zl}\\p{Zp}]");

    private WebhookNames() {}

    /** Whether Discord takes {@code name} as it is. */
    static boolean acceptedByDiscord(String name) {
        return !FORBIDDEN.matcher(name).find();
    }

    /**
     * A webhook username for a Matrix sender: its display name made acceptable, or {@code fallback}
     * (the localpart) when nothing is left of it.
     */
    static String sanitise(String displayName, String fallback) {
        String name = clean(displayName);
        if (name.isEmpty()) {
            name = clean(fallback);
        }
        if (name.isEmpty()) {
            name = "Matrix";
        }
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.equals("everyone") || lower.equals("here")) {
            name = name + " (Matrix)";
        }
        return truncate(name, MAX_LENGTH);
    }

    private static String clean(String s) {
        if (s == null) {
            return "";
        }
        String out = INVISIBLE.matcher(s).replaceAll("");
        out = out.replaceAll("\\s+", " ").strip();
        // "discord" -> "disc\u043Erd", "clyde" -> "clyd\u0435": Cyrillic o / e look the same and pass.
        out = FORBIDDEN.matcher(out).replaceAll(m -> {
            String w = m.group();
            return w.length() == 7 ? w.substring(0, 4) + homoglyph(w.charAt(4)) + w.substring(5)
                    : w.substring(0, 4) + homoglyph(w.charAt(4));
        });
        return out.replace("```", "'''");
    }

    private static char homoglyph(char c) {
        return switch (c) {
            case 'o' -> '\u043E';
            case 'O' -> '\u041E';
            case 'e' -> '\u0435';
            case 'E' -> '\u0415';
            default -> c;
        };
    }

    /** At most {@code max} UTF-16 units, never splitting a surrogate pair, without trailing space. */
    static String truncate(String s, int max) {
        if (s.length() <= max) {
            return s;
        }
        int end = max;
        if (Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end).stripTrailing();
    }
}
