package coop.comptoir.bots.forum;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.safety.Cleaner;
import org.jsoup.safety.Safelist;
import org.jsoup.select.NodeTraversor;
import org.jsoup.select.NodeVisitor;

/**
 * Turns a post's cooked HTML into the subset Matrix clients render, and a plain-text twin.
 *
 * <p>Kept: paragraphs, line breaks, emphasis, code, quotes, lists, headings; links only to
 * {@code http}, {@code https} and {@code mailto} (relative ones made absolute against the forum).
 * Images become links to the image. Everything else (scripts, styles, iframes, forms, event
 * handlers, classes, {@code javascript:} links) is dropped, tags and attributes alike.
 */
final class HtmlSanitizer {
    /** What stays of an excerpt, in characters of text, before it is cut. */
    static final int EXCERPT_CHARS = 500;
    /**
     * The most HTML an excerpt may take, in characters: 500 characters of text inside thousands of
     * nested or empty elements would otherwise make an announcement too large for Matrix.
     */
    static final int MAX_EXCERPT_HTML = 12_000;
    /** The most characters of a title or a name an announcement shows. */
    static final int MAX_NAME_CHARS = 300;
    /** What the plain twin of an excerpt may add to its text in link addresses, in characters. */
    static final int MAX_LINK_TEXT = 2_000;

    private static final Safelist SAFE = new Safelist()
            .addTags("a", "b", "strong", "i", "em", "u", "s", "del", "code", "pre", "blockquote", "p", "br",
                    "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "sup", "sub")
            .addAttributes("a", "href")
            .addProtocols("a", "href", "http", "https", "mailto");
    // no rel="noopener": Matrix allows href, name and target on links, clients set rel themselves

    private final String baseUri;

    HtmlSanitizer(String baseUri) {
        this.baseUri = baseUri;
    }

    /** The safe HTML and its plain text. */
    record Safe(String html, String text) {}

    /** The whole post, cleaned. */
    Safe clean(String cooked) {
        return excerpt(cooked, Integer.MAX_VALUE);
    }

    /** The start of the post, cleaned, cut after about {@code maxChars} characters of text. */
    Safe excerpt(String cooked, int maxChars) {
        Document dirty = Jsoup.parseBodyFragment(cooked == null ? "" : cooked, baseUri);
        dirty.select("script, style, iframe, object, embed, form, noscript, template, svg, math").remove();
        // Discourse wraps images in lightbox links; the image itself becomes the link.
        // Discourse's emoji are small images whose alt is the :code:; the text reads better.
        for (Element emoji : dirty.select("img.emoji")) {
            emoji.replaceWith(new TextNode(emoji.attr("alt")));
        }
        for (Element img : dirty.select("img")) {
            if (img.parent() == null) {
                continue; // went with a link an earlier image of the same link replaced
            }
            String src = img.absUrl("src");
            String alt = img.attr("alt").isBlank() ? "image" : img.attr("alt");
            if (src.isEmpty() || img.parent() != null && img.parent().is("a")) {
                Element parent = img.parent();
                if (parent != null && parent.is("a")) {
                    parent.text("🖼 " + alt);
                } else {
                    img.remove();
                }
            } else {
                img.replaceWith(new Element("a").attr("href", src).text("🖼 " + alt));
            }
        }
        // Relative links are made absolute against the forum, then checked against the protocols.
        Document clean = new Cleaner(SAFE).clean(dirty);
        for (Element a : clean.select("a[href]")) {
            a.attr("href", escapeControls(a.attr("href")));
        }
        cut(clean.body(), maxChars);
        clean.outputSettings().prettyPrint(false);
        String html = clean.body().html().trim();
        // the plain twin spells out link addresses; a link an HTML parser re-opens in every list
        // item would repeat its address as many times, so the twin is cut too
        String text = shorten(plain(clean.body()).trim(), (int) Math.min(Integer.MAX_VALUE, maxChars + (long) MAX_LINK_TEXT));
        if (html.length() > MAX_EXCERPT_HTML) {
            // the markup is out of all proportion to the text: the text alone, its lines kept, as
            // long as the excerpt may be
            html = "<p>" + escape(shorten(text, maxChars)).replace("\n", "<br>") + "</p>";
        }
        return new Safe(html, text);
    }

    /** {@code s} cut to at most {@code max} characters (never inside a surrogate pair), ending with "…" when cut. */
    static String shorten(String s, int max) {
        if (s == null || s.length() <= max) {
            return s;
        }
        int end = max - 1;
        if (end > 0 && Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end).stripTrailing() + "…";
    }

    /**
     * A link with control characters, spaces or line separators in it (which a browser drops or
     * reads otherwise than it shows) is sent with them percent-encoded, as a URL should be.
     */
    static String escapeControls(String href) {
        StringBuilder sb = new StringBuilder(href.length());
        href.codePoints().forEach(cp -> {
            if (cp <= 0x20 || cp == 0x7F || cp >= 0x80 && cp <= 0x9F || cp == 0x2028 || cp == 0x2029) {
                for (byte b : new String(Character.toChars(cp)).getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
                    sb.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xF, 16)))
                            .append(Character.toUpperCase(Character.forDigit(b & 0xF, 16)));
                }
            } else {
                sb.appendCodePoint(cp);
            }
        });
        return sb.toString();
    }

    /** Removes what follows the first {@code maxChars} characters of text, ending with an ellipsis. */
    private static void cut(Element body, int maxChars) {
        int[] seen = {0};
        boolean[] full = {false};
        java.util.List<Node> drop = new java.util.ArrayList<>();
        NodeTraversor.traverse(new NodeVisitor() {
            @Override
            public void head(Node node, int depth) {
                if (full[0]) {
                    if (node instanceof TextNode || node instanceof Element e && !e.equals(body) && e.childNodeSize() == 0) {
                        drop.add(node);
                    }
                    return;
                }
                if (node instanceof TextNode t) {
                    String s = t.getWholeText();
                    if (seen[0] + s.length() > maxChars) {
                        int keep = Math.max(0, maxChars - seen[0]);
                        int space = s.lastIndexOf(' ', keep);
                        t.text(s.substring(0, space > keep / 2 ? space : keep).stripTrailing() + " …");
                        full[0] = true;
                    }
                    seen[0] += s.length();
                }
            }

            @Override
            public void tail(Node node, int depth) {}
        }, body);
        drop.forEach(Node::remove);
        // Empty elements left behind after the cut.
        boolean removed;
        do {
            removed = false;
            for (Element e : body.select("p:empty, li:empty, ul:empty, ol:empty, blockquote:empty, pre:empty, code:empty, "
                    + "h1:empty, h2:empty, h3:empty, h4:empty, h5:empty, h6:empty, b:empty, strong:empty, i:empty, em:empty, a:empty")) {
                e.remove();
                removed = true;
            }
        } while (removed);
    }

    /** Plain text with line breaks where blocks end. */
    static String plain(Element root) {
        StringBuilder sb = new StringBuilder();
        NodeTraversor.traverse(new NodeVisitor() {
            @Override
            public void head(Node node, int depth) {
                if (node instanceof TextNode t) {
                    sb.append(t.getWholeText());
                } else if (node instanceof Element e) {
                    if (e.is("br")) {
                        sb.append('\n');
                    } else if (e.is("li")) {
                        newline(sb);
                        sb.append("• ");
                    }
                }
            }

            @Override
            public void tail(Node node, int depth) {
                if (node instanceof Element e && e.is("a") && e.hasAttr("href")) {
                    String href = e.attr("href");
                    if (!href.equals(e.text())) {
                        sb.append(" (").append(href).append(')');
                    }
                }
                if (node instanceof Element e && e.isBlock() && !e.is("li") && !e.equals(root)) {
                    newline(sb);
                }
            }
        }, root);
        return sb.toString().replaceAll("\n{3,}", "\n\n");
    }

    private static void newline(StringBuilder sb) {
        if (sb.length() > 0 && sb.charAt(sb.length() - 1) != '\n') {
            sb.append('\n');
        }
    }

    /** Escapes text for HTML element content and attribute values. */
    static String escape(String s) {
        return coop.comptoir.api.matrix.Html.escape(s);
    }
}
