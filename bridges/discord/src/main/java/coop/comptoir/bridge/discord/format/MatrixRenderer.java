package coop.comptoir.bridge.discord.format;

import coop.comptoir.api.id.MxcUri;
import coop.comptoir.api.id.UserId;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/** Renders a Discord syntax tree as a Matrix body and HTML; one per conversion. */
final class MatrixRenderer {
    private static final Pattern AT_ROOM = Pattern.compile("@(room)\\b", Pattern.CASE_INSENSITIVE);

    private final DiscordResolver resolver;
    private final ZoneId zone;
    private final Locale locale;
    private final Set<UserId> mentioned = new LinkedHashSet<>();
    private boolean rich;

    /** One rendered piece: HTML and plain text. */
    private record Out(String html, String body) {}

    MatrixRenderer(DiscordResolver resolver, ZoneId zone, Locale locale) {
        this.resolver = resolver;
        this.zone = zone;
        this.locale = locale;
    }

    MatrixText render(List<Md> nodes) {
        Out out = sequence(nodes);
        return new MatrixText(out.body(), rich ? out.html() : null, mentioned);
    }

    private Out sequence(List<Md> nodes) {
        StringBuilder html = new StringBuilder();
        StringBuilder body = new StringBuilder();
        for (int k = 0; k < nodes.size(); k++) {
            Md node = nodes.get(k);
            boolean block = Md.isBlock(node);
            if (k > 0 && (block || Md.isBlock(nodes.get(k - 1)))) {
                body.append('\n');
                if (node instanceof Md.Styled s && s.style() == Md.Style.SUBTEXT && !Md.isBlock(nodes.get(k - 1))
                        || !block && nodes.get(k - 1) instanceof Md.Styled p && p.style() == Md.Style.SUBTEXT) {
                    html.append("<br>");
                }
            }
            Out one = node(node);
            html.append(one.html());
            body.append(one.body());
        }
        return new Out(html.toString(), body.toString());
    }

    private Out node(Md node) {
        if (node instanceof Md.Text t) {
            String text = defuse(t.text());
            return new Out(escape(text).replace("\n", "<br>"), text);
        }
        if (node instanceof Md.Styled s) {
            return styled(s);
        }
        if (node instanceof Md.Heading h) {
            rich = true;
            Out inner = sequence(h.children());
            return new Out("<h" + h.level() + ">" + inner.html() + "</h" + h.level() + ">", inner.body());
        }
        if (node instanceof Md.InlineCode c) {
            rich = true;
            return new Out("<code>" + escape(c.code()) + "</code>", "`" + defuse(c.code()) + "`");
        }
        if (node instanceof Md.CodeBlock c) {
            rich = true;
            String cls = c.language().isEmpty() ? "" : " class=\"language-" + escape(c.language()) + "\"";
            return new Out("<pre><code" + cls + ">" + escape(c.code()) + "</code></pre>",
                    "```" + c.language() + "\n" + defuse(c.code()) + "\n```");
        }
        if (node instanceof Md.Link l) {
            return link(l);
        }
        if (node instanceof Md.UserMention u) {
            return user(u.id());
        }
        if (node instanceof Md.ChannelMention c) {
            return channel(c.id());
        }
        if (node instanceof Md.RoleMention r) {
            String name = "@" + ask(() -> resolver.roleName(r.id())).filter(x -> !x.isBlank()).orElse("&" + r.id());
            return text(name);
        }
        if (node instanceof Md.Emoji e) {
            return emoji(e.emoji());
        }
        if (node instanceof Md.Timestamp t) {
            return text(timestamp(t));
        }
        if (node instanceof Md.ListBlock l) {
            return list(l, 0);
        }
        return new Out("", "");
    }

    private Out styled(Md.Styled s) {
        rich = true;
        Out inner = sequence(s.children());
        return switch (s.style()) {
            case STRONG -> new Out("<strong>" + inner.html() + "</strong>", inner.body());
            case EM -> new Out("<em>" + inner.html() + "</em>", inner.body());
            case UNDERLINE -> new Out("<u>" + inner.html() + "</u>", inner.body());
            case STRIKE -> new Out("<del>" + inner.html() + "</del>", inner.body());
            case SPOILER -> new Out("<span data-mx-spoiler>" + inner.html() + "</span>", "[spoiler]");
            case SUBTEXT -> new Out("<sub>" + inner.html() + "</sub>", inner.body());
            case QUOTE -> new Out("<blockquote>" + inner.html() + "</blockquote>", prefixLines(inner.body(), "> ", "> "));
        };
    }

    private Out list(Md.ListBlock l, int level) {
        rich = true;
        StringBuilder html = new StringBuilder();
        StringBuilder body = new StringBuilder();
        String tag = l.ordered() ? "ol" : "ul";
        html.append('<').append(tag);
        if (l.ordered() && l.start() != 1) {
            html.append(" start=\"").append(l.start()).append('"');
        }
        html.append('>');
        long number = l.start();
        for (List<Md> item : l.items()) {
            html.append("<li>");
            String marker = l.ordered() ? (number++) + ". " : "- ";
            StringBuilder itemBody = new StringBuilder();
            for (Md part : item) {
                Out one = part instanceof Md.ListBlock nested ? list(nested, level + 1) : node(part);
                html.append(one.html());
                if (part instanceof Md.ListBlock) {
                    itemBody.append('\n').append(one.body());
                } else {
                    itemBody.append(one.body());
                }
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

    private Out link(Md.Link l) {
        String href = escape(l.url());
        String shown = defuse(l.url());
        if (l.label() == null) {
            return new Out("<a href=\"" + href + "\">" + escape(shown) + "</a>", shown);
        }
        rich = true;
        Out label = sequence(l.label());
        String body = label.body().equals(shown) ? shown : label.body() + " (" + shown + ")";
        return new Out("<a href=\"" + href + "\">" + label.html() + "</a>", body);
    }

    private Out user(String id) {
        Optional<DiscordResolver.MatrixUser> user = ask(() -> resolver.user(id));
        if (user.isEmpty()) {
            return text("@" + id);
        }
        rich = true;
        mentioned.add(user.get().id());
        String name = defuse(user.get().displayName());
        String href = escape(MatrixLinks.permalink(user.get().id().value()));
        return new Out("<a href=\"" + href + "\">" + escape(name) + "</a>", name);
    }

    private Out channel(String id) {
        Optional<DiscordResolver.Channel> channel = ask(() -> resolver.channel(id));
        if (channel.isEmpty()) {
            return text("#" + id);
        }
        String name = "#" + channel.get().name();
        if (channel.get().matrixRoom() == null) {
            return text(name);
        }
        rich = true;
        String href = escape(MatrixLinks.permalink(channel.get().matrixRoom()));
        return new Out("<a href=\"" + href + "\">" + escape(defuse(name)) + "</a>", defuse(name));
    }

    private Out emoji(CustomEmoji emoji) {
        String shortcode = ":" + emoji.name() + ":";
        Optional<MxcUri> mxc = ask(() -> resolver.emojiMxc(emoji));
        if (mxc.isEmpty()) {
            return text(shortcode);
        }
        rich = true;
        return new Out("<img data-mx-emoticon src=\"" + escape(mxc.get().toString()) + "\" alt=\"" + shortcode
                + "\" title=\"" + shortcode + "\" height=\"32\">", shortcode);
    }

    private String timestamp(Md.Timestamp t) {
        try {
            ZonedDateTime time = Instant.ofEpochSecond(t.seconds()).atZone(zone);
            boolean french = "fr".equals(locale.getLanguage());
            String at = french ? " 'à' " : " ";
            String pattern = switch (t.style()) {
                case 't' -> "HH:mm";
                case 'T' -> "HH:mm:ss";
                case 'd' -> french ? "dd/MM/yyyy" : "yyyy-MM-dd";
                case 'D' -> "d MMMM yyyy";
                case 'F' -> "EEEE d MMMM yyyy" + at + "HH:mm";
                default -> "d MMMM yyyy" + at + "HH:mm"; // f, and R (a relative time would go stale)
            };
            return DateTimeFormatter.ofPattern(pattern, locale).format(time);
        } catch (DateTimeException | ArithmeticException e) {
            return t.source();
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

    /** Puts a word joiner after the {@code @} of {@code @room}, so no push rule sees it. */
    static String defuse(String s) {
        if (s.indexOf('@') < 0) {
            return s;
        }
        return AT_ROOM.matcher(s).replaceAll(m -> "@" + DiscordMarkdown.WORD_JOINER + m.group(1));
    }

    static String escape(String s) {
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
