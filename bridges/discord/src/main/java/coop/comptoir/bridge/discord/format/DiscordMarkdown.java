package coop.comptoir.bridge.discord.format;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Escaping of literal text for Discord markdown. Pure and thread-safe; never throws.
 *
 * <p>A character is escaped with {@code \} only where Discord would read it as markup, so the
 * raw text stays readable: {@code * ` [ ]} always, {@code _} except inside a word
 * ({@code snake_case} stays as is), {@code ~} and {@code |} when doubled, {@code \} before
 * punctuation, and the line-start markers {@code # > - + 1.} at the start of a line. A {@code <}
 * that could open Discord markup ({@code <@id> <#id> <:name:id> </command:id> <a:…> <t:…>
 * <https://…>}) keeps its {@code <} and has the character after it escaped instead
 * ({@code <\@id>}, {@code <t\:…>}): a backslash before the {@code <} would join a web address
 * written just before it, as Discord reads addresses up to the {@code <}. Web addresses are left
 * untouched (Discord links them before reading any markup in them), except one right after a
 * {@code <}, which is text; the colon of an {@code http://} that starts no address is escaped
 * ({@code http\://_}), as an escape after it could make one. {@code @everyone} and {@code @here}
 * get a zero-width space after the {@code @}.
 */
public final class DiscordMarkdown {
    private DiscordMarkdown() {}

    /** Zero-width space, put after {@code @} in {@code @everyone} and {@code @here}. */
    static final char ZWSP = '\u200B';
    /** Word joiner, put after {@code @} in {@code @room} on the Matrix side. */
    static final char WORD_JOINER = '\u2060';

    /** Discord's own rule for bare links. */
    static final Pattern URL = Pattern.compile("https?://[^\\s<]+[^<.,:;\"')\\]\\s]");
    /** The characters {@link #URL} does not end an address with (besides space and {@code <}). */
    private static final String URL_TAIL = ".,:;\"')]";
    private static final Pattern MASS_MENTION = Pattern.compile("@(everyone|here)", Pattern.CASE_INSENSITIVE);
    private static final Pattern LINE_START = Pattern.compile("(#{1,3}|-#|[-+*]|>{1,3}|\\d{1,9}\\.)(?=\\s|$)");

    /**
     * Escapes plain text so Discord shows it literally, line by line (line-start markers included).
     */
    public static String escape(String text) {
        if (text == null || text.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (i > 0) {
                out.append('\n');
            }
            out.append(escapeLineStart(escapeInline(lines[i])));
        }
        return out.toString();
    }

    /** Makes {@code @everyone} and {@code @here} inert by putting a zero-width space after the {@code @}. */
    public static String defuseMassMentions(String text) {
        if (text == null || text.indexOf('@') < 0) {
            return text == null ? "" : text;
        }
        return MASS_MENTION.matcher(text).replaceAll(m -> "@" + ZWSP + Matcher.quoteReplacement(m.group(1)));
    }

    /** Percent-encodes the {@code @} of {@code @everyone} and {@code @here} in an address (the same page, no mention). */
    static String encodeMassMentions(String url) {
        return MASS_MENTION.matcher(url).replaceAll("%40$1");
    }

    /** Escapes a line-start marker ({@code # - > 1.}) at the very start of {@code s}. */
    static String escapeLineStart(String s) {
        int lead = 0;
        while (lead < s.length() && s.charAt(lead) == ' ') {
            lead++;
        }
        Matcher m = LINE_START.matcher(s).region(lead, s.length());
        if (!m.lookingAt()) {
            return s;
        }
        String marker = m.group(1);
        char c = marker.charAt(0);
        if (Character.isDigit(c)) {
            int dot = lead + marker.length() - 1;
            return s.substring(0, dot) + "\\" + s.substring(dot);
        }
        if (c == '*') {
            return s; // already escaped by escapeInline
        }
        return s.substring(0, lead) + "\\" + s.substring(lead);
    }

    /** Escapes inline markup in one line, leaving URLs alone and defusing mass mentions. */
    static String escapeInline(String s) {
        return escapeInline(s, false);
    }

    /**
     * Escapes inline markup in one line, leaving URLs alone and defusing mass mentions; in a link's
     * label ({@code inLabel}), where Discord links no address, a {@code ]} is always escaped.
     */
    static String escapeInline(String s, boolean inLabel) {
        StringBuilder out = new StringBuilder(s.length() + 8);
        Matcher url = URL.matcher(s);
        int pos = 0;
        while (url.find()) {
            if (url.start() > 0 && s.charAt(url.start() - 1) == '<') {
                continue; // <https://…> would be Discord's link markup: the address is written as text
            }
            escapeRun(s, pos, url.start(), out);
            out.append(s, url.start(), url.end());
            pos = url.end();
            // What follows up to a space or '<' can only be characters an address may not end with
            // (the pattern is greedy); a backslash escaping one of them ("\\]") would be a character an
            // address may end with, and Discord would take it and what is before it into the address.
            // Unescaped, a ']' closes nothing: every '[' outside an address is escaped (in a label, where
            // no address is read, the ']' is escaped as everywhere else).
            while (!inLabel && pos < s.length() && URL_TAIL.indexOf(s.charAt(pos)) >= 0) {
                out.append(s.charAt(pos++));
            }
        }
        escapeRun(s, pos, s.length(), out);
        return defuseMassMentions(out.toString());
    }

    private static void escapeRun(String s, int from, int to, StringBuilder out) {
        int markup = -1; // the character escaped to defuse the markup a '<' opens
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            char prev = i > 0 ? s.charAt(i - 1) : ' ';
            char next = i + 1 < s.length() ? s.charAt(i + 1) : ' ';
            if (c == '<') {
                markup = markupAfter(s, i);
            }
            boolean escape = i == markup || isSchemeColon(s, i) || switch (c) {
                case '*', '`', '[', ']' -> true;
                case '_' -> !(isWord(prev) && isWord(next));
                case '~' -> prev == '~' || next == '~';
                case '|' -> prev == '|' || next == '|';
                case '\\' -> isPunctuation(next) || i + 1 == s.length();
                default -> false;
            };
            if (escape) {
                out.append('\\');
            }
            out.append(c);
        }
    }

    /**
     * Where the markup a {@code <} at {@code i} could open is broken by a backslash: the punctuation
     * right after it ({@code <@ <# <: </}), or the colon after a word ({@code <a: <t: <id: <https:});
     * -1 when it opens none.
     */
    private static int markupAfter(String s, int i) {
        int j = i + 1;
        if (j >= s.length()) {
            return -1;
        }
        char next = s.charAt(j);
        if (next == '@' || next == '#' || next == ':' || next == '/') {
            return j;
        }
        while (j < s.length() && j - i <= 10 && isWord(s.charAt(j))) {
            j++;
        }
        return j > i + 1 && j < s.length() && s.charAt(j) == ':' ? j : -1;
    }

    /**
     * Whether {@code i} is the colon of an {@code http://} or {@code https://} that starts no
     * address (this is text outside the addresses): an escape written after it could make one
     * ({@code http://_} is none, {@code http://\_} is one), so the colon is escaped instead.
     */
    private static boolean isSchemeColon(String s, int i) {
        return s.charAt(i) == ':' && s.startsWith("//", i + 1)
                && (s.startsWith("http", i - 4) || s.startsWith("https", i - 5));
    }

    static boolean isWord(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    private static boolean isPunctuation(char c) {
        return c < 0x80 && !isWord(c) && !Character.isWhitespace(c) && c != 0;
    }

    /** Undoes the {@code @room} defusing of {@link DiscordToMatrix}: Discord has no {@code @room}. */
    static String restoreAtRoom(String s) {
        return s.indexOf(WORD_JOINER) < 0 ? s : s.replace("@" + WORD_JOINER + "room", "@room");
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
