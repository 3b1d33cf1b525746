package coop.comptoir.bridge.text;

import coop.comptoir.api.id.UserId;
import coop.comptoir.bridge.api.MatrixContent;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The text part of a Matrix {@code m.room.message} content as {@link MatrixHtmlWriter} writes it:
 * the plain {@code body}, the HTML {@code formatted_body} (format {@value #HTML_FORMAT}) when there
 * is formatting, and the users for {@code m.mentions.user_ids}.
 *
 * <p>The event should always carry {@code "m.mentions": {"user_ids": [...]}} (even empty) and never
 * {@code "room": true}: sending the property also switches off the homeserver's legacy
 * body-matching push rules.
 *
 * @param body          the plain text body, never null
 * @param html          the HTML body, or null for a plain text message
 * @param mentions      the users mentioned on purpose, never null
 */
public record MatrixMarkup(String body, String html, Set<UserId> mentions) {
    /** The only {@code format} value Matrix defines for {@code formatted_body}. */
    public static final String HTML_FORMAT = "org.matrix.custom.html";

    public MatrixMarkup {
        body = Objects.requireNonNullElse(body, "");
        mentions = mentions == null ? Set.of() : Set.copyOf(mentions);
    }

    /** The engine's message content of this text, with {@code msgtype} {@code m.text}, {@code m.notice} or {@code m.emote}. */
    public MatrixContent toContent(String msgtype) {
        return new MatrixContent(msgtype, body, Optional.ofNullable(html), mentions);
    }
}
