package coop.comptoir.bridge.discord;

import coop.comptoir.bridge.api.MatrixContent;
import coop.comptoir.bridge.api.RemoteAttachment;
import coop.comptoir.bridge.api.RemoteChannel;
import coop.comptoir.bridge.api.RemoteChannelId;
import coop.comptoir.bridge.api.RemoteEvent;
import coop.comptoir.bridge.api.RemoteMessageId;
import coop.comptoir.bridge.api.RemoteUser;
import coop.comptoir.bridge.api.RemoteUserId;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import net.dv8tion.jda.api.entities.Member;
import net.dv8tion.jda.api.entities.Message;
import net.dv8tion.jda.api.entities.MessageEmbed;
import net.dv8tion.jda.api.entities.MessageType;
import net.dv8tion.jda.api.entities.User;
import net.dv8tion.jda.api.entities.channel.Channel;
import net.dv8tion.jda.api.entities.channel.concrete.ThreadChannel;
import net.dv8tion.jda.api.entities.channel.middleman.GuildChannel;
import net.dv8tion.jda.api.entities.channel.middleman.StandardGuildMessageChannel;
import net.dv8tion.jda.api.entities.emoji.Emoji;
import net.dv8tion.jda.api.entities.emoji.EmojiUnion;
import net.dv8tion.jda.api.entities.sticker.Sticker;
import net.dv8tion.jda.api.entities.sticker.StickerItem;
import net.dv8tion.jda.api.entities.channel.unions.ChannelUnion;
import net.dv8tion.jda.api.events.channel.ChannelDeleteEvent;
import net.dv8tion.jda.api.events.channel.update.ChannelUpdateNameEvent;
import net.dv8tion.jda.api.events.channel.update.ChannelUpdateTopicEvent;
import net.dv8tion.jda.api.events.message.MessageDeleteEvent;
import net.dv8tion.jda.api.events.message.MessageReceivedEvent;
import net.dv8tion.jda.api.events.message.MessageUpdateEvent;
import net.dv8tion.jda.api.events.message.react.GenericMessageReactionEvent;
import net.dv8tion.jda.api.events.message.react.MessageReactionAddEvent;
import net.dv8tion.jda.api.events.message.react.MessageReactionRemoveEvent;
import net.dv8tion.jda.api.hooks.ListenerAdapter;

/**
 * Discord → Matrix: guild messages (threads included, mapped to their parent channel and the
 * thread's root), edits, deletes and reactions of linked channels are converted and handed to the
 * host, and so are the guild's channels renamed, given a new topic or deleted; the bot's own actions and the messages of the bridge's webhooks are left out (the echo
 * guard). JDA calls the listener methods on the one event thread, in order; they never throw.
 */
final class FromDiscord extends ListenerAdapter {
    private final DiscordSession session;
    private final Webhooks webhooks;
    private final ThreadPlaces threads;
    /** Messages the bridge deletes itself: their deletion events are not bridged back. */
    private final Set<String> ownDeletes;
    private final Map<String, String> names = java.util.Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > 5000;
        }
    });

    FromDiscord(DiscordSession session, Webhooks webhooks, ThreadPlaces threads, Set<String> ownDeletes) {
        this.session = session;
        this.webhooks = webhooks;
        this.threads = threads;
        this.ownDeletes = ownDeletes;
    }

    /** Whether a Discord message must not be bridged: the bridge's own, a system message. */
    boolean skipped(Message m, StandardGuildMessageChannel portal) {
        String author = m.getAuthor().getId();
        boolean webhook = m.isWebhookMessage();
        boolean system = m.getType().isSystem() && m.getType() != MessageType.INLINE_REPLY;
        return EchoGuard.drop(author, webhook ? author : null, session.jda().getSelfUser().getId(), system,
                id -> webhooks.isOurs(portal, id));
    }

    /** A Discord message as the engine takes it (live or from the history); remembers its thread. */
    RemoteEvent.Message toRemote(Message m, RemoteChannelId portal) {
        Optional<RemoteMessageId> threadRoot = m.getChannelType().isThread()
                ? Optional.of(new RemoteMessageId(m.getChannel().getId())) : Optional.empty();
        if (threadRoot.isPresent()) {
            threads.put(m.getId(), m.getChannel().getId());
        }
        Optional<RemoteMessageId> replyTo = Optional.ofNullable(m.getMessageReference())
                .filter(r -> m.getType() == MessageType.INLINE_REPLY || m.getType() == MessageType.DEFAULT)
                .map(r -> new RemoteMessageId(r.getMessageId()));
        List<RemoteAttachment> attachments = new ArrayList<>();
        for (Message.Attachment a : m.getAttachments()) {
            attachments.add(new RemoteAttachment(a.getFileName(),
                    a.getContentType() == null ? "application/octet-stream" : a.getContentType().split(";")[0].strip(),
                    a.getSize(), URI.create(a.getUrl())));
        }
        List<String> stickers = new ArrayList<>();
        for (StickerItem s : m.getStickers()) {
            stickers.add(s.getName());
            if (s.getFormatType() != Sticker.StickerFormat.LOTTIE && s.getFormatType() != Sticker.StickerFormat.UNKNOWN) {
                String ext = s.getFormatType() == Sticker.StickerFormat.GIF ? "gif" : "png";
                attachments.add(new RemoteAttachment(s.getName() + "." + ext, "image/" + ext, -1,
                        URI.create(session.config.cdn() + "/stickers/" + s.getId() + "." + ext)));
            }
        }
        return new RemoteEvent.Message(portal, new RemoteMessageId(m.getId()), author(m),
                m.getTimeCreated().toInstant(), content(m, stickers), replyTo, threadRoot, attachments);
    }

    private MatrixContent content(Message m, List<String> stickers) {
        List<Rendering.Embed> embeds = new ArrayList<>();
        for (MessageEmbed e : m.getEmbeds()) {
            if (e.getType() != net.dv8tion.jda.api.entities.EmbedType.RICH) {
                continue; // link previews: Matrix clients make their own
            }
            embeds.add(new Rendering.Embed(e.getAuthor() == null ? null : e.getAuthor().getName(), e.getTitle(), e.getUrl(),
                    e.getDescription(), e.getFields().stream().map(f -> new Rendering.Field(f.getName(), f.getValue())).toList(),
                    e.getFooter() == null ? null : e.getFooter().getText()));
        }
        Map<String, String> mentioned = new HashMap<>();
        for (User u : m.getMentions().getUsers()) {
            mentioned.put(u.getId(), u.getEffectiveName());
        }
        if (m.isFromGuild()) {
            for (Member mem : m.getMentions().getMembers()) {
                mentioned.put(mem.getId(), mem.getEffectiveName());
            }
        }
        return session.text().toMatrix(Rendering.markdown(m.getContentRaw(), stickers, embeds), mentioned);
    }

    private RemoteUser author(Message m) {
        User u = m.getAuthor();
        Member member = m.isWebhookMessage() ? null : m.getMember();
        String name = member != null ? member.getEffectiveName() : u.getEffectiveName();
        names.put(u.getId(), name);
        String avatar = member != null && member.getAvatarUrl() != null ? member.getAvatarUrl() : u.getAvatarUrl();
        return new RemoteUser(new RemoteUserId(u.getId()), name, Optional.ofNullable(avatar).map(URI::create).map(session::cdn));
    }

    @Override
    public void onMessageReceived(MessageReceivedEvent event) {
        session.guarded("message", () -> {
            if (!event.isFromGuild()) {
                return;
            }
            Message m = event.getMessage();
            Optional<StandardGuildMessageChannel> portal = DiscordSession.portalOf(event.getChannel());
            if (portal.isEmpty() || !session.linked(portal.get()) || skipped(m, portal.get())) {
                return;
            }
            session.host().receive(toRemote(m, new RemoteChannelId(portal.get().getId())));
        });
    }

    @Override
    public void onMessageUpdate(MessageUpdateEvent event) {
        session.guarded("edit", () -> {
            if (!event.isFromGuild()) {
                return;
            }
            Message m = event.getMessage();
            Optional<StandardGuildMessageChannel> portal = DiscordSession.portalOf(event.getChannel());
            // Discord also sends updates when a thread starts or a link preview comes: only real edits count.
            if (m.getTimeEdited() == null || portal.isEmpty() || !session.linked(portal.get()) || skipped(m, portal.get())) {
                return;
            }
            RemoteEvent.Message full = toRemote(m, new RemoteChannelId(portal.get().getId()));
            Instant at = m.getTimeEdited().toInstant();
            session.host().receive(new RemoteEvent.Edit(full.channel(), full.id(), full.sender(), at, full.content()));
        });
    }

    @Override
    public void onChannelUpdateName(ChannelUpdateNameEvent event) {
        session.guarded("channel rename", () -> channelChanged(event.getChannel()));
    }

    @Override
    public void onChannelUpdateTopic(ChannelUpdateTopicEvent event) {
        session.guarded("channel topic", () -> channelChanged(event.getChannel()));
    }

    @Override
    public void onChannelDelete(ChannelDeleteEvent event) {
        session.guarded("channel deletion", () -> {
            if (event.isFromGuild() && session.inGuild(event.getGuild())) {
                session.host().channelDeleted(asRemote(event.getChannel()));
            }
        });
    }

    /** A channel or category of the guild renamed or its topic changed: the host decides what follows it. */
    private void channelChanged(ChannelUnion channel) {
        if (channel instanceof GuildChannel g && session.inGuild(g.getGuild())) {
            session.host().channelChanged(asRemote(channel));
        }
    }

    private static RemoteChannel asRemote(Channel channel) {
        String topic = channel instanceof StandardGuildMessageChannel text && text.getTopic() != null ? text.getTopic() : "";
        return new RemoteChannel(new RemoteChannelId(channel.getId()), channel.getName(), topic);
    }

    @Override
    public void onMessageDelete(MessageDeleteEvent event) {
        session.guarded("delete", () -> {
            if (ownDeletes.remove(event.getMessageId()) || !event.isFromGuild()) {
                return;
            }
            Optional<StandardGuildMessageChannel> portal = DiscordSession.portalOf(event.getChannel());
            if (portal.isPresent() && session.linked(portal.get())) {
                session.host().receive(new RemoteEvent.Delete(new RemoteChannelId(portal.get().getId()),
                        new RemoteMessageId(event.getMessageId())));
            }
        });
    }

    @Override
    public void onMessageReactionAdd(MessageReactionAddEvent event) {
        session.guarded("reaction", () -> reaction(event, true));
    }

    @Override
    public void onMessageReactionRemove(MessageReactionRemoveEvent event) {
        session.guarded("reaction", () -> reaction(event, false));
    }

    private void reaction(GenericMessageReactionEvent event, boolean added) {
        if (!event.isFromGuild() || event.getUserId().equals(event.getJDA().getSelfUser().getId())) {
            return;
        }
        Optional<StandardGuildMessageChannel> portal = DiscordSession.portalOf(event.getChannel());
        if (portal.isEmpty() || !session.linked(portal.get())) {
            return;
        }
        if (event.getChannel() instanceof ThreadChannel t) {
            threads.put(event.getMessageId(), t.getId());
        }
        Member member = event.getMember();
        String name = member != null ? member.getEffectiveName()
                : event.getUser() != null ? event.getUser().getEffectiveName()
                : names.getOrDefault(event.getUserId(), event.getUserId());
        names.put(event.getUserId(), name);
        String avatar = member != null ? member.getEffectiveAvatarUrl() : null;
        RemoteUser who = new RemoteUser(new RemoteUserId(event.getUserId()), name,
                Optional.ofNullable(member != null && member.getUser().getAvatarUrl() != null ? avatar : null)
                        .map(URI::create).map(session::cdn));
        EmojiUnion emoji = event.getEmoji();
        String key;
        Optional<RemoteAttachment> image = Optional.empty();
        if (emoji.getType() == Emoji.Type.UNICODE) {
            key = emoji.asUnicode().getName();
        } else {
            var custom = emoji.asCustom();
            key = ":" + custom.getName() + ":";
            String ext = custom.isAnimated() ? "gif" : "png";
            image = Optional.of(new RemoteAttachment(custom.getName() + "." + ext, "image/" + ext, -1,
                    URI.create(session.config.cdn() + "/emojis/" + custom.getId() + "." + ext)));
        }
        session.host().receive(new RemoteEvent.Reaction(new RemoteChannelId(portal.get().getId()),
                new RemoteMessageId(event.getMessageId()), who, key, image, added));
    }
}
