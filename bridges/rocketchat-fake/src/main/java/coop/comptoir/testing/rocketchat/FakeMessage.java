package coop.comptoir.testing.rocketchat;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A snapshot of a message on the fake Rocket.Chat.
 *
 * @param alias     the name shown instead of the author's ({@code alias}), or null
 * @param avatar    the avatar URL shown instead of the author's, or null
 * @param threadId  {@code tmid}: the thread's first message, or null
 * @param reactions shortcode ({@code :thumbsup:}) → usernames
 * @param fileName  the attached file's name, or null
 * @param fileDescription the attached file's description (its caption), or null
 */
public record FakeMessage(String id, String roomId, String text, String authorId, String authorUsername, String alias,
                          String avatar, String threadId, Instant ts, boolean edited, boolean deleted,
                          Map<String, List<String>> reactions, String fileName, String fileDescription) {
}
