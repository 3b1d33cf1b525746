package coop.comptoir.bots.forum;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.DocumentType;
import org.jsoup.nodes.Element;
import org.jsoup.parser.Parser;

/**
 * Reads RSS 2.0 ({@code rss/channel/item}) and Atom ({@code feed/entry}) with jsoup's XML parser.
 *
 * <p>jsoup does not read DTDs: a {@code <!DOCTYPE>} is kept as an inert node and an entity it
 * declares is never expanded (it stays as literal text), so an XXE payload fetches nothing. The
 * doctype is dropped anyway. Item HTML is returned raw; callers sanitise it.
 */
final class FeedParser {
    private FeedParser() {}

    /** One item or entry. {@code identity}: the guid/id, else the link; {@code html}: raw, unsanitised; {@code published} may be null. */
    record Item(String identity, String title, String link, String author, String category, String html,
                Instant published) {}

    /** Not a feed of the expected kind, or not XML at all. */
    static final class NotAFeed extends IOException {
        NotAFeed(String message) {
            super(message);
        }
    }

    /**
     * The items of an RSS or Atom document.
     *
     * @param format {@code rss}, {@code atom}, or {@code auto} (decided by the root element)
     */
    static List<Item> parse(byte[] xml, String format, String baseUri) throws NotAFeed {
        Document doc;
        try {
            doc = Jsoup.parse(new ByteArrayInputStream(xml), null, baseUri, Parser.xmlParser());
        } catch (IOException | RuntimeException e) {
            throw new NotAFeed("unreadable XML");
        }
        doc.childNodes().stream().filter(n -> n instanceof DocumentType).toList().forEach(n -> n.remove());
        Element root = doc.children().first();
        String kind = root == null ? "" : switch (root.normalName()) {
            case "rss", "rdf:rdf" -> "rss";
            case "feed" -> "atom";
            default -> "";
        };
        if (kind.isEmpty() || !("auto".equals(format) || kind.equals(format))) {
            throw new NotAFeed("not " + ("auto".equals(format) ? "an RSS or Atom" : "an " + format.toUpperCase(Locale.ROOT))
                    + " feed (root element: " + (root == null ? "none" : root.tagName()) + ")");
        }
        return kind.equals("rss") ? rss(root) : atom(root);
    }

    private static List<Item> rss(Element root) {
        List<Item> out = new ArrayList<>();
        // RSS 2.0 puts items in the channel; RSS 1.0 (RDF) next to it.
        for (Element item : root.getElementsByTag("item")) {
            String link = trim(childText(item, "link"));
            String guid = trim(childText(item, "guid"));
            String author = trim(childText(item, "dc:creator"));
            if (author == null) {
                author = trim(childText(item, "author"));
            }
            if (author != null && author.startsWith("@")) {
                author = author.substring(1);
            }
            String published = trim(childText(item, "pubDate"));
            if (published == null) {
                published = trim(childText(item, "dc:date"));
            }
            String html = childText(item, "content:encoded");
            if (html == null || html.isBlank()) {
                html = childText(item, "description");
            }
            out.add(new Item(guid != null ? guid : link, trim(childText(item, "title")), link, author,
                    trim(childText(item, "category")), html, date(published)));
        }
        return out;
    }

    private static List<Item> atom(Element root) {
        List<Item> out = new ArrayList<>();
        for (Element entry : root.getElementsByTag("entry")) {
            String link = null;
            for (Element l : children(entry, "link")) {
                String rel = l.attr("rel");
                if (rel.isEmpty() || rel.equals("alternate")) {
                    link = trim(l.attr("href"));
                    break;
                }
            }
            String id = trim(childText(entry, "id"));
            Element author = child(entry, "author");
            Element category = child(entry, "category");
            String published = trim(childText(entry, "published"));
            if (published == null) {
                published = trim(childText(entry, "updated"));
            }
            Element body = child(entry, "content");
            if (body == null || body.text().isBlank() && body.children().isEmpty()) {
                body = child(entry, "summary");
            }
            Element title = child(entry, "title");
            out.add(new Item(id != null ? id : link, title == null ? null : trim(plainTitle(title)), link,
                    author == null ? null : trim(childText(author, "name")),
                    category == null ? null : trim(category.hasAttr("label") ? category.attr("label") : category.attr("term")),
                    body == null ? null : atomHtml(body), date(published)));
        }
        return out;
    }

    /** Atom text constructs: {@code text} (escaped here), {@code html} (the text is HTML), {@code xhtml} (inline markup). */
    private static String atomHtml(Element e) {
        return switch (e.attr("type").toLowerCase(Locale.ROOT)) {
            case "html" -> e.wholeText();
            case "xhtml" -> e.html();
            default -> HtmlSanitizer.escape(e.wholeText());
        };
    }

    private static String plainTitle(Element title) {
        String type = title.attr("type").toLowerCase(Locale.ROOT);
        if (type.equals("html")) {
            return Jsoup.parse(title.wholeText()).text();
        }
        return title.text();
    }

    private static Element child(Element parent, String tag) {
        List<Element> c = children(parent, tag);
        return c.isEmpty() ? null : c.get(0);
    }

    private static List<Element> children(Element parent, String tag) {
        return parent.children().stream().filter(e -> e.normalName().equals(tag.toLowerCase(Locale.ROOT))).toList();
    }

    private static String childText(Element parent, String tag) {
        Element c = child(parent, tag);
        return c == null ? null : c.wholeText();
    }

    private static String trim(String s) {
        if (s == null) {
            return null;
        }
        String t = s.strip();
        return t.isEmpty() ? null : t;
    }

    /** RFC 822 dates (RSS) or RFC 3339 (Atom, dc:date); null when absent or unreadable. */
    static Instant date(String s) {
        if (s == null) {
            return null;
        }
        try {
            return ZonedDateTime.parse(s, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            // not RFC 822; try RFC 3339
        }
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
