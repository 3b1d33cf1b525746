package coop.comptoir.bridge.discord.format;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small parser for Discord's markdown, modelled on the rules of Discord's client (simple-markdown):
 * code blocks and code spans are literal, {@code \} escapes punctuation, {@code **} is bold,
 * {@code __} underline, {@code *}/{@code _} italic, {@code ~~} strike, {@code ||} spoiler; quotes,
 * headers, subtext and lists are read at the start of a line only. Emphasis is matched by hand
 * (no backtracking regex), so long or hostile input costs at most quadratic time and nesting is
 * capped at {@link #MAX_DEPTH}.
 */
final class MarkdownParser {
    static final int MAX_DEPTH = 10;

    private static final Pattern USER = Pattern.compile("<@!?(\\d{1,20})>");
    private static final Pattern ROLE = Pattern.compile("<@&(\\d{1,20})>");
    private static final Pattern CHANNEL = Pattern.compile("<#(\\d{1,20})>");
    private static final Pattern EMOJI = Pattern.compile("<(a?):(\\w{1,64}):(\\d{1,20})>");
    private static final Pattern TIMESTAMP = Pattern.compile("<t:(-?\\d{1,15})(?::([tTdDfFR]))?>");
    private static final Pattern COMMAND = Pattern.compile("</([\\w -]{1,100}):(\\d{1,20})>");
    private static final Pattern AUTOLINK = Pattern.compile("<(https?://[^ >]+)>");
    private static final Pattern LIST_LINE = Pattern.compile("( *)([-*]|(\\d{1,9})\\.) +(\\S[^\\n]*)");
    private static final Pattern LANGUAGE = Pattern.compile("([A-Za-z0-9_+#.-]{1,32})\\n");

    /** What the text being parsed may hold. */
    private record Where(boolean blocks, boolean quote, boolean link) {
        static final Where TOP = new Where(true, false, false);

        Where inline() {
            return new Where(false, quote, link);
        }
    }

    private MarkdownParser() {}

    static List<Md> parse(String source) {
        return parse(source == null ? "" : source, Where.TOP, 0);
    }

    private static List<Md> parse(String s, Where where, int depth) {
        List<Md> out = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        int n = s.length();
        int i = 0;
        while (i < n) {
            char c = s.charAt(i);
            boolean lineStart = i == 0 || s.charAt(i - 1) == '\n';
            if (c == '\\' && i + 1 < n && isPunctuation(s.charAt(i + 1))) {
                text.append(s.charAt(i + 1));
                i += 2;
                continue;
            }
            Step step = depth < MAX_DEPTH ? step(s, i, c, lineStart, where, depth) : null;
            if (step == null) {
                text.append(c);
                i++;
                continue;
            }
            if (step.node() instanceof Md.Text t) {
                text.append(t.text());
            } else {
                if (Md.isBlock(step.node()) && text.length() > 0 && text.charAt(text.length() - 1) == '\n') {
                    text.setLength(text.length() - 1);
                }
                if (text.length() > 0) {
                    out.add(new Md.Text(text.toString()));
                    text.setLength(0);
                }
                out.add(step.node());
            }
            i = step.end();
        }
        if (text.length() > 0) {
            out.add(new Md.Text(text.toString()));
        }
        return out;
    }

    private record Step(Md node, int end) {}

    private static Step step(String s, int i, char c, boolean lineStart, Where where, int depth) {
        Step step = null;
        if (where.blocks() && lineStart) {
            step = switch (c) {
                case '>' -> where.quote() ? null : quote(s, i, depth);
                case '#' -> heading(s, i, where, depth);
                case '-' -> s.startsWith("-# ", i) ? subtext(s, i, where, depth) : list(s, i, where, depth);
                case '*', ' ', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9' -> list(s, i, where, depth);
                default -> null;
            };
            if (step != null) {
                return step;
            }
        }
        return switch (c) {
            case '`' -> s.startsWith("```", i) && !where.link() ? codeBlockOrSpan(s, i) : codeSpan(s, i);
            case '<' -> angle(s, i, where);
            case 'h' -> where.link() ? null : url(s, i);
            case '[' -> where.link() ? null : maskedLink(s, i, where, depth);
            case '*' -> {
                Step strong = delimited(s, i, "**", '*', Md.Style.STRONG, where, depth);
                yield strong != null ? strong : starEmphasis(s, i, where, depth);
            }
            case '_' -> {
                Step underline = delimited(s, i, "__", '_', Md.Style.UNDERLINE, where, depth);
                yield underline != null ? underline : underscoreEmphasis(s, i, where, depth);
            }
            case '~' -> simple(s, i, "~~", '_', Md.Style.STRIKE, where, depth);
            case '|' -> simple(s, i, "||", (char) 0, Md.Style.SPOILER, where, depth);
            default -> null;
        };
    }

    // ---- line-start blocks

    private static Step quote(String s, int i, int depth) {
        Where inQuote = new Where(true, true, false);
        if (s.startsWith(">>> ", i)) {
            return new Step(new Md.Styled(Md.Style.QUOTE, parse(s.substring(i + 4), inQuote, depth + 1)), s.length());
        }
        StringBuilder content = new StringBuilder();
        int j = i;
        while (j < s.length() && s.startsWith("> ", j) && !s.startsWith(">>> ", j)) {
            int eol = s.indexOf('\n', j);
            int end = eol < 0 ? s.length() : eol;
            if (content.length() > 0) {
                content.append('\n');
            }
            content.append(s, j + 2, end);
            j = eol < 0 ? s.length() : eol + 1;
        }
        if (j == i) {
            return null;
        }
        return new Step(new Md.Styled(Md.Style.QUOTE, parse(content.toString(), inQuote, depth + 1)), j);
    }

    private static Step heading(String s, int i, Where where, int depth) {
        int level = 0;
        while (i + level < s.length() && s.charAt(i + level) == '#') {
            level++;
        }
        if (level > 3 || i + level >= s.length() || s.charAt(i + level) != ' ') {
            return null;
        }
        int eol = s.indexOf('\n', i);
        int end = eol < 0 ? s.length() : eol;
        String content = s.substring(i + level, end).strip();
        if (content.isEmpty()) {
            return null;
        }
        return new Step(new Md.Heading(level, parse(content, where.inline(), depth + 1)), eol < 0 ? end : eol + 1);
    }

    private static Step subtext(String s, int i, Where where, int depth) {
        int eol = s.indexOf('\n', i);
        int end = eol < 0 ? s.length() : eol;
        String content = s.substring(i + 3, end).strip();
        if (content.isEmpty()) {
            return null;
        }
        return new Step(new Md.Styled(Md.Style.SUBTEXT, parse(content, where.inline(), depth + 1)), eol < 0 ? end : eol + 1);
    }

    private record Item(int indent, boolean ordered, long number, String text, int end) {}

    private static Step list(String s, int i, Where where, int depth) {
        List<Item> items = new ArrayList<>();
        Matcher m = LIST_LINE.matcher(s);
        int j = i;
        while (j < s.length()) {
            int eol = s.indexOf('\n', j);
            int end = eol < 0 ? s.length() : eol;
            m.region(j, end);
            if (!m.matches()) {
                break;
            }
            boolean ordered = m.group(3) != null;
            j = eol < 0 ? s.length() : eol + 1;
            items.add(new Item(m.group(1).length(), ordered, ordered ? Long.parseLong(m.group(3)) : 0, m.group(4), j));
        }
        if (items.isEmpty()) {
            return null;
        }
        int[] at = {0};
        Md.ListBlock block = buildList(items, at, where.inline(), depth);
        return new Step(block, items.get(at[0] - 1).end());
    }

    private static Md.ListBlock buildList(List<Item> items, int[] at, Where where, int depth) {
        Item first = items.get(at[0]);
        List<List<Md>> entries = new ArrayList<>();
        while (at[0] < items.size()) {
            Item item = items.get(at[0]);
            if (item.indent() < first.indent()) {
                break;
            }
            if (item.indent() > first.indent() && !entries.isEmpty()) {
                entries.get(entries.size() - 1).add(buildList(items, at, where, depth));
                continue;
            }
            if (item.ordered() != first.ordered() && !entries.isEmpty()) {
                break;
            }
            entries.add(new ArrayList<>(parse(item.text(), where, depth + 1)));
            at[0]++;
        }
        return new Md.ListBlock(first.ordered(), first.number(), entries);
    }

    // ---- code

    private static Step codeBlockOrSpan(String s, int i) {
        int close = s.indexOf("```", i + 4);
        if (close < 0) {
            return codeSpan(s, i);
        }
        String inner = s.substring(i + 3, close);
        String language = "";
        Matcher m = LANGUAGE.matcher(inner);
        if (m.lookingAt() && !inner.substring(m.end()).isBlank()) {
            language = m.group(1);
            inner = inner.substring(m.end());
        }
        String code = trimNewlines(inner);
        int end = close + 3;
        if (end < s.length() && s.charAt(end) == '\n') {
            end++;
        }
        return new Step(new Md.CodeBlock(language, code), end);
    }

    private static Step codeSpan(String s, int i) {
        int run = runLength(s, i, '`');
        int j = i + run;
        while (j < s.length()) {
            int next = s.indexOf('`', j);
            if (next < 0) {
                break;
            }
            int len = runLength(s, next, '`');
            if (len == run && next > i + run) {
                String code = s.substring(i + run, next);
                if (code.startsWith(" `")) {
                    code = code.substring(1);
                }
                if (code.endsWith("` ")) {
                    code = code.substring(0, code.length() - 1);
                }
                return new Step(new Md.InlineCode(code), next + len);
            }
            j = next + len;
        }
        return new Step(new Md.Text(s.substring(i, i + run)), i + run); // unmatched backticks are text
    }

    // ---- links and mentions

    private static Step angle(String s, int i, Where where) {
        Matcher m;
        if ((m = at(USER, s, i)) != null) {
            return new Step(new Md.UserMention(m.group(1)), m.end());
        }
        if ((m = at(ROLE, s, i)) != null) {
            return new Step(new Md.RoleMention(m.group(1)), m.end());
        }
        if ((m = at(CHANNEL, s, i)) != null) {
            return new Step(new Md.ChannelMention(m.group(1)), m.end());
        }
        if ((m = at(EMOJI, s, i)) != null) {
            return new Step(new Md.Emoji(new CustomEmoji(m.group(2), m.group(3), !m.group(1).isEmpty())), m.end());
        }
        if ((m = at(TIMESTAMP, s, i)) != null) {
            char style = m.group(2) == null ? 'f' : m.group(2).charAt(0);
            return new Step(new Md.Timestamp(Long.parseLong(m.group(1)), style, m.group()), m.end());
        }
        if ((m = at(COMMAND, s, i)) != null) {
            return new Step(new Md.Text("/" + m.group(1)), m.end());
        }
        if (!where.link() && (m = at(AUTOLINK, s, i)) != null) {
            return new Step(new Md.Link(m.group(1), null), m.end());
        }
        return null;
    }

    private static Step url(String s, int i) {
        Matcher m = at(DiscordMarkdown.URL, s, i);
        return m == null ? null : new Step(new Md.Link(m.group(), null), m.end());
    }

    private static Step maskedLink(String s, int i, Where where, int depth) {
        int close = s.indexOf("](", i + 1);
        if (close < 0) {
            return null;
        }
        String label = s.substring(i + 1, close);
        if (label.isBlank() || label.indexOf('[') >= 0 || label.indexOf(']') >= 0 || label.contains("\n\n")) {
            return null;
        }
        int j = close + 2;
        boolean angled = j < s.length() && s.charAt(j) == '<';
        if (angled) {
            j++;
        }
        int start = j;
        while (j < s.length() && !Character.isWhitespace(s.charAt(j)) && s.charAt(j) != ')' && s.charAt(j) != '>') {
            j++;
        }
        String url = s.substring(start, j);
        if (angled) {
            if (j >= s.length() || s.charAt(j) != '>') {
                return null;
            }
            j++;
        }
        if (j >= s.length() || s.charAt(j) != ')' || !isWebUrl(url)) {
            return null;
        }
        Where inLink = new Where(false, where.quote(), true);
        return new Step(new Md.Link(url, parse(label, inLink, depth + 1)), j + 1);
    }

    static boolean isWebUrl(String url) {
        String lower = DiscordMarkdown.lower(url);
        return (lower.startsWith("https://") || lower.startsWith("http://")) && url.length() > 8;
    }

    // ---- emphasis

    /** {@code **…**} and {@code __…__}: content with escapes, closed by the pair not followed by a third. */
    private static Step delimited(String s, int i, String pair, char d, Md.Style style, Where where, int depth) {
        if (!s.startsWith(pair, i)) {
            return null;
        }
        int n = s.length();
        int j = i + 2;
        boolean first = true;
        while (j < n) {
            if (!first && s.startsWith(pair, j) && (j + 2 >= n || s.charAt(j + 2) != d)) {
                return styled(style, s.substring(i + 2, j), j + 2, where, depth);
            }
            first = false;
            if (s.charAt(j) == '\\') {
                if (j + 1 >= n) {
                    return null;
                }
                j += 2;
            } else {
                j++;
            }
        }
        return null;
    }

    /** {@code ~~…~~} and {@code ||…||}: any content, closed by the first pair (not followed by {@code notAfter}). */
    private static Step simple(String s, int i, String pair, char notAfter, Md.Style style, Where where, int depth) {
        if (!s.startsWith(pair, i)) {
            return null;
        }
        int j = s.indexOf(pair, i + 3);
        while (j >= 0) {
            if (j + 2 >= s.length() || s.charAt(j + 2) != notAfter) {
                return styled(style, s.substring(i + 2, j), j + 2, where, depth);
            }
            j = s.indexOf(pair, j + 1);
        }
        return null;
    }

    /** {@code *…*}: starts on a non-space, may hold {@code **} pairs, no space before the closing star. */
    private static Step starEmphasis(String s, int i, Where where, int depth) {
        int n = s.length();
        int j = i + 1;
        if (j >= n || Character.isWhitespace(s.charAt(j))) {
            return null;
        }
        boolean first = true;
        while (j < n) {
            char c = s.charAt(j);
            if (!first && c == '*' && (j + 1 >= n || s.charAt(j + 1) != '*')) {
                return styled(Md.Style.EM, s.substring(i + 1, j), j + 1, where, depth);
            }
            first = false;
            if (s.startsWith("**", j)) {
                j += 2;
            } else if (c == '\\') {
                if (j + 1 >= n) {
                    return null;
                }
                j += 2;
            } else if (Character.isWhitespace(c)) {
                int k = j;
                while (k < n && Character.isWhitespace(s.charAt(k))) {
                    k++;
                }
                if (k >= n) {
                    return null;
                }
                if (s.charAt(k) == '\\') {
                    if (k + 1 >= n) {
                        return null;
                    }
                    j = k + 2;
                } else if (s.startsWith("**", k)) {
                    j = k + 2;
                } else if (s.charAt(k) != '*') {
                    j = k + 1;
                } else {
                    return null;
                }
            } else if (c == '*') {
                return null;
            } else {
                j++;
            }
        }
        return null;
    }

    /** {@code _…_}: only at a word boundary on both sides. */
    private static Step underscoreEmphasis(String s, int i, Where where, int depth) {
        if (i > 0 && isWordChar(s.charAt(i - 1))) {
            return null;
        }
        int n = s.length();
        int j = i + 1;
        boolean first = true;
        while (j < n) {
            char c = s.charAt(j);
            if (!first && c == '_' && !(j + 1 < n && isWordChar(s.charAt(j + 1)))) {
                return styled(Md.Style.EM, s.substring(i + 1, j), j + 1, where, depth);
            }
            first = false;
            if (s.startsWith("__", j)) {
                j += 2;
            } else if (c == '\\') {
                if (j + 1 >= n) {
                    return null;
                }
                j += 2;
            } else if (c == '_') {
                return null;
            } else {
                j++;
            }
        }
        return null;
    }

    private static Step styled(Md.Style style, String content, int end, Where where, int depth) {
        return new Step(new Md.Styled(style, parse(content, where.inline(), depth + 1)), end);
    }

    // ---- helpers

    private static Matcher at(Pattern p, String s, int i) {
        Matcher m = p.matcher(s);
        m.region(i, s.length());
        return m.lookingAt() ? m : null;
    }

    private static int runLength(String s, int i, char c) {
        int j = i;
        while (j < s.length() && s.charAt(j) == c) {
            j++;
        }
        return j - i;
    }

    private static String trimNewlines(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && s.charAt(start) == '\n') {
            start++;
        }
        while (end > start && s.charAt(end - 1) == '\n') {
            end--;
        }
        return s.substring(start, end);
    }

    static boolean isWordChar(char c) {
        return DiscordMarkdown.isWord(c) || c == '_';
    }

    static boolean isPunctuation(char c) {
        return c < 0x80 && !DiscordMarkdown.isWord(c) && c > ' ' && c != 0x7f;
    }
}
