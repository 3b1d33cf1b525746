package coop.comptoir.bridge.discord.format;

import coop.comptoir.api.id.MxcUri;
import coop.comptoir.api.id.UserId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;

/** One conversion of Matrix HTML to Discord markdown; not shared between threads. */
final class HtmlToDiscord {
    private static final int MAX_DEPTH = 64;
    private static final Set<String> BLOCKS = Set.of(
            "p", "div", "pre", "blockquote", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
            "table", "thead", "tbody", "tfoot", "tr", "caption", "details", "summary", "section", "article",
            "header", "footer", "nav", "aside", "figure", "figcaption", "dl", "dt", "dd", "address", "main");

    private static final int STRONG = 1;
    private static final int EM = 2;
    private static final int UNDERLINE = 4;
    private static final int STRIKE = 8;
    private static final int SPOILER = 16;

    /** Where we are: in a quote, in a list, in a link label; which styles are open; how deep. */
    private record Ctx(boolean quote, boolean list, boolean link, int styles, int depth) {
        static final Ctx ROOT = new Ctx(false, false, false, 0, 0);

        Ctx deeper() {
            return new Ctx(quote, list, link, styles, depth + 1);
        }

        Ctx inQuote() {
            return new Ctx(true, list, link, styles, depth + 1);
        }

        Ctx inList() {
            return new Ctx(quote, true, link, styles, depth + 1);
        }

        Ctx inLink() {
            return new Ctx(quote, list, true, styles, depth + 1);
        }

        Ctx with(int style) {
            return new Ctx(quote, list, link, styles | style, depth + 1);
        }
    }

    private final MentionResolver resolver;
    private final Set<UserId> mentions;
    private final Set<String> pinged = new LinkedHashSet<>();

    HtmlToDiscord(MentionResolver resolver, Set<UserId> mentions) {
        this.resolver = resolver;
        this.mentions = mentions;
    }

    Set<String> pinged() {
        return pinged;
    }

    String render(String html) {
        Document doc = Jsoup.parseBodyFragment(html);
        doc.select("mx-reply").remove();
        return strip(blocks(doc.body(), Ctx.ROOT));
    }

    // ---- blocks

    private String blocks(Element parent, Ctx ctx) {
        if (ctx.depth() > MAX_DEPTH) {
            return DiscordMarkdown.escape(parent.text());
        }
        List<String> parts = new ArrayList<>();
        List<String> kinds = new ArrayList<>();
        StringBuilder run = new StringBuilder();
        for (Node child : parent.childNodes()) {
            if (child instanceof Element e && BLOCKS.contains(e.normalName())) {
                flush(run, parts, kinds);
                String b = block(e, ctx);
                if (!b.isBlank()) {
                    parts.add(b);
                    kinds.add(e.normalName());
                }
            } else {
                append(run, inline(child, ctx));
            }
        }
        flush(run, parts, kinds);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < parts.size(); i++) {
            if (i > 0) {
                boolean paragraphs = kinds.get(i - 1).equals("p") && kinds.get(i).equals("p");
                out.append(paragraphs && !ctx.quote() && !ctx.list() ? "\n\n" : "\n");
            }
            out.append(parts.get(i));
        }
        return out.toString();
    }

    private static void flush(StringBuilder run, List<String> parts, List<String> kinds) {
        String s = strip(run.toString());
        run.setLength(0);
        if (!s.isEmpty()) {
            parts.add(s);
            kinds.add("text");
        }
    }

    private String block(Element e, Ctx ctx) {
        String tag = e.normalName();
        switch (tag) {
            case "pre":
                return codeBlock(e);
            case "blockquote": {
                String inner = blocks(e, ctx.inQuote());
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
            case "ul":
            case "ol":
                return list(e, ctx);
            case "h1":
            case "h2":
            case "h3":
            case "h4":
            case "h5":
            case "h6": {
                String text = strip(inlineChildren(e, ctx.deeper()).replace('\n', ' '));
                if (text.isEmpty()) {
                    return "";
                }
                int level = Math.min(3, tag.charAt(1) - '0');
                return "#".repeat(level) + " " + text;
            }
            case "hr":
                return "---";
            case "tr": {
                List<String> cells = new ArrayList<>();
                for (Element cell : e.children()) {
                    cells.add(strip(inlineChildren(cell, ctx.deeper()).replace('\n', ' ')));
                }
                return String.join(" | ", cells);
            }
            default:
                return blocks(e, ctx.deeper());
        }
    }

    private String list(Element e, Ctx ctx) {
        boolean ordered = e.normalName().equals("ol");
        long number = 1;
        if (ordered && e.hasAttr("start")) {
            try {
                number = Long.parseLong(e.attr("start").trim());
            } catch (NumberFormatException ignored) {
                number = 1;
            }
        }
        StringBuilder out = new StringBuilder();
        for (Element item : e.children()) {
            String content;
            String marker;
            if (item.normalName().equals("ul") || item.normalName().equals("ol")) {
                content = list(item, ctx.inList());
                marker = null; // a list right inside a list: nest it under the previous item
            } else {
                content = blocks(item, ctx.inList());
                marker = ordered ? (number++) + ". " : "- ";
            }
            if (content.isBlank()) {
                continue;
            }
            String[] lines = content.split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                if (out.length() > 0) {
                    out.append('\n');
                }
                out.append(i == 0 && marker != null ? marker : "  ").append(lines[i]);
            }
        }
        return out.toString();
    }

    private static String codeBlock(Element pre) {
        Element code = pre.children().size() == 1 && pre.child(0).normalName().equals("code") ? pre.child(0) : null;
        String text = rawText(code != null ? code : pre);
        if (text.endsWith("\n")) {
            text = text.substring(0, text.length() - 1);
        }
        if (text.isBlank()) {
            return "";
        }
        String lang = language(code);
        if (lang.isEmpty()) {
            lang = language(pre);
        }
        String safe = DiscordMarkdown.defuseMassMentions(text.replace("```", "`\u200B``"));
        return "```" + lang + "\n" + safe + "\n```";
    }

    private static String language(Element e) {
        if (e == null) {
            return "";
        }
        for (String cls : e.classNames()) {
            if (cls.startsWith("language-")) {
                String lang = cls.substring("language-".length());
                if (lang.matches("[A-Za-z0-9_+#.-]{1,32}")) {
                    return lang;
                }
            }
        }
        return "";
    }

    /** The text of an element as written, with {@code <br>} as a newline (for code). */
    private static String rawText(Element e) {
        StringBuilder sb = new StringBuilder();
        e.traverse((node, depth) -> {
            if (node instanceof TextNode t) {
                sb.append(t.getWholeText());
            } else if (node instanceof Element el && el.normalName().equals("br")) {
                sb.append('\n');
            }
        });
        return sb.toString();
    }

    // ---- inline

    private String inlineChildren(Element parent, Ctx ctx) {
        if (ctx.depth() > MAX_DEPTH) {
            return DiscordMarkdown.escapeInline(parent.text());
        }
        StringBuilder sb = new StringBuilder();
        for (Node child : parent.childNodes()) {
            if (child instanceof Element e && BLOCKS.contains(e.normalName())) {
                append(sb, "\n" + block(e, ctx) + "\n");
            } else {
                append(sb, inline(child, ctx));
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
        sb.append(piece);
    }

    private String inline(Node node, Ctx ctx) {
        if (node instanceof TextNode t) {
            String text = collapse(t.getWholeText());
            return DiscordMarkdown.escapeInline(DiscordMarkdown.restoreAtRoom(text));
        }
        if (!(node instanceof Element e)) {
            return ""; // comments, script and style data
        }
        if (ctx.depth() > MAX_DEPTH) {
            return DiscordMarkdown.escapeInline(e.text());
        }
        switch (e.normalName()) {
            case "br":
                return "\n";
            case "strong":
            case "b":
                return wrap(e, ctx, STRONG, "**");
            case "em":
            case "i":
            case "cite":
                return wrap(e, ctx, EM, "*");
            case "u":
            case "ins":
                return wrap(e, ctx, UNDERLINE, "__");
            case "del":
            case "s":
            case "strike":
                return wrap(e, ctx, STRIKE, "~~");
            case "span":
                return e.hasAttr("data-mx-spoiler") ? wrap(e, ctx, SPOILER, "||") : inlineChildren(e, ctx.deeper());
            case "code":
                return inlineCode(collapse(rawText(e)));
            case "a":
                return link(e, ctx);
            case "img":
                return image(e);
            case "mx-reply":
            case "script":
            case "style":
            case "head":
            case "title":
                return "";
            default:
                return inlineChildren(e, ctx.deeper());
        }
    }

    private String wrap(Element e, Ctx ctx, int style, String mark) {
        if ((ctx.styles() & style) != 0) {
            return inlineChildren(e, ctx.deeper());
        }
        String inner = inlineChildren(e, ctx.with(style));
        String core = strip(inner);
        if (core.isEmpty()) {
            return inner.isEmpty() ? "" : " ";
        }
        String lead = inner.startsWith("\n") ? "\n" : Character.isWhitespace(inner.charAt(0)) ? " " : "";
        String trail = inner.endsWith("\n") ? "\n" : Character.isWhitespace(inner.charAt(inner.length() - 1)) ? " " : "";
        return lead + mark + core + mark + trail;
    }

    private static String inlineCode(String raw) {
        String code = DiscordMarkdown.defuseMassMentions(raw);
        if (code.isBlank()) {
            return code.isEmpty() ? "" : " ";
        }
        if (code.indexOf('`') < 0) {
            return "`" + code + "`";
        }
        String pad = code.startsWith("`") || code.endsWith("`") ? " " : "";
        return "``" + pad + code.replace("``", "`\u200B`") + pad + "``";
    }

    private String link(Element a, Ctx ctx) {
        String href = a.attr("href").trim();
        Optional<MatrixLinks.Target> target = MatrixLinks.parse(href);
        if (target.isPresent() && target.get() instanceof MatrixLinks.UserTarget u) {
            return userMention(u.user(), a.text().strip());
        }
        if (target.isPresent() && target.get() instanceof MatrixLinks.RoomTarget r) {
            Optional<String> channel = ask(() -> resolver.discordChannelId(r.reference()));
            if (channel.isPresent() && Snowflakes.isSnowflake(channel.get())) {
                return "<#" + channel.get() + ">";
            }
            String text = a.text().strip();
            return DiscordMarkdown.escapeInline(text.isEmpty() ? r.reference() : text);
        }
        String label = strip(inlineChildren(a, ctx.inLink()));
        String scheme = href.toLowerCase(Locale.ROOT);
        if (scheme.startsWith("http://") || scheme.startsWith("https://")) {
            String url = href.replace(" ", "%20").replace("(", "%28").replace(")", "%29").replace("<", "%3C").replace(">", "%3E");
            String plainLabel = a.text().strip();
            if (label.isEmpty() || sameUrl(plainLabel, href)) {
                return DiscordMarkdown.defuseMassMentions(url);
            }
            if (ctx.link()) {
                return label;
            }
            return "[" + label + "](" + url + ")";
        }
        if (scheme.startsWith("mailto:") && label.isEmpty()) {
            return DiscordMarkdown.escapeInline(href.substring(7));
        }
        return label; // javascript:, data: and other schemes: the text only
    }

    private static boolean sameUrl(String text, String href) {
        return text.equals(href) || (text + "/").equals(href) || text.equals(href + "/");
    }

    private String userMention(UserId user, String linkText) {
        Optional<String> discordId = ask(() -> resolver.discordUserId(user));
        if (discordId.isPresent() && Snowflakes.isSnowflake(discordId.get())) {
            if (mentions == null || mentions.contains(user)) {
                pinged.add(discordId.get());
            }
            return "<@" + discordId.get() + ">";
        }
        String name = ask(() -> resolver.displayName(user))
                .filter(n -> !n.isBlank())
                .orElse(linkText.isEmpty() ? user.value() : linkText);
        return DiscordMarkdown.escapeInline(name.startsWith("@") ? name : "@" + name);
    }

    private String image(Element img) {
        String src = img.attr("src").trim();
        if (img.hasAttr("data-mx-emoticon") && src.startsWith("mxc://")) {
            Optional<CustomEmoji> emoji = ask(() -> {
                try {
                    return resolver.discordEmoji(MxcUri.parse(src));
                } catch (IllegalArgumentException e) {
                    return Optional.empty();
                }
            });
            if (emoji.isPresent()) {
                return emoji.get().markup();
            }
        }
        String alt = img.attr("alt").strip();
        if (alt.isEmpty()) {
            alt = img.attr("title").strip();
        }
        if (!alt.isEmpty()) {
            return DiscordMarkdown.escapeInline(collapse(alt));
        }
        String lower = src.toLowerCase(Locale.ROOT);
        if (lower.startsWith("https://") || lower.startsWith("http://")) {
            return DiscordMarkdown.defuseMassMentions(src);
        }
        return "(image)";
    }

    // ---- helpers

    private static <T> Optional<T> ask(Supplier<Optional<T>> question) {
        try {
            Optional<T> answer = question.get();
            return answer == null ? Optional.empty() : answer;
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** HTML white space (not the no-break space) collapsed to one space. */
    private static String collapse(String s) {
        return s.replaceAll("[ \\t\\n\\r\\f]+", " ");
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
