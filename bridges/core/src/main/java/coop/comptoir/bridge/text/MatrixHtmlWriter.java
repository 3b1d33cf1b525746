package coop.comptoir.bridge.text;

import coop.comptoir.api.id.UserId;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Writes a {@link RichText} as the text of a Matrix message: a readable plain {@code body}
 * (mentions by display name, spoilers hidden, quotes with {@code > }) and an HTML
 * {@code formatted_body} only when the text has some formatting (a bare link alone is not
 * formatting: clients link it themselves).
 *
 * <p>Safety: all text is HTML-escaped, only {@code http(s)} links and {@code mxc://} images are
 * written, and the output uses only {@code strong em u del span[data-mx-spoiler] code pre blockquote
 * a ul ol li h1-h6 sub br p div hr img table tr td}. Mentions: a user mention becomes a
 * {@code matrix.to} pill and goes into {@link MatrixMarkup#mentions()} when its Matrix user is
 * known (a remote-only mention is resolved through the {@link MentionDirectory}); otherwise it
 * stays text ({@code @name}). The result never mentions the room: an {@link RichNode.EveryoneMention}
 * and any literal {@code @room} get a word joiner (U+2060) after the {@code @}, so the legacy
 * {@code .m.rule.roomnotif} push rule cannot match.
 *
 * <p>Pure and thread-safe if the directory is; never throws.
 */
public final class MatrixHtmlWriter {
    /** Word joiner, put after {@code @} in {@code @room}. */
    public static final char WORD_JOINER = '\u2060';
    private static final Pattern AT_ROOM = Pattern.compile("@(room)\\b", Pattern.CASE_INSENSITIVE);
    /** C0 control characters but tab, line feed and carriage return, and DEL. */
    private static final Pattern CONTROLS = Pattern.compile("[\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\x7F]");

    private final MentionDirectory directory;

    /** A writer asking {@code directory} about remote-only mentions. */
    public MatrixHtmlWriter(MentionDirectory directory) {
        this.directory = Objects.requireNonNull(directory, "directory");
    }

    /** The body, HTML (null when plain) and mentioned users of {@code text}. */
    public MatrixMarkup write(RichText text) {
        Run run = new Run();
        Out out = run.sequence(text == null ? List.of() : text.nodes());
        return new MatrixMarkup(out.body(), run.rich ? out.html() : null, run.mentioned);
    }

    /** One rendered piece: HTML and plain text. */
    private record Out(String html, String body) {}

    /** One conversion's state. */
    private final class Run {
        private final Set<UserId> mentioned = new LinkedHashSet<>();
        private boolean rich;

        Out sequence(List<RichNode> nodes) {
            StringBuilder html = new StringBuilder();
            StringBuilder body = new StringBuilder();
            for (int k = 0; k < nodes.size(); k++) {
                RichNode node = nodes.get(k);
                boolean block = node.isBlock();
                if (k > 0 && (block || nodes.get(k - 1).isBlock())) {
                    RichNode previous = nodes.get(k - 1);
                    body.append(node instanceof RichNode.Paragraph && previous instanceof RichNode.Paragraph ? "\n\n" : "\n");
                    if (node instanceof RichNode.Subtext && !previous.isBlock()
                            || !block && previous instanceof RichNode.Subtext) {
                        html.append("<br>");
                    }
                }
                Out one = node(node);
                html.append(one.html());
                body.append(one.body());
            }
            return new Out(html.toString(), body.toString());
        }

        private Out node(RichNode node) {
            if (node instanceof RichNode.Text t) {
                String text = defuse(t.text());
                return new Out(escape(text).replace("\n", "<br>"), text);
            }
            if (node instanceof RichNode.LineBreak) {
                return new Out("<br>", "\n");
            }
            if (node instanceof RichNode.Styled s) {
                return styled(s);
            }
            if (node instanceof RichNode.InlineCode c) {
                rich = true;
                return new Out("<code>" + escape(c.code()) + "</code>", "`" + defuse(c.code()) + "`");
            }
            if (node instanceof RichNode.Link l) {
                return link(l);
            }
            if (node instanceof RichNode.UserMention u) {
                return user(u);
            }
            if (node instanceof RichNode.RoomMention r) {
                return room(r);
            }
            if (node instanceof RichNode.EveryoneMention e) {
                return text("@" + e.keyword());
            }
            if (node instanceof RichNode.Emoji e) {
                return emoji(e);
            }
            return block(node);
        }

        private Out block(RichNode node) {
            rich = true;
            if (node instanceof RichNode.Paragraph p) {
                Out inner = sequence(p.children());
                return new Out("<p>" + inner.html() + "</p>", inner.body());
            }
            if (node instanceof RichNode.Division d) {
                Out inner = sequence(d.children());
                return new Out("<div>" + inner.html() + "</div>", inner.body());
            }
            if (node instanceof RichNode.Quote q) {
                Out inner = sequence(q.children());
                return new Out("<blockquote>" + inner.html() + "</blockquote>", prefixLines(inner.body(), "> ", "> "));
            }
            if (node instanceof RichNode.Heading h) {
                Out inner = sequence(h.children());
                return new Out("<h" + h.level() + ">" + inner.html() + "</h" + h.level() + ">", inner.body());
            }
            if (node instanceof RichNode.Subtext s) {
                Out inner = sequence(s.children());
                return new Out("<sub>" + inner.html() + "</sub>", inner.body());
            }
            if (node instanceof RichNode.CodeBlock c) {
                String cls = c.language().isEmpty() ? "" : " class=\"language-" + escape(c.language()) + "\"";
                return new Out("<pre><code" + cls + ">" + escape(c.code()) + "</code></pre>",
                        "```" + c.language() + "\n" + defuse(c.code()) + "\n```");
            }
            if (node instanceof RichNode.ListBlock l) {
                return list(l);
            }
            if (node instanceof RichNode.TableRow row) {
                StringBuilder html = new StringBuilder("<table><tr>");
                StringBuilder body = new StringBuilder();
                for (List<RichNode> cell : row.cells()) {
                    Out one = sequence(cell);
                    html.append("<td>").append(one.html()).append("</td>");
                    body.append(body.length() > 0 ? " | " : "").append(one.body().replace('\n', ' '));
                }
                return new Out(html.append("</tr></table>").toString(), body.toString());
            }
            if (node instanceof RichNode.Rule) {
                return new Out("<hr>", "---");
            }
            return new Out("", "");
        }

        private Out styled(RichNode.Styled s) {
            rich = true;
            Out inner = sequence(s.children());
            return switch (s.style()) {
                case BOLD -> new Out("<strong>" + inner.html() + "</strong>", inner.body());
                case ITALIC -> new Out("<em>" + inner.html() + "</em>", inner.body());
                case UNDERLINE -> new Out("<u>" + inner.html() + "</u>", inner.body());
                case STRIKE -> new Out("<del>" + inner.html() + "</del>", inner.body());
                case SPOILER -> new Out("<span data-mx-spoiler>" + inner.html() + "</span>", "[spoiler]");
            };
        }

        private Out list(RichNode.ListBlock l) {
            StringBuilder html = new StringBuilder();
            StringBuilder body = new StringBuilder();
            String tag = l.ordered() ? "ol" : "ul";
            html.append('<').append(tag);
            if (l.ordered() && l.start() != 1) {
                html.append(" start=\"").append(l.start()).append('"');
            }
            html.append('>');
            long number = l.start();
            for (List<RichNode> item : l.items()) {
                html.append("<li>");
                String marker = l.ordered() ? (number++) + ". " : "- ";
                StringBuilder itemBody = new StringBuilder();
                for (RichNode part : item) {
                    Out one = node(part);
                    html.append(one.html());
                    if (part.isBlock() && itemBody.length() > 0) {
                        itemBody.append('\n');
                    }
                    itemBody.append(one.body());
                }
                html.append("</li>");
                if (body.length() > 0) {
                    body.append('\n');
                }
                body.append(prefixLines(itemBody.toString(), marker, "  "));
            }
            html.append("</").append(tag).append('>');
            return new Out(html.toString(), body.toString());
        }

        private Out link(RichNode.Link l) {
            if (!l.isWeb()) {
                return l.label().isEmpty() ? text(l.url()) : sequence(l.label());
            }
            String href = escape(encodeBlanks(l.url()));
            String shown = defuse(l.url());
            if (l.label().isEmpty()) {
                return new Out("<a href=\"" + href + "\">" + escape(shown) + "</a>", shown);
            }
            rich = true;
            Out label = sequence(l.label());
            String body = label.body().equals(shown) ? shown : label.body() + " (" + shown + ")";
            return new Out("<a href=\"" + href + "\">" + label.html() + "</a>", body);
        }

        /**
         * The address with its white space and control characters percent-encoded (UTF-8): a link
         * read on the other network may span lines (Discord's {@code <…>}), and an address in
         * {@code href} should hold none of them (browsers drop some, clients cut at others).
         */
        private static String encodeBlanks(String url) {
            StringBuilder out = null;
            for (int i = 0; i < url.length(); i++) {
                int c = url.codePointAt(i);
                boolean blank = Character.isWhitespace(c) || Character.isSpaceChar(c) || Character.isISOControl(c);
                if (blank && out == null) {
                    out = new StringBuilder(url.length() + 8).append(url, 0, i);
                }
                if (blank) {
                    for (byte b : new String(Character.toChars(c)).getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
                        out.append('%').append(String.format("%02X", b & 0xFF));
                    }
                } else if (out != null) {
                    out.appendCodePoint(c);
                }
                if (c > 0xFFFF) {
                    i++;
                }
            }
            return out == null ? url : out.toString();
        }

        private Out user(RichNode.UserMention u) {
            UserId id = u.user();
            String name = u.displayName();
            if (id == null) {
                Optional<MentionDirectory.MatrixUser> found = ask(() -> directory.matrixUser(u.remoteId()));
                if (found.isEmpty()) {
                    return text("@" + (name != null ? name : u.remoteId()));
                }
                id = found.get().id();
                name = found.get().displayName();
            }
            rich = true;
            mentioned.add(id);
            String shown = defuse(name != null ? name : id.value());
            String href = escape(MatrixLinks.permalink(id.value()));
            return new Out("<a href=\"" + href + "\">" + escape(shown) + "</a>", shown);
        }

        private Out room(RichNode.RoomMention r) {
            String room = r.matrixRoom();
            String name = r.name();
            if (room == null) {
                Optional<MentionDirectory.MatrixRoom> found = ask(() -> directory.matrixRoom(r.remoteId()));
                if (found.isEmpty()) {
                    return text("#" + (name != null ? name : r.remoteId()));
                }
                name = "#" + found.get().name();
                room = found.get().matrixRoom();
                if (room == null) {
                    return text(name);
                }
            }
            rich = true;
            String shown = defuse(name != null ? name : room);
            String href = escape(MatrixLinks.permalink(room));
            return new Out("<a href=\"" + href + "\">" + escape(shown) + "</a>", shown);
        }

        private Out emoji(RichNode.Emoji e) {
            String shown = e.text();
            if (e.url() == null || !e.url().startsWith("mxc://")) {
                return text(shown);
            }
            rich = true;
            String alt = escape(defuse(shown));
            return new Out("<img data-mx-emoticon src=\"" + escape(e.url()) + "\" alt=\"" + alt
                    + "\" title=\"" + alt + "\" height=\"32\">", defuse(shown));
        }
    }

    private static Out text(String s) {
        String text = defuse(s);
        return new Out(escape(text), text);
    }

    private static String prefixLines(String s, String first, String others) {
        StringBuilder out = new StringBuilder();
        String[] lines = s.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (i > 0) {
                out.append('\n');
            }
            out.append(i == 0 ? first : others).append(lines[i]);
        }
        return out.toString();
    }

    private static <T> Optional<T> ask(Supplier<Optional<T>> question) {
        try {
            Optional<T> answer = question.get();
            return answer == null ? Optional.empty() : answer;
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Drops control characters other than tab and line breaks (HTML cannot carry them: a client
     * drops NUL, so {@code @<NUL>room} would show as {@code @room}), then puts a word joiner after
     * the {@code @} of {@code @room}, so no push rule sees it.
     */
    public static String defuse(String s) {
        if (s == null) {
            return "";
        }
        String clean = CONTROLS.matcher(s).replaceAll("");
        if (clean.indexOf('@') < 0) {
            return clean;
        }
        return AT_ROOM.matcher(clean).replaceAll(m -> "@" + WORD_JOINER + m.group(1));
    }

    /** Escapes {@code & < > "} for HTML text and attribute values. */
    public static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
