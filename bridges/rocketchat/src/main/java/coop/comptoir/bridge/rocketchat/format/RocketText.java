package coop.comptoir.bridge.rocketchat.format;

import coop.comptoir.api.id.UserId;
import coop.comptoir.bridge.api.MatrixContent;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Rocket.Chat markdown ⇄ Matrix content, the only place that knows both. Kept behind this interface
 * so that it can later be built on a network-neutral rich-text model without touching the connector.
 * Implementations are pure (no I/O) and thread-safe.
 */
public interface RocketText {
    /**
     * A Rocket.Chat message's text as Matrix content. {@code @all} / {@code @here} / {@code @room}
     * (in any case) never notify a Matrix room.
     *
     * @param mentioned usernames mentioned in the message ({@code mentions}) → the Matrix user to pill
     */
    MatrixContent toMatrix(String markdown, Map<String, UserId> mentioned);

    /**
     * A Matrix message as Rocket.Chat markdown. {@code @all} / {@code @here} written on Matrix never
     * notify the Rocket.Chat room; only web and mail links cross as links (a {@code javascript:} or
     * {@code data:} link crosses as its text).
     *
     * @param usernameOf the Rocket.Chat username a Matrix user stands for (a ghost), if any: its pill
     *                   becomes an {@code @username} mention; other pills become the name shown
     */
    String toRocket(MatrixContent content, Function<UserId, Optional<String>> usernameOf);
}
