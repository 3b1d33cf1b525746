package coop.comptoir.bridge.discord.format;

import coop.comptoir.bridge.text.MatrixHtmlWriter;
import coop.comptoir.bridge.text.MatrixMarkup;
import coop.comptoir.bridge.text.RichText;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Converts the content of a Discord message to the text of a Matrix message.
 *
 * <p>Reads Discord markdown ({@code ** * _ __ ~~ || `code` ```lang``` > >>> # ## ### -# - * 1.}
 * lists, {@code [label](url)}, {@code <url>}, bare URLs, {@code \} escapes) and Discord markup
 * ({@code <@id> <@!id> <#id> <@&id> <:name:id> <a:name:id> <t:seconds:style> </command:id>}).
 * The result has a readable plain {@code body} (mentions by display name, spoilers hidden) and an
 * HTML {@code formatted_body} only when the message has some formatting (a bare URL alone is not
 * formatting: clients link it themselves). Links are only ever http(s); all text is HTML-escaped.
 *
 * <p>Mentions: a Discord user the resolver knows becomes a pill and goes into {@code m.mentions};
 * an unknown one, a role, {@code @everyone} and {@code @here} stay text. The result never mentions
 * the room, and a literal {@code @room} gets a word joiner after its {@code @} so the legacy
 * {@code .m.rule.roomnotif} push rule cannot match it. Timestamps are written out in the
 * configured zone ({@value #DEFAULT_ZONE} by default) in French; the relative style {@code R} is
 * written as an absolute date since a bridged "in 3 hours" would go stale.
 *
 * <p>Goes through the neutral model: {@link DiscordReader} reads the markdown into a
 * {@link RichText}, the engine's {@link MatrixHtmlWriter} writes it for Matrix.
 *
 * <p>Pure and thread-safe if the resolver is; never throws on any input.
 */
public final class DiscordToMatrix {
    public static final String DEFAULT_ZONE = "Europe/Paris";

    private final DiscordResolver resolver;
    private final java.time.ZoneId zone;
    private final Locale locale;

    /** A converter writing dates for Europe/Paris, in French. */
    public DiscordToMatrix(DiscordResolver resolver) {
        this(resolver, java.time.ZoneId.of(DEFAULT_ZONE), Locale.FRENCH);
    }

    public DiscordToMatrix(DiscordResolver resolver, java.time.ZoneId zone, Locale locale) {
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        this.zone = Objects.requireNonNull(zone, "zone");
        this.locale = Objects.requireNonNull(locale, "locale");
    }

    /** The Matrix text for a Discord message's content; {@code mentions} is never null. */
    public MatrixText convert(String content) {
        String source = content == null ? "" : content;
        try {
            RichText text = new DiscordReader(resolver, zone, locale).read(source);
            MatrixMarkup out = new MatrixHtmlWriter(DiscordReader.directory(resolver)).write(text);
            return new MatrixText(out.body(), out.html(), out.mentions());
        } catch (RuntimeException | StackOverflowError e) {
            String body = MatrixHtmlWriter.defuse(source);
            return new MatrixText(body, null, Set.of());
        }
    }
}
