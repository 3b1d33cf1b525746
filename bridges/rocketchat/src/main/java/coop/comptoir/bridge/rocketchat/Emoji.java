package coop.comptoir.bridge.rocketchat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import net.fellbaum.jemoji.EmojiManager;
import net.fellbaum.jemoji.Qualification;

/**
 * Rocket.Chat reaction shortcodes ⇄ unicode emoji (what Matrix reactions carry), for the whole
 * Unicode emoji set: skin tones ({@code :thumbsup_tone3:}), flags ({@code :flag_fr:}), ZWJ
 * sequences ({@code :woman_technologist:}, {@code :rainbow_flag:}).
 *
 * <p>Rocket.Chat names its emoji after JoyPixels (formerly EmojiOne, through its emoji-toolkit).
 * The data comes from the jemoji library, whose "Discord" aliases are those same names (Discord's
 * shortcodes come from EmojiOne too): they are tried first, then GitHub's and Slack's for the names
 * people also type ({@code :+1:}, {@code :slightly_smiling_face:}). Slack's skin-tone forms
 * ({@code :+1::skin-tone-4:}) are left out: Slack counts tones from 2 where JoyPixels counts from 1.
 * A shortcode the data does not know is a custom emoji of the server and crosses as {@code :name:}
 * text; a Matrix reaction written {@code :name:} goes back as that custom emoji. The tables are
 * built at the first reaction (a few milliseconds and about a megabyte), then shared; thread-safe.
 */
final class Emoji {
    private static final Pattern SHORTCODE = Pattern.compile(":[a-z0-9_+-]+:");

    private Emoji() {
    }

    /** Built on first use. */
    private static final class Tables {
        /** {@code :name:} → emoji, fully qualified (with its variation selectors). */
        static final Map<String, String> TO_UNICODE = new HashMap<>();
        /** Emoji without variation selectors → its JoyPixels {@code :name:}. */
        static final Map<String, String> TO_SHORTCODE = new HashMap<>();

        static {
            List<net.fellbaum.jemoji.Emoji> all = new ArrayList<>(EmojiManager.getAllEmojis());
            // fully-qualified first, so that a name means the form Matrix clients send
            all.sort(Comparator.comparing((net.fellbaum.jemoji.Emoji e) -> e.getQualification() != Qualification.FULLY_QUALIFIED)
                    .thenComparing(net.fellbaum.jemoji.Emoji::getEmoji));
            List<Function<net.fellbaum.jemoji.Emoji, List<String>>> sources = List.of(
                    net.fellbaum.jemoji.Emoji::getDiscordAliases, net.fellbaum.jemoji.Emoji::getGithubAliases,
                    net.fellbaum.jemoji.Emoji::getSlackAliases);
            for (Function<net.fellbaum.jemoji.Emoji, List<String>> source : sources) {
                for (net.fellbaum.jemoji.Emoji e : all) {
                    for (String alias : source.apply(e)) {
                        if (SHORTCODE.matcher(alias).matches()) {
                            TO_UNICODE.putIfAbsent(alias, e.getEmoji());
                            TO_SHORTCODE.putIfAbsent(strip(e.getEmoji()), alias);
                        }
                    }
                }
            }
        }
    }

    /** {@code :thumbsup_tone3:} → 👍🏽; an unknown one (a custom emoji) stays {@code :name:}. */
    static String toUnicode(String shortcode) {
        return Tables.TO_UNICODE.getOrDefault(shortcode, shortcode);
    }

    /**
     * 👍 (with or without variation selector) → {@code :thumbsup:}; {@code :name:} stays itself
     * (a custom emoji, or a name typed as the reaction); empty for anything else (free text).
     */
    static Optional<String> toShortcode(String key) {
        if (SHORTCODE.matcher(key).matches()) {
            return Optional.of(key);
        }
        return Optional.ofNullable(Tables.TO_SHORTCODE.get(strip(key)));
    }

    /** Whether two reaction keys are the same Rocket.Chat reaction (👍 and 👍️, ❤ and ❤️). */
    static boolean same(String key, String other) {
        Optional<String> a = toShortcode(key);
        return a.isPresent() ? a.equals(toShortcode(other)) : key.equals(other);
    }

    private static String strip(String s) {
        return s.replace("\uFE0F", "").replace("\uFE0E", "");
    }
}
