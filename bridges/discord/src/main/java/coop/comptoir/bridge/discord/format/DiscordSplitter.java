package coop.comptoir.bridge.discord.format;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts Discord markdown into messages that fit Discord's length limit.
 *
 * <p>A cut falls at the last paragraph break that fits, else the last line break, else the last
 * space, else (one huge word) at the limit, never inside a surrogate pair, and never in the first
 * half of a part. A cut inside a code block closes the fence at the end of the part and opens it
 * again, with the same language, at the start of the next one. Lengths are counted in UTF-16
 * units, which is never less than what Discord counts.
 *
 * <p>Pure and thread-safe; never throws on any content.
 */
public final class DiscordSplitter {
    /** Discord's limit on {@code content} for a bot or webhook message. */
    public static final int MAX_LENGTH = 2000;
    /** The smallest limit {@link #split(String, int)} accepts. */
    public static final int MIN_LIMIT = 100;

    private static final String FENCE = "```";

    private DiscordSplitter() {}

    /** {@code content} cut into parts of at most {@link #MAX_LENGTH} characters. */
    public static List<String> split(String content) {
        return split(content, MAX_LENGTH);
    }

    /**
     * {@code content} cut into parts of at most {@code limit} characters; blank parts are left out.
     *
     * @throws IllegalArgumentException if {@code limit} is below {@link #MIN_LIMIT}
     */
    public static List<String> split(String content, int limit) {
        if (limit < MIN_LIMIT) {
            throw new IllegalArgumentException("limit must be at least " + MIN_LIMIT + ": " + limit);
        }
        List<String> parts = new ArrayList<>();
        String rest = content == null ? "" : DiscordWriter.strip(content);
        while (rest.length() > limit) {
            int budget = limit - (FENCE.length() + 1); // room to close a code block
            int cut = cut(rest, budget);
            String head = rest.substring(0, cut);
            String tail = rest.substring(cut);
            String language = openFence(head);
            if (language != null) {
                head = stripEnd(head) + "\n" + FENCE;
                tail = FENCE + language + "\n" + dropLeadingNewlines(tail);
            } else {
                head = stripEnd(head);
                tail = dropSeparator(tail);
            }
            if (!head.isBlank()) {
                parts.add(head);
            }
            rest = tail;
        }
        if (!rest.isBlank()) {
            parts.add(rest);
        }
        return parts;
    }

    private static int cut(String s, int max) {
        int min = max / 2;
        int at = s.lastIndexOf("\n\n", max);
        if (at >= min) {
            return at;
        }
        at = s.lastIndexOf('\n', max);
        if (at >= min) {
            return at;
        }
        at = s.lastIndexOf(' ', max);
        if (at >= min) {
            return at;
        }
        return Character.isLowSurrogate(s.charAt(max)) ? max - 1 : max;
    }

    /** The language of the code block left open at the end of {@code s} ("" if none), or null if none is open. */
    static String openFence(String s) {
        String language = null;
        int i = s.indexOf(FENCE);
        while (i >= 0) {
            if (language == null) {
                int eol = s.indexOf('\n', i + 3);
                String info = eol < 0 ? "" : s.substring(i + 3, eol);
                language = info.matches("[A-Za-z0-9_+#.-]{1,32}") ? info : "";
            } else {
                language = null;
            }
            i = s.indexOf(FENCE, i + 3);
        }
        return language;
    }

    private static String stripEnd(String s) {
        int end = s.length();
        while (end > 0 && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\n')) {
            end--;
        }
        return s.substring(0, end);
    }

    private static String dropLeadingNewlines(String s) {
        int i = 0;
        while (i < s.length() && s.charAt(i) == '\n') {
            i++;
        }
        return s.substring(i);
    }

    /** Drops the newlines, or the one space, the cut was made at. */
    private static String dropSeparator(String s) {
        if (s.startsWith(" ")) {
            return s.substring(1);
        }
        return dropLeadingNewlines(s);
    }
}
