package coop.comptoir.bridge.text;

import coop.comptoir.api.id.MxcUri;
import coop.comptoir.api.id.UserId;
import coop.comptoir.bridge.api.MatrixContent;
import coop.comptoir.bridge.text.RichNode.Style;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;

/**
 * Reads a Matrix {@code formatted_body} ({@code org.matrix.custom.html}) into a {@link RichText}.
 *
 * <p>The HTML is parsed by jsoup as a browser would (unclosed and misnested tags mended) and only
 * what the allow-list below knows becomes structure; any other tag gives its text, and
 * {@code script}, {@code style}, {@code head}, {@code title} and the rich reply fallback
 * {@code <mx-reply>} give nothing. Allowed: {@code strong b em i cite u ins del s strike code
 * pre (class language-x) blockquote a ul ol (start) li span[data-mx-spoiler] h1-h6 br p div hr
 * img[data-mx-emoticon] table/tr/th/td}. White space is collapsed as HTML does. Links to
 * {@code matrix.to} and {@code matrix:} users and rooms become mentions (the
 * {@link MentionDirectory} adds their remote side); images become their {@code alt} text, their
 * address, or {@code (image)}. Nesting deeper than 64 elements is read as plain text.
 *
 * <p>Pure and thread-safe if the directory is; never throws on any input.
 */
public final class MatrixHtmlReader {
    private static final int MAX_DEPTH = 64;
    private static final Set<String> BLOCKS = Set.of(
            "p", "div", "pre", "blockquote", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
            "table", "thead", "tbody", "tfoot", "tr", "caption", "details", "summary", "section", "article",
            "header", "footer", "nav", "aside", "figure", "figcaption", "dl", "dt", "dd", "address", "main");
    private static final Set<String> TABLE_PARTS = Set.of("table", "thead", "tbody", "tfoot");

    private final MentionDirectory directory;

    /** A reader asking {@code directory} about the users, rooms and emoji it meets. */
    public MatrixHtmlReader(MentionDirectory directory) {
        this.directory = Objects.requireNonNull(directory, "directory");
    }

    /** The tree of an HTML body; empty for null or blank HTML; the bare text when the HTML cannot be parsed. */
    public RichText read(String html) {
        if (html == null || html.isBlank()) {
            return RichText.EMPTY;
        }
        Document doc;
        try {
            doc = Jsoup.parseBodyFragment(html);
        } catch (RuntimeException e) {
            // jsoup 1.24.1 can fail on some malformed markup (found by fuzzing: an
            // IndexOutOfBoundsException in its tree builder): the text without its tags, then
            return RichText.of(new RichNode.Text(html.replaceAll("<[^>]*>?", "")));
        }
        doc.select("mx-reply").remove();
        return new RichText(children(doc.body(), 0));
    }

    /**
     * The tree of a Matrix message's text: its HTML when it has some, otherwise (or when the HTML
     * is blank) its plain body, literally.
     */
    public RichText readContent(MatrixContent content) {
        if (content == null) {
            return RichText.EMPTY;
        }
        RichText html = content.html().map(this::read).orElse(RichText.EMPTY);
        return html.isEmpty() ? readPlain(content.body()) : html;
    }

    /**
     * The tree of a plain {@code body}: its lines as text. Markup characters stay literal (what the
     * Matrix user typed is shown as typed).
     */
    public static RichText readPlain(String body) {
        return new RichText(RichText.lines(body));
    }

    private List<RichNode> children(Element parent, int depth) {
        List<RichNode> out = new ArrayList<>();
        if (depth > MAX_DEPTH) {
            String text = collapse(parent.text());
            if (!text.isEmpty()) {
                out.add(new RichNode.Text(text));
            }
            return out;
        }
        for (Node child : parent.childNodes()) {
            if (child instanceof TextNode t) {
                String text = collapse(t.getWholeText());
                if (!text.isEmpty()) {
                    out.add(new RichNode.Text(text));
                }
            } else if (child instanceof Element e) {
                if (BLOCKS.contains(e.normalName())) {
                    block(e, depth + 1, out);
                } else {
                    inline(e, depth + 1, out);
                }
            }
        }
        return out;
    }

    private void block(Element e, int depth, List<RichNode> out) {
        String tag = e.normalName();
        switch (tag) {
            case "pre" -> codeBlock(e).ifPresent(out::add);
            case "blockquote" -> out.add(new RichNode.Quote(children(e, depth)));
            case "ul", "ol" -> out.add(list(e, depth));
            case "h1", "h2", "h3", "h4", "h5", "h6" -> out.add(new RichNode.Heading(tag.charAt(1) - '0', children(e, depth)));
            case "hr" -> out.add(new RichNode.Rule());
            case "p" -> out.add(new RichNode.Paragraph(children(e, depth)));
            case "tr" -> {
                List<List<RichNode>> cells = new ArrayList<>();
                for (Element cell : e.children()) {
                    cells.add(children(cell, depth + 1));
                }
                out.add(new RichNode.TableRow(cells));
            }
            default -> {
                if (TABLE_PARTS.contains(tag)) {
                    out.addAll(children(e, depth)); // rows stand on their own
                } else {
                    out.add(new RichNode.Division(children(e, depth)));
                }
            }
        }
    }

    private RichNode list(Element e, int depth) {
        boolean ordered = e.normalName().equals("ol");
        long start = 1;
        if (ordered && e.hasAttr("start")) {
            try {
                start = Long.parseLong(e.attr("start").trim());
            } catch (NumberFormatException ignored) {
                start = 1;
            }
        }
        List<List<RichNode>> items = new ArrayList<>();
        for (Element item : e.children()) {
            if (item.normalName().equals("ul") || item.normalName().equals("ol")) {
                // a list right inside a list: it belongs under the previous item
                RichNode nested = list(item, depth + 1);
                if (items.isEmpty()) {
                    items.add(new ArrayList<>());
                }
                items.get(items.size() - 1).add(nested);
            } else {
                items.add(new ArrayList<>(children(item, depth + 1)));
            }
        }
        return new RichNode.ListBlock(ordered, start, items);
    }

    private static Optional<RichNode> codeBlock(Element pre) {
        Element code = pre.children().size() == 1 && pre.child(0).normalName().equals("code") ? pre.child(0) : null;
        String text = rawText(code != null ? code : pre);
        if (text.endsWith("\n")) {
            text = text.substring(0, text.length() - 1);
        }
        if (text.isBlank()) {
            return Optional.empty();
        }
        String lang = language(code);
        if (lang.isEmpty()) {
            lang = language(pre);
        }
        return Optional.of(new RichNode.CodeBlock(lang, text));
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

    private void inline(Element e, int depth, List<RichNode> out) {
        switch (e.normalName()) {
            case "br" -> out.add(new RichNode.LineBreak());
            case "strong", "b" -> out.add(new RichNode.Styled(Style.BOLD, children(e, depth)));
            case "em", "i", "cite" -> out.add(new RichNode.Styled(Style.ITALIC, children(e, depth)));
            case "u", "ins" -> out.add(new RichNode.Styled(Style.UNDERLINE, children(e, depth)));
            case "del", "s", "strike" -> out.add(new RichNode.Styled(Style.STRIKE, children(e, depth)));
            case "span" -> {
                if (e.hasAttr("data-mx-spoiler")) {
                    out.add(new RichNode.Styled(Style.SPOILER, children(e, depth)));
                } else {
                    out.addAll(children(e, depth));
                }
            }
            case "code" -> out.add(new RichNode.InlineCode(collapse(rawText(e))));
            case "a" -> link(e, depth, out);
            case "img" -> out.add(image(e));
            case "mx-reply", "script", "style", "head", "title" -> { }
            default -> out.addAll(children(e, depth));
        }
    }

    private void link(Element a, int depth, List<RichNode> out) {
        String href = a.attr("href").trim();
        String linkText = a.text().strip();
        Optional<MatrixLinks.Target> target = MatrixLinks.parse(href);
        if (target.isPresent() && target.get() instanceof MatrixLinks.UserTarget u) {
            out.add(userMention(u.user(), linkText));
            return;
        }
        if (target.isPresent() && target.get() instanceof MatrixLinks.RoomTarget r) {
            String remote = ask(() -> directory.remoteChannel(r.reference())).orElse(null);
            out.add(new RichNode.RoomMention(r.reference(), remote, linkText));
            return;
        }
        RichNode.Link link = new RichNode.Link(href, List.of());
        if (link.isWeb()) {
            boolean bare = linkText.equals(href) || (linkText + "/").equals(href) || linkText.equals(href + "/");
            out.add(bare ? link : new RichNode.Link(href, children(a, depth)));
            return;
        }
        if (href.regionMatches(true, 0, "mailto:", 0, 7) && linkText.isEmpty()) {
            out.add(new RichNode.Text(collapse(href.substring(7))));
            return;
        }
        out.addAll(children(a, depth)); // javascript:, data: and other schemes: the text only
    }

    private RichNode userMention(UserId user, String linkText) {
        Optional<String> remote = ask(() -> directory.remoteUser(user));
        if (remote.isPresent()) {
            return new RichNode.UserMention(user, remote.get(), linkText);
        }
        String name = ask(() -> directory.displayName(user)).filter(n -> !n.isBlank())
                .orElse(linkText.isEmpty() ? user.value() : linkText);
        return new RichNode.UserMention(user, null, name);
    }

    private RichNode image(Element img) {
        String src = img.attr("src").trim();
        String alt = collapse(img.attr("alt").strip());
        if (alt.isEmpty()) {
            alt = collapse(img.attr("title").strip());
        }
        if (img.hasAttr("data-mx-emoticon") && src.startsWith("mxc://")) {
            try {
                String mxc = MxcUri.parse(src).toString();
                return new RichNode.Emoji(alt, mxc, ask(() -> directory.remoteEmoji(mxc)).orElse(null));
            } catch (IllegalArgumentException e) {
                // not a valid mxc URI: an ordinary image below
            }
        }
        if (!alt.isEmpty()) {
            return new RichNode.Text(alt);
        }
        RichNode.Link link = new RichNode.Link(src, List.of());
        return link.isWeb() ? link : new RichNode.Text("(image)");
    }

    private static <T> Optional<T> ask(Supplier<Optional<T>> question) {
        try {
            Optional<T> answer = question.get();
            return answer == null ? Optional.empty() : answer;
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** HTML white space (not the no-break space) collapsed to one space. */
    static String collapse(String s) {
        return s.replaceAll("[ \\t\\n\\r\\f]+", " ");
    }
}
