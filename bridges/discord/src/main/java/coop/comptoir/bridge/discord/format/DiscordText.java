package coop.comptoir.bridge.discord.format;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A message ready for Discord: markdown {@code content} and the users it may ping.
 *
 * <p>Send it with {@code allowed_mentions = {"parse": [], "users": userIds}}: {@link
 * #allowedMentionsParse()} is always empty, so neither {@code @everyone}/{@code @here} nor role
 * mentions can ping, whatever the text says (the text is defused as well), and only the Discord
 * users whose ghost was actually mentioned on Matrix are pinged.
 *
 * @param content markdown; it may be longer than Discord accepts, so send the parts of
 *                {@link #split()}
 * @param userIds Discord user IDs (snowflakes) for {@code allowed_mentions.users}; each one
 *                appears as {@code <@id>} in the content
 */
public record DiscordText(String content, Set<String> userIds) {
    public DiscordText {
        content = Objects.requireNonNullElse(content, "");
        userIds = userIds == null ? Set.of() : Set.copyOf(userIds);
    }

    /** {@code allowed_mentions.parse}: always empty, so nothing is pinged from the text alone. */
    public List<String> allowedMentionsParse() {
        return List.of();
    }

    /** Always false: {@code @everyone} and {@code @here} never ping from a bridged message. */
    public boolean everyoneMentionAllowed() {
        return false;
    }

    /**
     * This message cut into messages of at most {@link DiscordSplitter#MAX_LENGTH} characters
     * (see {@link DiscordSplitter}); each part keeps only the users it mentions. A message that
     * fits is returned alone; an empty one gives an empty list.
     */
    public List<DiscordText> split() {
        return DiscordSplitter.split(content, DiscordSplitter.MAX_LENGTH).stream()
                .map(part -> new DiscordText(part, userIds.stream()
                        .filter(id -> part.contains("<@" + id + ">"))
                        .collect(java.util.stream.Collectors.toCollection(LinkedHashSet::new))))
                .toList();
    }
}
