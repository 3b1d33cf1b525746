package coop.comptoir.bridge.discord.format;

import java.util.List;

/** The syntax tree of a Discord message, as {@link MarkdownParser} reads it. */
sealed interface Md {
    /** Literal text; may hold newlines. */
    record Text(String text) implements Md {}

    enum Style { STRONG, EM, UNDERLINE, STRIKE, SPOILER, QUOTE, SUBTEXT }

    record Styled(Style style, List<Md> children) implements Md {}

    /** A header, level 1 to 3. */
    record Heading(int level, List<Md> children) implements Md {}

    record InlineCode(String code) implements Md {}

    /** A fenced code block; {@code language} is "" when not given. */
    record CodeBlock(String language, String code) implements Md {}

    /** A link; {@code label} is null for a bare or {@code <autolink>}. Only http(s) URLs get here. */
    record Link(String url, List<Md> label) implements Md {}

    record UserMention(String id) implements Md {}

    record ChannelMention(String id) implements Md {}

    record RoleMention(String id) implements Md {}

    record Emoji(CustomEmoji emoji) implements Md {}

    /** {@code <t:seconds:style>}; style is one of {@code tTdDfFR}. */
    record Timestamp(long seconds, char style, String source) implements Md {}

    /** A list; each item is a line of inline nodes followed, maybe, by a nested list. */
    record ListBlock(boolean ordered, long start, List<List<Md>> items) implements Md {}

    static boolean isBlock(Md node) {
        return node instanceof CodeBlock || node instanceof Heading || node instanceof ListBlock
                || (node instanceof Styled s && (s.style() == Style.QUOTE || s.style() == Style.SUBTEXT));
    }
}
