package coop.comptoir.bridge.discord;

import coop.comptoir.bridge.api.BridgeException;
import coop.comptoir.bridge.api.RemoteChannelId;
import coop.comptoir.bridge.api.RemoteMessageId;
import coop.comptoir.bridge.api.RemoteStructure;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.dv8tion.jda.api.entities.Guild;
import net.dv8tion.jda.api.entities.Member;
import net.dv8tion.jda.api.entities.Message;
import net.dv8tion.jda.api.entities.PermissionOverride;
import net.dv8tion.jda.api.entities.channel.ChannelType;
import net.dv8tion.jda.api.entities.channel.attribute.ICategorizableChannel;
import net.dv8tion.jda.api.entities.channel.attribute.IPermissionContainer;
import net.dv8tion.jda.api.entities.channel.concrete.Category;
import net.dv8tion.jda.api.entities.channel.middleman.GuildChannel;
import net.dv8tion.jda.api.entities.channel.middleman.StandardGuildMessageChannel;
import net.dv8tion.jda.api.utils.messages.MessageCreateData;

/**
 * The configured server's layout for {@code !migration structure}, and the bot's own notices for
 * {@code !migration invite}. Who may see a channel is read from its permission overwrites for
 * {@code @everyone} (the role whose ID is the server's), applied over that role's permissions as
 * Discord does: deny, then allow.
 */
final class DiscordStructure {
    static final long ADMINISTRATOR = 1L << 3;
    static final long VIEW_CHANNEL = 1L << 10;

    private final DiscordSession session;

    DiscordStructure(DiscordSession session) {
        this.session = session;
    }

    RemoteStructure read() throws BridgeException {
        Guild guild = session.guildLoaded().getGuildById(session.config.guildId());
        if (guild == null) {
            throw BridgeException.retryable(session.texts.text("guild.not.loaded"), null, null);
        }
        long everyone = guild.getPublicRole().getPermissionsRaw();
        Member self = guild.getSelfMember();
        List<RemoteStructure.Category> categories = new ArrayList<>();
        List<RemoteStructure.Channel> channels = new ArrayList<>();
        List<RemoteStructure.Skipped> skipped = new ArrayList<>();
        for (Category c : guild.getCategories()) {
            categories.add(new RemoteStructure.Category(c.getId(), c.getName(), open(everyone, c, guild)));
        }
        for (GuildChannel c : guild.getChannels()) {
            if (c.getType() == ChannelType.CATEGORY || c.getType().isThread()) {
                continue;
            }
            if (!(c instanceof StandardGuildMessageChannel text)) {
                skipped.add(new RemoteStructure.Skipped(c.getId(), c.getName(), RemoteStructure.Reason.NOT_TEXT));
                continue;
            }
            if (!self.hasAccess(text)) {
                skipped.add(new RemoteStructure.Skipped(c.getId(), c.getName(), RemoteStructure.Reason.NO_ACCESS));
                continue;
            }
            Optional<String> category = Optional.ofNullable(((ICategorizableChannel) text).getParentCategoryId());
            channels.add(new RemoteStructure.Channel(new RemoteChannelId(text.getId()), text.getName(),
                    text.getTopic() == null ? "" : text.getTopic(), category, open(everyone, text, guild)));
        }
        return new RemoteStructure(guild.getId(), guild.getName(), categories, channels, skipped);
    }

    private static boolean open(long everyone, IPermissionContainer container, Guild guild) {
        PermissionOverride o = container.getPermissionOverride(guild.getPublicRole());
        return o == null ? openToEveryone(everyone, 0, 0) : openToEveryone(everyone, o.getAllowedRaw(), o.getDeniedRaw());
    }

    /** Whether {@code @everyone} may view a channel: its server permissions, the overwrite's deny, then its allow. Pure. */
    static boolean openToEveryone(long everyonePermissions, long allow, long deny) {
        if ((everyonePermissions & ADMINISTRATOR) != 0) {
            return true;
        }
        long effective = (everyonePermissions & ~deny) | allow;
        return (effective & VIEW_CHANNEL) != 0;
    }

    /** Posts a plain text as the bot, pinging nobody. */
    RemoteMessageId post(RemoteChannelId channel, String text, RemoteMessageId replyTo) throws BridgeException {
        StandardGuildMessageChannel target = session.portal(channel);
        try {
            MessageCreateData data = MessageCreateData.fromContent(text);
            var action = target.sendMessage(data).setAllowedMentions(List.of());
            if (replyTo != null) {
                // a reply to the author's message, without pinging them; still posted if it was deleted
                action = action.setMessageReference(replyTo.value()).mentionRepliedUser(false).failOnInvalidReply(false);
            }
            Message posted = action.complete();
            return new RemoteMessageId(posted.getId());
        } catch (RuntimeException e) {
            throw session.failed(e, "posting in #" + target.getName());
        }
    }

    /**
     * Removes a message someone wrote in the channel, with the bot's Manage Messages right; false
     * when the bot lacks it. A message already gone counts as removed.
     */
    boolean removeUserMessage(RemoteChannelId channel, RemoteMessageId message) throws BridgeException {
        StandardGuildMessageChannel target = session.portal(channel);
        try {
            target.deleteMessageById(message.value()).complete();
            return true;
        } catch (net.dv8tion.jda.api.exceptions.InsufficientPermissionException e) {
            return false;
        } catch (net.dv8tion.jda.api.exceptions.ErrorResponseException e) {
            if (e.getErrorResponse() == net.dv8tion.jda.api.requests.ErrorResponse.UNKNOWN_MESSAGE) {
                return true;
            }
            if (e.getErrorResponse() == net.dv8tion.jda.api.requests.ErrorResponse.MISSING_PERMISSIONS
                    || e.getErrorResponse() == net.dv8tion.jda.api.requests.ErrorResponse.MISSING_ACCESS) {
                return false;
            }
            throw session.failed(e, "removing a message in #" + target.getName());
        } catch (RuntimeException e) {
            throw session.failed(e, "removing a message in #" + target.getName());
        }
    }
}
