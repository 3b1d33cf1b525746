package coop.comptoir.bridge.discord.format;

import coop.comptoir.api.id.UserId;
import java.util.Objects;
import java.util.Set;

/**
 * The text part of a Matrix {@code m.room.message} content: {@code body}, the optional HTML
 * {@code formatted_body} (with {@code format = org.matrix.custom.html}) and the users of
 * {@code m.mentions.user_ids}.
 *
 * <p>As an input ({@link MatrixToDiscord}), {@code mentions} is {@code null} when the event had no
 * {@code m.mentions} at all (an older client): then every pill counts as a mention. As an output
 * ({@link DiscordToMatrix}) it is never null, and the event should always carry
 * {@code "m.mentions": {"user_ids": [...]}} (even empty) and never {@code "room": true}: sending the
 * property also switches off the homeserver's legacy body-matching push rules.
 *
 * @param body          the plain text body, never null
 * @param formattedBody the HTML body, or null for a plain text message
 * @param mentions      the intentionally mentioned users, or null (input only) when unknown
 */
public record MatrixText(String body, String formattedBody, Set<UserId> mentions) {
    /** The only {@code format} value Matrix defines for {@code formatted_body}. */
    public static final String HTML_FORMAT = "org.matrix.custom.html";

    public MatrixText {
        body = Objects.requireNonNullElse(body, "");
        mentions = mentions == null ? null : Set.copyOf(mentions);
    }

    /** A plain text message without {@code m.mentions}. */
    public static MatrixText plain(String body) {
        return new MatrixText(body, null, null);
    }

    /**
     * Builds the input from the raw content fields as the event carries them: the HTML is kept
     * only when {@code format} is {@value #HTML_FORMAT}.
     */
    public static MatrixText ofContent(String body, String format, String formattedBody, Set<UserId> mentions) {
        return new MatrixText(body, HTML_FORMAT.equals(format) ? formattedBody : null, mentions);
    }

    /** {@value #HTML_FORMAT} when there is a formatted body, otherwise null. */
    public String format() {
        return formattedBody == null ? null : HTML_FORMAT;
    }

    /** Always false: a bridged message never mentions the whole room ({@code m.mentions.room}). */
    public boolean roomMention() {
        return false;
    }
}
