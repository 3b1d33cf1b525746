package coop.comptoir.bridge.discord.format;

import coop.comptoir.api.id.MxcUri;
import coop.comptoir.bridge.text.MentionDirectory;
import coop.comptoir.bridge.text.RichNode;
import coop.comptoir.bridge.text.RichText;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads Discord markdown into the neutral {@link RichText}: {@link MarkdownParser} gives the
 * Discord syntax tree, and this maps it. User and channel mentions stay remote-only (the Matrix
 * writer resolves them through {@link #directory(DiscordResolver)}); what only Discord has is
 * written out here: roles as {@code @name} text (never a ping), timestamps as dates in the
 * configured zone and language, custom emoji with their uploaded {@code mxc://} copy if any.
 * {@code @everyone}, {@code @here} and {@code @room} become {@link RichNode.EveryoneMention}s.
 *
 * <p>Pure and thread-safe if the resolver is; the parser never throws on any input.
 */
final class DiscordReader {
    private static final Pattern EVERYONE = Pattern.compile("@(everyone|here|room)\\b", Pattern.CASE_INSENSITIVE);

    private final DiscordResolver resolver;
    private final ZoneId zone;
    private final Locale locale;

    DiscordReader(DiscordResolver resolver, ZoneId zone, Locale locale) {
        this.resolver = resolver;
        this.zone = zone;
        this.locale = locale;
    }

    RichText read(String markdown) {
        return new RichText(map(MarkdownParser.parse(markdown)));
    }

    /** The {@link MentionDirectory} view of a Discord resolver, for the Matrix writer. */
    static MentionDirectory directory(DiscordResolver resolver) {
        return new MentionDirectory() {
            @Override
            public Optional<MatrixUser> matrixUser(String remoteUserId) {
                return ask(() -> resolver.user(remoteUserId)).map(u -> new MatrixUser(u.id(), u.displayName()));
            }

            @Override
            public Optional<MatrixRoom> matrixRoom(String remoteChannelId) {
                return ask(() -> resolver.channel(remoteChannelId)).map(c -> new MatrixRoom(c.name(), c.matrixRoom()));
            }
        };
    }

    private List<RichNode> map(List<Md> nodes) {
        List<RichNode> out = new ArrayList<>();
        for (Md node : nodes) {
            map(node, out);
        }
        return out;
    }

    private void map(Md node, List<RichNode> out) {
        if (node instanceof Md.Text t) {
            text(t.text(), out);
        } else if (node instanceof Md.Styled s) {
            List<RichNode> children = map(s.children());
            out.add(switch (s.style()) {
                case STRONG -> new RichNode.Styled(RichNode.Style.BOLD, children);
                case EM -> new RichNode.Styled(RichNode.Style.ITALIC, children);
                case UNDERLINE -> new RichNode.Styled(RichNode.Style.UNDERLINE, children);
                case STRIKE -> new RichNode.Styled(RichNode.Style.STRIKE, children);
                case SPOILER -> new RichNode.Styled(RichNode.Style.SPOILER, children);
                case QUOTE -> new RichNode.Quote(children);
                case SUBTEXT -> new RichNode.Subtext(children);
            });
        } else if (node instanceof Md.Heading h) {
            out.add(new RichNode.Heading(h.level(), map(h.children())));
        } else if (node instanceof Md.InlineCode c) {
            out.add(new RichNode.InlineCode(c.code()));
        } else if (node instanceof Md.CodeBlock c) {
            out.add(new RichNode.CodeBlock(c.language(), c.code()));
        } else if (node instanceof Md.Link l) {
            out.add(new RichNode.Link(l.url(), l.label() == null ? List.of() : map(l.label())));
        } else if (node instanceof Md.UserMention u) {
            out.add(RichNode.UserMention.remote(u.id()));
        } else if (node instanceof Md.ChannelMention c) {
            out.add(RichNode.RoomMention.remote(c.id()));
        } else if (node instanceof Md.RoleMention r) {
            out.add(new RichNode.Text("@" + ask(() -> resolver.roleName(r.id())).filter(x -> !x.isBlank()).orElse("&" + r.id())));
        } else if (node instanceof Md.Emoji e) {
            String mxc = ask(() -> resolver.emojiMxc(e.emoji())).map(MxcUri::toString).orElse(null);
            out.add(new RichNode.Emoji(":" + e.emoji().name() + ":", mxc, e.emoji().markup()));
        } else if (node instanceof Md.Timestamp t) {
            out.add(new RichNode.Text(timestamp(t)));
        } else if (node instanceof Md.ListBlock l) {
            out.add(new RichNode.ListBlock(l.ordered(), l.start(), l.items().stream().map(this::map).toList()));
        }
    }

    /** Text split into lines, with the mass mentions flagged. */
    private static void text(String text, List<RichNode> out) {
        for (RichNode line : RichText.lines(text)) {
            if (!(line instanceof RichNode.Text t) || t.text().indexOf('@') < 0) {
                out.add(line);
                continue;
            }
            Matcher m = EVERYONE.matcher(t.text());
            int pos = 0;
            while (m.find()) {
                if (m.start() > pos) {
                    out.add(new RichNode.Text(t.text().substring(pos, m.start())));
                }
                out.add(new RichNode.EveryoneMention(m.group(1)));
                pos = m.end();
            }
            if (pos < t.text().length()) {
                out.add(new RichNode.Text(t.text().substring(pos)));
            }
        }
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

    private static <T> Optional<T> ask(Supplier<Optional<T>> question) {
        try {
            Optional<T> answer = question.get();
            return answer == null ? Optional.empty() : answer;
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
