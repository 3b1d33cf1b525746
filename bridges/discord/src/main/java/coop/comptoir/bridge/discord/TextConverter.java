package coop.comptoir.bridge.discord;

import coop.comptoir.bridge.api.MatrixContent;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Text between Discord markdown and Matrix content, for one connector. No I/O, thread-safe.
 */
interface TextConverter {
    int DISCORD_MAX = 2000;

    /**
     * A Discord message's content for Matrix. {@code <@id>} mentions become pills to the users'
     * ghosts; {@code @everyone} and {@code @here} never become {@code @room}.
     *
     * @param names the display names of the users mentioned in the message, by Discord ID
     */
    MatrixContent toMatrix(String markdown, Map<String, String> names);

    /**
     * A Matrix message for Discord: markdown in pieces of at most {@code max} characters, and the
     * Discord users it may ping (only ghosts mentioned on purpose).
     */
    Outgoing toDiscord(MatrixContent content, int max);

    record Outgoing(List<String> pieces, Set<String> pingedUsers) {
        public Outgoing {
            pieces = List.copyOf(pieces);
            pingedUsers = Set.copyOf(pingedUsers);
        }
    }
}
