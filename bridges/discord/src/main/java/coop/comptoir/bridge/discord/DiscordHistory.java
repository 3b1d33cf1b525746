package coop.comptoir.bridge.discord;

import coop.comptoir.bridge.api.BridgeException;
import coop.comptoir.bridge.api.RemoteChannelId;
import coop.comptoir.bridge.api.RemoteEvent;
import coop.comptoir.bridge.api.RemoteMessageId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import net.dv8tion.jda.api.entities.Message;
import net.dv8tion.jda.api.entities.MessageHistory;
import net.dv8tion.jda.api.entities.channel.concrete.ThreadChannel;
import net.dv8tion.jda.api.entities.channel.middleman.GuildMessageChannel;
import net.dv8tion.jda.api.entities.channel.middleman.StandardGuildMessageChannel;
import net.dv8tion.jda.api.utils.TimeUtil;

/**
 * History: a portal's messages (its threads' included) after a position, for the engine's
 * catch-up after a disconnection or a restart and for {@code !bridge import}; converted as live
 * messages are ({@link FromDiscord}). May block on Discord.
 */
final class DiscordHistory {
    private final DiscordSession session;
    private final FromDiscord inbound;

    DiscordHistory(DiscordSession session, FromDiscord inbound) {
        this.session = session;
        this.inbound = inbound;
    }

    /** Up to {@code limit} messages of the portal and its threads after {@code after}, oldest first, the bridge's own left out. */
    List<RemoteEvent.Message> messagesAfter(RemoteChannelId channel, Optional<RemoteMessageId> after, int limit)
            throws BridgeException {
        StandardGuildMessageChannel target = session.portal(channel);
        try {
            List<Message> found = new ArrayList<>(history(target, after, limit));
            for (ThreadChannel t : target.getThreadChannels()) {
                found.addAll(history(t, after, limit));
            }
            found.sort(Comparator.comparingLong(Message::getIdLong));
            List<RemoteEvent.Message> out = new ArrayList<>();
            for (Message m : found) {
                if (out.size() >= limit) {
                    break;
                }
                if (!inbound.skipped(m, target)) {
                    out.add(inbound.toRemote(m, channel));
                }
            }
            return out;
        } catch (RuntimeException e) {
            throw session.failed(e, "reading the history of #" + target.getName());
        }
    }

    /**
     * Discord IDs grow with time (a snowflake holds its creation time), so the snowflake of this
     * instant is a position after which only messages posted from now on come.
     */
    Optional<RemoteMessageId> currentPosition(RemoteChannelId channel) {
        return Optional.of(new RemoteMessageId(Long.toString(TimeUtil.getDiscordTimestamp(System.currentTimeMillis()))));
    }

    /**
     * Up to {@code limit} messages of one channel (the bridge's own not counted) after {@code after},
     * oldest first, reading pages of 100.
     */
    private List<Message> history(GuildMessageChannel channel, Optional<RemoteMessageId> after, int limit) {
        StandardGuildMessageChannel portal = channel instanceof ThreadChannel t
                ? (StandardGuildMessageChannel) t.getParentChannel() : (StandardGuildMessageChannel) channel;
        List<Message> out = new ArrayList<>();
        String cursor = after.map(RemoteMessageId::value).orElse("0");
        int kept = 0;
        while (kept < limit) {
            List<Message> page = new ArrayList<>(MessageHistory.getHistoryAfter(channel, cursor).limit(100).complete()
                    .getRetrievedHistory());
            if (page.isEmpty()) {
                break;
            }
            page.sort(Comparator.comparingLong(Message::getIdLong));
            for (Message m : page) {
                out.add(m);
                if (!inbound.skipped(m, portal)) {
                    kept++;
                }
            }
            cursor = page.get(page.size() - 1).getId();
            if (page.size() < 100) {
                break;
            }
        }
        return out;
    }
}
