package coop.comptoir.bridge.discord.format;

import coop.comptoir.api.id.MxcUri;
import coop.comptoir.api.id.UserId;
import coop.comptoir.bridge.text.MatrixHtmlReader;
import coop.comptoir.bridge.text.MentionDirectory;
import coop.comptoir.bridge.text.RichText;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Converts the text of a Matrix message to Discord markdown.
 *
 * <p>The HTML {@code formatted_body} is used when present, otherwise the plain {@code body} is
 * escaped so that what the Matrix user typed shows literally ({@code *not bold*} stays so). Pills
 * to Discord ghosts become {@code <@id>} (pinging only if the user is in {@code m.mentions}, or in
 * any case when the event has no {@code m.mentions}), pills to other Matrix users become
 * {@code @Name}, pills to bridged rooms become {@code <#channel>}. A rich reply fallback
 * ({@code <mx-reply>}) is dropped. See {@link DiscordText} for how to send the result.
 *
 * <p>Goes through the neutral model: the engine's {@link MatrixHtmlReader} reads the HTML into a
 * {@link RichText}, {@link DiscordWriter} writes it as markdown.
 *
 * <p>Supported HTML: {@code strong b em i cite u ins del s strike code pre (language-x) blockquote
 * a ul ol li span[data-mx-spoiler] h1-h6 br p div hr img table/tr} ; any other tag gives its text;
 * {@code script} and {@code style} give nothing. Discord has no nested quotes (they are flattened),
 * headers below {@code ###}, spoiler reasons, colours, sub/superscript or tables (a row becomes
 * cells joined by {@code |}).
 *
 * <p>Pure and thread-safe if the resolver is; never throws on any input.
 */
public final class MatrixToDiscord {
    private final MentionDirectory directory;

    public MatrixToDiscord(MentionResolver resolver) {
        this.directory = directory(Objects.requireNonNull(resolver, "resolver"));
    }

    /** The {@link MentionDirectory} view of a Discord mention resolver, for the HTML reader. */
    static MentionDirectory directory(MentionResolver resolver) {
        return new MentionDirectory() {
            @Override
            public Optional<String> remoteUser(UserId user) {
                return resolver.discordUserId(user).filter(Snowflakes::isSnowflake);
            }

            @Override
            public Optional<String> displayName(UserId user) {
                return resolver.displayName(user);
            }

            @Override
            public Optional<String> remoteChannel(String roomIdOrAlias) {
                return resolver.discordChannelId(roomIdOrAlias).filter(Snowflakes::isSnowflake);
            }

            @Override
            public Optional<String> remoteEmoji(String mxcUri) {
                return resolver.discordEmoji(MxcUri.parse(mxcUri)).map(CustomEmoji::markup);
            }
        };
    }

    /** The Discord message for a Matrix message; its content may exceed 2000 characters, see {@link DiscordText#split()}. */
    public DiscordText convert(MatrixText message) {
        if (message == null) {
            return new DiscordText("", Set.of());
        }
        String html = message.formattedBody();
        if (html != null && !html.isBlank()) {
            try {
                RichText text = new MatrixHtmlReader(directory).read(html);
                DiscordWriter writer = new DiscordWriter(message.mentions());
                String content = writer.render(text);
                return new DiscordText(content, writer.pinged());
            } catch (RuntimeException | StackOverflowError e) {
                // fall back on the plain body below: a malformed formatted_body must not lose the message
            }
        }
        return new DiscordText(fromPlain(message.body()), Set.of());
    }

    /** The Discord markdown that shows {@code text} literally (escaped, mass mentions defused). */
    public static String fromPlain(String text) {
        return DiscordMarkdown.escape(DiscordMarkdown.restoreAtRoom(text == null ? "" : text)).strip();
    }

    /**
     * The body of a reply without its legacy fallback (the leading {@code > } lines and the blank
     * line after them), for a plain-text reply event; other text is returned unchanged. Only call it
     * for an event that is a reply ({@code m.relates_to.m.in_reply_to}).
     */
    public static String stripReplyFallback(String body) {
        if (body == null || !body.startsWith("> ")) {
            return body;
        }
        String[] lines = body.split("\n", -1);
        int i = 0;
        while (i < lines.length && lines[i].startsWith(">")) {
            i++;
        }
        if (i < lines.length && lines[i].isEmpty()) {
            return String.join("\n", java.util.Arrays.asList(lines).subList(i + 1, lines.length));
        }
        return body;
    }
}
