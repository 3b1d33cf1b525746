package coop.comptoir.e2e.hostile;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Attribute;
import org.jsoup.nodes.Element;

/**
 * What a person reading a Matrix room would suffer from a message, read from the event as a client
 * gets it: HTML outside the subset the Matrix spec lets clients render (client-server API,
 * "m.room.message msgtypes", HTML), a link or image that runs code, a notification of the whole
 * room, an event larger than a homeserver takes.
 */
public final class MatrixSafety {
    /** The tags the Matrix spec recommends clients allow (plus {@code mx-reply}). */
    static final Set<String> TAGS = Set.of("font", "del", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "p", "a", "ul",
            "ol", "sup", "sub", "li", "b", "i", "u", "strong", "em", "s", "strike", "code", "hr", "br", "div", "table", "thead",
            "tbody", "tr", "th", "td", "caption", "pre", "span", "img", "details", "summary", "mx-reply");
    /** The attributes the spec allows, per tag. */
    static final Map<String, Set<String>> ATTRIBUTES = Map.of(
            "font", Set.of("data-mx-bg-color", "data-mx-color", "color"),
            "span", Set.of("data-mx-bg-color", "data-mx-color", "data-mx-spoiler", "data-mx-maths"),
            "div", Set.of("data-mx-maths"),
            "a", Set.of("name", "target", "href"),
            "img", Set.of("width", "height", "alt", "title", "src", "data-mx-emoticon"),
            "ol", Set.of("start"),
            "code", Set.of("class"));
    static final Set<String> LINK_SCHEMES = Set.of("https", "http", "ftp", "mailto", "magnet", "matrix");
    /** Synapse refuses an event whose JSON is larger than this. */
    public static final int MAX_EVENT_BYTES = 65_536;
    /** The legacy {@code .m.rule.roomnotif} match: {@code @room} as a word of the body. */
    private static final Pattern AT_ROOM = Pattern.compile("(?<![\\p{L}\\p{N}_])@room(?![\\p{L}\\p{N}_])");

    private MatrixSafety() {}

    /** What is wrong with a message event for a person reading the room; empty when nothing. */
    public static List<String> problems(JsonNode event) {
        List<String> problems = new ArrayList<>();
        JsonNode content = event.path("content");
        problems.addAll(htmlProblems(content.path("formatted_body").asText("")));
        problems.addAll(htmlProblems(content.path("m.new_content").path("formatted_body").asText("")));
        if (content.path("m.mentions").path("room").asBoolean(false)) {
            problems.add("m.mentions.room is set");
        }
        if (!content.has("m.mentions") && AT_ROOM.matcher(content.path("body").asText("")).find()) {
            problems.add("the body says @room without m.mentions: the legacy push rule notifies the whole room");
        }
        int size = event.toString().getBytes(StandardCharsets.UTF_8).length;
        if (size > MAX_EVENT_BYTES) {
            problems.add("event of " + size + " bytes");
        }
        return problems;
    }

    /** What in {@code html} is outside the subset Matrix clients render safely; empty when nothing. */
    public static List<String> htmlProblems(String html) {
        List<String> problems = new ArrayList<>();
        if (html.isEmpty()) {
            return problems;
        }
        for (Element e : Jsoup.parseBodyFragment(html).body().getAllElements()) {
            String tag = e.normalName();
            if (tag.equals("body")) {
                continue;
            }
            if (!TAGS.contains(tag)) {
                problems.add("tag <" + tag + ">");
            }
            for (Attribute a : e.attributes()) {
                String key = a.getKey().toLowerCase(Locale.ROOT);
                if (key.startsWith("on")) {
                    problems.add("event handler " + key + " on <" + tag + ">");
                } else if (!ATTRIBUTES.getOrDefault(tag, Set.of()).contains(key)) {
                    problems.add("attribute " + key + " on <" + tag + ">");
                }
            }
            if (e.hasAttr("href") && !LINK_SCHEMES.contains(scheme(e.attr("href")))) {
                problems.add("link to " + shorten(e.attr("href")));
            }
            if (e.hasAttr("src") && !e.attr("src").startsWith("mxc://")) {
                problems.add("image from " + shorten(e.attr("src")));
            }
        }
        return problems;
    }

    /** The scheme a browser would read in a link (control characters and spaces dropped, as browsers do). */
    static String scheme(String href) {
        String s = href.replaceAll("[\\x00-\\x20\\x7f]", "").toLowerCase(Locale.ROOT);
        int colon = s.indexOf(':');
        return colon < 0 ? "" : s.substring(0, colon);
    }

    private static String shorten(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "…" : s;
    }
}
