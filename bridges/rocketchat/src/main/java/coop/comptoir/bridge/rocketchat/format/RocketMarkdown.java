package coop.comptoir.bridge.rocketchat.format;

import coop.comptoir.api.id.UserId;
import coop.comptoir.bridge.api.MatrixContent;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;

/**
 * Rocket.Chat's markdown subset: {@code *bold*} (and {@code **bold**}), {@code _italic_},
 * {@code ~strike~}, {@code `code`}, fenced code blocks, {@code > quotes}, {@code [text](url)} and
 * {@code @username} mentions.
 */
public final class RocketMarkdown implements RocketText {
    /** C0 control characters but tab, line feed and carriage return, and DEL. */
    private static final java.util.regex.Pattern CONTROLS = java.util.regex.Pattern.compile("[\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\x7F]");

    /** A zero-width space: breaks a mention keyword without changing what people read. */
    private static final String ZWSP = "\u200B";
    private static final Pattern FENCE = Pattern.compile("```(?:[a-zA-Z0-9_+-]*\\n)?(.*?)```", Pattern.DOTALL);
    private static final Pattern INLINE = Pattern.compile(
            "`([^`\\n]+)`|\\[([^\\]\\n]+)\\]\\((https?://[^)\\s]+)\\)|\\*\\*([^*\\n]+)\\*\\*|(?<![\\w*])\\*([^*\\n]+)\\*(?![\\w*])"
                    + "|(?<![\\w_])_([^_\\n]+)_(?![\\w_])|(?<![\\w~])~([^~\\n]+)~(?![\\w~])|(?<![\\w@])@([A-Za-z0-9._-]+)");
    private static final Pattern MATRIX_PILL = Pattern.compile("https://matrix\\.to/#/(@[^/?]+)");
    private static final Pattern ROCKET_KEYWORDS = Pattern.compile("(?<![\\w@])@(all|here)\\b", Pattern.CASE_INSENSITIVE);
    /** Synapse's {@code .m.rule.roomnotif} matches {@code @room} in any case. */
    private static final Pattern MATRIX_ROOM = Pattern.compile("@(room)\\b", Pattern.CASE_INSENSITIVE);
    /** The same in the HTML, where markup may stand between its letters ({@code @<strong>ROOM</strong>}). */
    private static final Pattern MATRIX_ROOM_IN_HTML = Pattern.compile(
            "@(?=(?:<[^>]*>)*r(?:<[^>]*>)*o(?:<[^>]*>)*o(?:<[^>]*>)*m(?:<[^>]*>)*(?!\\w))", Pattern.CASE_INSENSITIVE);

    @Override
    public MatrixContent toMatrix(String markdown, Map<String, UserId> mentioned) {
        // Control characters (NUL, ESC…) cannot be written in HTML: a Matrix client drops them, so
        // "@<NUL>room" would show as "@room". They are dropped here, before the text is read.
        String text = markdown == null ? "" : CONTROLS.matcher(markdown).replaceAll("");
        Set<UserId> mentions = new LinkedHashSet<>();
        StringBuilder html = new StringBuilder();
        StringBuilder body = new StringBuilder();
        Matcher fence = FENCE.matcher(text);
        int at = 0;
        while (fence.find()) {
            inline(text.substring(at, fence.start()), mentioned, mentions, html, body);
            html.append("<pre><code>").append(escape(fence.group(1))).append("</code></pre>");
            body.append(fence.group(1));
            at = fence.end();
        }
        inline(text.substring(at), mentioned, mentions, html, body);
        String b = defuseMatrix(body.toString());
        String h = MATRIX_ROOM_IN_HTML.matcher(html.toString()).replaceAll("@" + ZWSP);
        boolean formatted = !h.equals(escape(b).replace("\n", "<br>"));
        return new MatrixContent("m.text", b, formatted ? Optional.of(h) : Optional.empty(), mentions);
    }

    private static void inline(String text, Map<String, UserId> mentioned, Set<UserId> mentions, StringBuilder html,
                               StringBuilder body) {
        String[] lines = text.split("\n", -1);
        boolean inQuote = false;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            boolean quote = line.startsWith("> ") || line.equals(">");
            if (quote && !inQuote) {
                html.append("<blockquote>");
            } else if (!quote && inQuote) {
                html.append("</blockquote>");
            }
            inQuote = quote;
            String content = quote ? line.substring(Math.min(2, line.length())) : line;
            if (quote) {
                body.append("> ");
            }
            spans(content, mentioned, mentions, html, body);
            if (i < lines.length - 1) {
                if (!(quote && i + 1 < lines.length && !lines[i + 1].startsWith(">"))) {
                    html.append("<br>");
                }
                body.append('\n');
            }
        }
        if (inQuote) {
            html.append("</blockquote>");
        }
    }

    private static void spans(String s, Map<String, UserId> mentioned, Set<UserId> mentions, StringBuilder html, StringBuilder body) {
        Matcher m = INLINE.matcher(s);
        int at = 0;
        while (m.find()) {
            html.append(escape(s.substring(at, m.start())));
            body.append(s, at, m.start());
            if (m.group(1) != null) {
                html.append("<code>").append(escape(m.group(1))).append("</code>");
                body.append(m.group(1));
            } else if (m.group(2) != null) {
                html.append("<a href=\"").append(escape(m.group(3))).append("\">").append(escape(m.group(2))).append("</a>");
                body.append(m.group(2)).append(" (").append(m.group(3)).append(')');
            } else if (m.group(4) != null || m.group(5) != null) {
                String t = m.group(4) != null ? m.group(4) : m.group(5);
                html.append("<strong>").append(escape(t)).append("</strong>");
                body.append(t);
            } else if (m.group(6) != null) {
                html.append("<em>").append(escape(m.group(6))).append("</em>");
                body.append(m.group(6));
            } else if (m.group(7) != null) {
                html.append("<del>").append(escape(m.group(7))).append("</del>");
                body.append(m.group(7));
            } else {
                String name = m.group(8);
                UserId target = mentioned.get(name);
                if (target != null) {
                    html.append("<a href=\"https://matrix.to/#/").append(escape(target.value())).append("\">@")
                            .append(escape(name)).append("</a>");
                    mentions.add(target);
                } else {
                    html.append('@').append(escape(name));
                }
                body.append('@').append(name);
            }
            at = m.end();
        }
        html.append(escape(s.substring(at)));
        body.append(s.substring(at));
    }

    /** {@code @room} would notify a whole Matrix room (legacy push rule on the body): a zero-width space defuses it. */
    private static String defuseMatrix(String s) {
        return MATRIX_ROOM.matcher(s).replaceAll(m -> "@" + ZWSP + m.group(1));
    }

    @Override
    public String toRocket(MatrixContent content, Function<UserId, Optional<String>> usernameOf) {
        String out;
        if (content.html().isPresent()) {
            StringBuilder sb = new StringBuilder();
            for (Node n : Jsoup.parseBodyFragment(content.html().get()).body().childNodes()) {
                render(n, sb, usernameOf);
            }
            out = sb.toString().replaceAll("\n{3,}", "\n\n").strip();
        } else {
            out = content.body();
        }
        out = ROCKET_KEYWORDS.matcher(out).replaceAll(r -> "@" + ZWSP + r.group(1));
        return content.msgtype().equals("m.emote") ? "_" + out + "_" : out;
    }

    private static void render(Node n, StringBuilder sb, Function<UserId, Optional<String>> usernameOf) {
        if (n instanceof TextNode t) {
            sb.append(t.getWholeText());
            return;
        }
        if (!(n instanceof Element e)) {
            return;
        }
        switch (e.normalName()) {
            case "strong", "b" -> wrap(e, "*", sb, usernameOf);
            case "em", "i" -> wrap(e, "_", sb, usernameOf);
            case "del", "s", "strike" -> wrap(e, "~", sb, usernameOf);
            case "code" -> sb.append('`').append(e.wholeText()).append('`');
            case "pre" -> sb.append("\n```\n").append(e.wholeText().replaceAll("\n$", "")).append("\n```\n");
            case "br" -> sb.append('\n');
            case "p", "div" -> {
                children(e, sb, usernameOf);
                sb.append("\n\n");
            }
            case "blockquote" -> {
                StringBuilder inner = new StringBuilder();
                children(e, inner, usernameOf);
                for (String line : inner.toString().strip().split("\n")) {
                    sb.append("> ").append(line).append('\n');
                }
            }
            case "li" -> {
                sb.append("- ");
                children(e, sb, usernameOf);
                sb.append('\n');
            }
            case "mx-reply" -> { }
            case "a" -> link(e, sb, usernameOf);
            default -> children(e, sb, usernameOf);
        }
    }

    private static void link(Element e, StringBuilder sb, Function<UserId, Optional<String>> usernameOf) {
        String href = e.attr("href").strip();
        Matcher pill = MATRIX_PILL.matcher(href);
        if (pill.find()) {
            try {
                UserId user = UserId.of(java.net.URLDecoder.decode(pill.group(1), java.nio.charset.StandardCharsets.UTF_8));
                Optional<String> username = usernameOf.apply(user);
                sb.append(username.map(u -> "@" + u).orElse(e.text()));
                return;
            } catch (IllegalArgumentException notAUser) {
                // a room or event link: written as a link below
            }
        }
        String text = e.text();
        if (!isWebOrMail(href)) {
            sb.append(text); // javascript:, data: and other schemes: the text only, never a link
        } else if (text.equals(href)) {
            sb.append(text.isEmpty() ? href : text);
        } else {
            sb.append('[').append(text).append("](")
                    .append(linkTarget(href)).append(')');
        }
    }

    /** An address as a markdown link target: white space, control characters and brackets percent-encoded. */
    private static String linkTarget(String href) {
        StringBuilder out = new StringBuilder(href.length());
        for (int i = 0; i < href.length(); i++) {
            char c = href.charAt(i);
            if (c <= ' ' || c == '(' || c == ')' || c == 0x7f || Character.isWhitespace(c)) {
                out.append(String.format("%%%02X", (int) c & 0xff));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** Whether a link may cross as a link: web and mail addresses only, with something after the scheme. */
    private static boolean isWebOrMail(String href) {
        String h = href.strip().toLowerCase(java.util.Locale.ROOT);
        for (String scheme : new String[] {"https://", "http://", "mailto:"}) {
            if (h.startsWith(scheme)) {
                return h.length() > scheme.length();
            }
        }
        return false;
    }

    private static void wrap(Element e, String mark, StringBuilder sb, Function<UserId, Optional<String>> usernameOf) {
        StringBuilder inner = new StringBuilder();
        children(e, inner, usernameOf);
        sb.append(mark).append(inner).append(mark);
    }

    private static void children(Element e, StringBuilder sb, Function<UserId, Optional<String>> usernameOf) {
        for (Node c : e.childNodes()) {
            render(c, sb, usernameOf);
        }
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
