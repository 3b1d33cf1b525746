package coop.comptoir.bridge.api;

import coop.comptoir.api.id.UserId;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The text of a message on the Matrix side: what the engine sends for a remote message, and what it
 * hands to the connector for a Matrix one. Conversion from and to the remote format is the
 * connector's job (it knows its markdown).
 *
 * @param msgtype   {@code m.text}, {@code m.notice} or {@code m.emote}
 * @param body      plain text, always present
 * @param html      {@code org.matrix.custom.html} body when there is formatting
 * @param mentions  users mentioned on purpose ({@code m.mentions.user_ids}); never the whole room
 */
public record MatrixContent(String msgtype, String body, Optional<String> html, Set<UserId> mentions) {
    public MatrixContent {
        Objects.requireNonNull(msgtype, "msgtype");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(html, "html");
        mentions = Set.copyOf(mentions);
    }

    public static MatrixContent text(String body) {
        return new MatrixContent("m.text", body, Optional.empty(), Set.of());
    }
}
