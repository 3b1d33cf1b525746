package coop.comptoir.bridge.discord.format;

import coop.comptoir.api.id.UserId;
import coop.comptoir.bridge.text.RichNode;
import coop.comptoir.bridge.text.RichText;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Writes a {@link RichText} as Discord markdown; one per conversion, not shared between threads.
 *
 * <p>Text is escaped ({@link DiscordMarkdown}), {@code @everyone}/{@code @here} defused, a user
 * mention with a Discord ID becomes {@code <@id>} (and is pinged only when {@code mentions} allows
 * it), others {@code @Name}. Discord has no nested quotes (they are flattened), headers below
 * {@code ###}, spoiler reasons or tables (a row becomes cells joined by {@code |}).
 */
final class DiscordWriter {
    private static final Pattern EMOJI_MARKUP = Pattern.compile("<a?:\\w{1,64}:\\d{1,20}>");

    private static final int STRONG = 1;
    private static final int EM = 2;
    private static final int UNDERLINE = 4;
    private static final int STRIKE = 8;
    private static final int SPOILER = 16;

    /** Where we are: in a quote, in a list, in a link label; which styles are open. */
    private record Ctx(boolean quote, boolean list, boolean link, int styles) {
        static final Ctx ROOT = new Ctx(false, false, false, 0);

        Ctx inQuote() {
            return new Ctx(true, list, link, styles);
        }

        Ctx inList() {
            return new Ctx(quote, true, link, styles);
        }

        Ctx inLink() {
            return new Ctx(quote, list, true, styles);
        }

        Ctx with(int style) {
            return new Ctx(quote, list, link, styles | style);
        }
    }

    private static final java.util.regex.Pattern BLANK = java.util.regex.Pattern.compile("[\\x00-\\x20\\x7F]");
    private final Set<UserId> mentions;
    private final Set<String> pinged = new LinkedHashSet<>();

    /**
     * @param mentions the users the Matrix event mentions on purpose ({@code m.mentions}), or null
     *                 when it had no {@code m.mentions} (then every Discord user named is pinged)
     */
    DiscordWriter(Set<UserId> mentions) {
        this.mentions = mentions;
    }

    /** The Discord users to ping, after {@link #render}. */
    Set<String> pinged() {
        return pinged;
    }

    String render(RichText text) {
        return strip(blocks(text.nodes(), Ctx.ROOT));
    }

    // ---- blocks

    private String blocks(List<RichNode> nodes, Ctx ctx) {
        List<String> parts = new ArrayList<>();
        List<Boolean> paragraphs = new ArrayList<>();
        StringBuilder run = new StringBuilder();
        for (RichNode node : nodes) {
            if (node.isBlock()) {
                flush(run, parts, paragraphs);
                String b = block(node, ctx);
                if (!b.isBlank()) {
                    parts.add(b);
                    paragraphs.add(node instanceof RichNode.Paragraph);
                }
            } else {
                append(run, inline(node, ctx));
            }
        }
        flush(run, parts, paragraphs);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < parts.size(); i++) {
            if (i > 0) {
                boolean twoParagraphs = paragraphs.get(i - 1) && paragraphs.get(i);
                out.append(twoParagraphs && !ctx.quote() && !ctx.list() ? "\n\n" : "\n");
            }
            out.append(parts.get(i));
        }
        return out.toString();
    }

    private static void flush(StringBuilder run, List<String> parts, List<Boolean> paragraphs) {
        String s = strip(run.toString());
        run.setLength(0);
        if (!s.isEmpty()) {
            parts.add(s);
            paragraphs.add(false);
        }
    }

    private String block(RichNode node, Ctx ctx) {
        if (node instanceof RichNode.CodeBlock c) {
            return codeBlock(c);
        }
        if (node instanceof RichNode.Quote q) {
            String inner = blocks(q.children(), ctx.inQuote());
            if (ctx.quote()) {
                return inner; // Discord has no nested quotes: the inner quote joins the outer one
            }
            StringBuilder out = new StringBuilder();
            for (String line : inner.split("\n", -1)) {
                if (out.length() > 0) {
                    out.append('\n');
                }
                out.append("> ").append(line);
            }
            return out.toString();
        }
        if (node instanceof RichNode.ListBlock l) {
            return list(l, ctx);
        }
        if (node instanceof RichNode.Heading h) {
            String text = oneLine(h.children(), ctx);
            return text.isEmpty() ? "" : "#".repeat(Math.min(3, h.level())) + " " + text;
        }
        if (node instanceof RichNode.Subtext s) {
            String text = oneLine(s.children(), ctx);
            return text.isEmpty() ? "" : "-# " + text;
        }
        if (node instanceof RichNode.Rule) {
            return "---";
        }
        if (node instanceof RichNode.TableRow row) {
            List<String> cells = new ArrayList<>();
            for (List<RichNode> cell : row.cells()) {
                cells.add(oneLine(cell, ctx));
            }
            return String.join(" | ", cells);
        }
        if (node instanceof RichNode.Paragraph p) {
            return blocks(p.children(), ctx);
        }
        if (node instanceof RichNode.Division d) {
            return blocks(d.children(), ctx);
        }
        return "";
    }

    private String oneLine(List<RichNode> nodes, Ctx ctx) {
        return strip(inlineChildren(nodes, ctx).replace('\n', ' '));
    }

    private String list(RichNode.ListBlock l, Ctx ctx) {
        long number = l.start();
        StringBuilder out = new StringBuilder();
        for (List<RichNode> item : l.items()) {
            String content = blocks(item, ctx.inList());
            String marker = l.ordered() ? (number++) + ". " : "- ";
            if (content.isBlank()) {
                continue;
            }
            String[] lines = content.split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                if (out.length() > 0) {
                    out.append('\n');
                }
                out.append(i == 0 ? marker : "  ").append(lines[i]);
            }
        }
        return out.toString();
    }

    private static String codeBlock(RichNode.CodeBlock c) {
        String text = c.code();
        if (text.isBlank()) {
            return "";
        }
        String lang = c.language().matches("[A-Za-z0-9_+#.-]{1,32}") ? c.language() : "";
        String safe = DiscordMarkdown.defuseMassMentions(text.replace("```", "`\u200B``"));
        return "```" + lang + "\n" + safe + "\n```";
    }

    // ---- inline

    private String inlineChildren(List<RichNode> nodes, Ctx ctx) {
        StringBuilder sb = new StringBuilder();
        for (RichNode node : nodes) {
            if (node.isBlock()) {
                append(sb, "\n" + block(node, ctx) + "\n");
            } else {
                append(sb, inline(node, ctx));
            }
        }
        return sb.toString();
    }

    /** Joins inline pieces the way a browser collapses white space, and escapes line starts. */
    private static void append(StringBuilder sb, String piece) {
        if (piece.isEmpty()) {
            return;
        }
        char last = sb.length() == 0 ? '\n' : sb.charAt(sb.length() - 1);
        if (last == ' ' && piece.charAt(0) == '\n') {
            while (sb.length() > 0 && sb.charAt(sb.length() - 1) == ' ') {
                sb.setLength(sb.length() - 1);
            }
        }
        if (sb.length() > 0 && (last == ' ' || last == '\n')) {
            int i = 0;
            while (i < piece.length() && piece.charAt(i) == ' ') {
                i++;
            }
            piece = piece.substring(i);
        }
        if (last == '\n') {
            piece = DiscordMarkdown.escapeLineStart(piece);
        }
        if (last == '`' && !piece.isEmpty() && piece.charAt(0) == '`') {
            // two code spans side by side would run their backticks together, and Discord would end
            // the first one elsewhere, leaving what is typed in code (a "<@id>") outside it
            sb.append(DiscordMarkdown.ZWSP);
        }
        sb.append(piece);
    }

    private String inline(RichNode node, Ctx ctx) {
        if (node instanceof RichNode.Text t) {
            return text(t.text(), ctx.link());
        }
        if (node instanceof RichNode.LineBreak) {
            return "\n";
        }
        if (node instanceof RichNode.Styled s) {
            return switch (s.style()) {
                case BOLD -> wrap(s, ctx, STRONG, "**");
                case ITALIC -> wrap(s, ctx, EM, "*");
                case UNDERLINE -> wrap(s, ctx, UNDERLINE, "__");
                case STRIKE -> wrap(s, ctx, STRIKE, "~~");
                case SPOILER -> wrap(s, ctx, SPOILER, "||");
            };
        }
        if (node instanceof RichNode.InlineCode c) {
            return inlineCode(c.code());
        }
        if (node instanceof RichNode.Link l) {
            return link(l, ctx);
        }
        if (node instanceof RichNode.UserMention u) {
            return userMention(u);
        }
        if (node instanceof RichNode.RoomMention r) {
            if (r.remoteId() != null && Snowflakes.isSnowflake(r.remoteId())) {
                return "<#" + r.remoteId() + ">";
            }
            String name = r.name() != null ? r.name() : r.matrixRoom() != null ? r.matrixRoom() : "#" + r.remoteId();
            return DiscordMarkdown.escapeInline(name);
        }
        if (node instanceof RichNode.EveryoneMention e) {
            return DiscordMarkdown.escapeInline("@" + e.keyword()); // defused by escapeInline
        }
        if (node instanceof RichNode.Emoji e) {
            return emoji(e);
        }
        return "";
    }

    /** Literal text, line by line: each line after a break may need its line-start marker escaped. */
    private static String text(String text, boolean inLabel) {
        String[] lines = DiscordMarkdown.restoreAtRoom(text).split("\n", -1);
        StringBuilder out = new StringBuilder(DiscordMarkdown.escapeInline(lines[0], inLabel));
        for (int i = 1; i < lines.length; i++) {
            out.append('\n').append(DiscordMarkdown.escapeLineStart(DiscordMarkdown.escapeInline(lines[i], inLabel)));
        }
        return out.toString();
    }

    private String wrap(RichNode.Styled s, Ctx ctx, int style, String mark) {
        if ((ctx.styles() & style) != 0) {
            return inlineChildren(s.children(), ctx);
        }
        if (codeHolds(s.children(), mark.charAt(0))) {
            // Discord would end the style at its mark inside the code, cutting the code span and
            // leaving what is typed in code (a "<@id>") outside it: the text goes without the style
            return inlineChildren(s.children(), ctx);
        }
        String inner = inlineChildren(s.children(), ctx.with(style));
        String core = strip(inner);
        if (core.isEmpty()) {
            return inner.isEmpty() ? "" : " ";
        }
        String lead = inner.startsWith("\n") ? "\n" : Character.isWhitespace(inner.charAt(0)) ? " " : "";
        String trail = inner.endsWith("\n") ? "\n" : Character.isWhitespace(inner.charAt(inner.length() - 1)) ? " " : "";
        return lead + mark + core + mark + trail;
    }

    /** Whether inline code or a code block among {@code nodes} (at any depth, in any block) holds {@code c}. */
    private static boolean codeHolds(List<RichNode> nodes, char c) {
        for (RichNode node : nodes) {
            if (node instanceof RichNode.InlineCode code && code.code().indexOf(c) >= 0
                    || node instanceof RichNode.CodeBlock block && block.code().indexOf(c) >= 0
                    || nested(node).stream().anyMatch(inner -> codeHolds(inner, c))) {
                return true;
            }
        }
        return false;
    }

    /** The node lists {@code node} holds: its children, a link's label, a list's items, a row's cells. */
    private static List<List<RichNode>> nested(RichNode node) {
        if (node instanceof RichNode.Styled n) {
            return List.of(n.children());
        } else if (node instanceof RichNode.Link n) {
            return List.of(n.label());
        } else if (node instanceof RichNode.Paragraph n) {
            return List.of(n.children());
        } else if (node instanceof RichNode.Division n) {
            return List.of(n.children());
        } else if (node instanceof RichNode.Quote n) {
            return List.of(n.children());
        } else if (node instanceof RichNode.Heading n) {
            return List.of(n.children());
        } else if (node instanceof RichNode.Subtext n) {
            return List.of(n.children());
        } else if (node instanceof RichNode.ListBlock n) {
            return n.items();
        } else if (node instanceof RichNode.TableRow n) {
            return n.cells();
        }
        return List.of();
    }

    private static String inlineCode(String raw) {
        String code = DiscordMarkdown.defuseMassMentions(raw);
        if (code.isBlank()) {
            return code.isEmpty() ? "" : " ";
        }
        if (code.indexOf('`') < 0) {
            return "`" + code + "`";
        }
        // Discord drops a space only next to a backtick of the code: a pad on that side only
        String lead = code.startsWith("`") ? " " : "";
        String trail = code.endsWith("`") ? " " : "";
        return "``" + lead + code.replaceAll("`(?=`)", "`\u200B") + trail + "``";
    }

    private String link(RichNode.Link l, Ctx ctx) {
        String href = l.url();
        String label = strip(inlineChildren(l.label(), ctx.inLink()));
        if (!l.isWeb()) {
            return label.isEmpty() ? DiscordMarkdown.escapeInline(href) : label;
        }
        String url = href.replace(" ", "%20").replace("(", "%28").replace(")", "%29").replace("<", "%3C").replace(">", "%3E");
        // a line break in the address would end it, and what follows would be read as markup
        // (found by fuzzing: it cut a code block, and a "<@id>" in it pinged)
        url = BLANK.matcher(url).replaceAll(m -> String.format("%%%02X", (int) m.group().charAt(0)));
        if (label.isEmpty() || label.equals(href)) {
            return DiscordMarkdown.defuseMassMentions(url);
        }
        if (ctx.link()) {
            return label;
        }
        // the address is not shown, but Discord would still read a mass mention in it: its "@" is
        // percent-encoded, which leads to the same page
        return "[" + label + "](" + DiscordMarkdown.encodeMassMentions(url) + ")";
    }

    private String userMention(RichNode.UserMention u) {
        String discordId = u.remoteId();
        if (discordId != null && Snowflakes.isSnowflake(discordId)) {
            if (mentions == null || (u.user() != null && mentions.contains(u.user()))) {
                pinged.add(discordId);
            }
            return "<@" + discordId + ">";
        }
        String name = u.displayName() != null ? u.displayName() : u.user() != null ? u.user().value() : discordId;
        return DiscordMarkdown.escapeInline(name.startsWith("@") ? name : "@" + name);
    }

    private static String emoji(RichNode.Emoji e) {
        if (e.remoteId() != null && EMOJI_MARKUP.matcher(e.remoteId()).matches()) {
            return e.remoteId();
        }
        if (!e.text().isEmpty()) {
            return DiscordMarkdown.escapeInline(e.text());
        }
        return "(image)";
    }

    /** Strips spaces and newlines at both ends. */
    static String strip(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && (s.charAt(start) == ' ' || s.charAt(start) == '\n')) {
            start++;
        }
        while (end > start && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\n')) {
            end--;
        }
        return s.substring(start, end);
    }
}
