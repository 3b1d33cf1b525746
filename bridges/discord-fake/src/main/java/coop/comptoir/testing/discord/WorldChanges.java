package coop.comptoir.testing.discord;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The changes to the fake's world that Discord tells its Gateway clients about: each stores the
 * change in the {@link World} and dispatches its event. Shared by the REST handlers ({@link Rest}: the
 * bot acting) and the test controls ({@link FakeDiscord}: humans and admins acting).
 *
 * <p>Callers hold the world's monitor.
 */
final class WorldChanges {
    private WorldChanges() {}

    /** A human's message stored, then dispatched as MESSAGE_CREATE unless {@code dispatch} is false (nobody connected). */
    static FakeMessage post(World world, Gateway gateway, UserMessage draft, boolean dispatch) {
        if (!dispatch && gateway.connectedClients() > 0) {
            throw new IllegalStateException("a Gateway client is connected: Discord would deliver this message");
        }
        if (!dispatch) {
            gateway.forgetSessions();
        }
        World.ChannelState c = world.channel(draft.channelId);
        FakeUser author = world.user(draft.userId);
        if (!world.guild(c.channel.guildId()).memberIds.contains(author.id())) {
            throw new IllegalArgumentException(author.username() + " is not a member of the channel's guild");
        }
        World.MessageState m = world.newMessage(c.channel.id(), author.id(), draft.content);
        if (draft.replyTo != null) {
            if (world.message(c.channel.id(), draft.replyTo) == null) {
                throw new IllegalArgumentException("no message " + draft.replyTo + " in " + c.channel.name());
            }
            m.referencedId = draft.replyTo;
        }
        for (UserMessage.File f : draft.files) {
            World.StoredFile file = new World.StoredFile(world.ids.next(), c.channel.id(), f.filename(),
                    f.contentType(), f.bytes(), null);
            world.files.put(file.id(), file);
            m.attachments.add(file);
        }
        m.stickerItems.addAll(draft.stickers);
        m.embeds.addAll(draft.embeds);
        world.computeMentions(m, null);
        world.store(m);
        if (dispatch) {
            gateway.dispatch("MESSAGE_CREATE", Gateway.GUILD_MESSAGES, world.messageJson(m, true));
        }
        return world.snapshot(m);
    }

    /** A human joins every guild; dispatches GUILD_MEMBER_ADD for each. */
    static FakeUser addUser(World world, Gateway gateway, String username, String globalName) {
        FakeUser u = world.addUser(username, globalName, null);
        for (World.GuildState g : world.guilds.values()) {
            ObjectNode member = world.memberJson(g.guild.id(), u.id(), true);
            member.put("guild_id", g.guild.id());
            gateway.dispatch("GUILD_MEMBER_ADD", Gateway.GUILD_MEMBERS, member);
        }
        return u;
    }

    /** A new channel of {@code type}, in a category (or none: null), with a topic (or none: null); dispatches CHANNEL_CREATE. */
    static FakeChannel addChannel(World world, Gateway gateway, String guildId, int type, String name, String categoryId,
            String topic) {
        if (categoryId != null && world.channel(categoryId).channel.type() != FakeChannel.CATEGORY) {
            throw new IllegalArgumentException(categoryId + " is not a category");
        }
        World.ChannelState c = world.addChannel(guildId, type, name, categoryId, null);
        c.topic = topic;
        gateway.dispatch("CHANNEL_CREATE", Gateway.GUILDS, world.channelJson(c));
        return c.channel;
    }

    /** See {@link FakeDiscord#makePrivate}; dispatches CHANNEL_UPDATE. */
    static void makePrivate(World world, Gateway gateway, String channelId, boolean botKeepsAccess) {
        World.ChannelState c = world.channel(channelId);
        c.overwrites.removeIf(o -> o[0] == Long.parseLong(c.channel.guildId()) || o[0] == Long.parseLong(world.bot.id()));
        c.overwrites.add(new long[] {Long.parseLong(c.channel.guildId()), 0, 0, World.VIEW_CHANNEL});
        if (botKeepsAccess) {
            c.overwrites.add(new long[] {Long.parseLong(world.bot.id()), 1, World.VIEW_CHANNEL, 0});
        }
        gateway.dispatch("CHANNEL_UPDATE", Gateway.GUILDS, world.channelJson(c));
    }

    /** A channel's new name and, for a text channel, topic (null for none); dispatches CHANNEL_UPDATE. */
    static FakeChannel editChannel(World world, Gateway gateway, String channelId, String name, String topic) {
        World.ChannelState c = world.channel(channelId);
        FakeChannel old = c.channel;
        c.channel = new FakeChannel(old.id(), old.guildId(), old.type(), name, old.parentId());
        if (old.type() == FakeChannel.TEXT) {
            c.topic = topic;
        }
        gateway.dispatch("CHANNEL_UPDATE", Gateway.GUILDS, world.channelJson(c));
        return c.channel;
    }

    /** A channel or category gone; dispatches CHANNEL_DELETE with the channel as it was. */
    static void deleteChannel(World world, Gateway gateway, String channelId) {
        World.ChannelState c = world.channel(channelId);
        ObjectNode json = world.channelJson(c);
        world.channels.remove(channelId);
        world.guild(c.channel.guildId()).channelIds.remove(channelId);
        gateway.dispatch("CHANNEL_DELETE", Gateway.GUILDS, json);
    }

    static void markDeleted(World world, Gateway gateway, World.MessageState m) {
        m.deleted = true;
        ObjectNode d = World.NODES.objectNode();
        d.put("id", m.id);
        d.put("channel_id", m.channelId);
        d.put("guild_id", m.guildId);
        gateway.dispatch("MESSAGE_DELETE", Gateway.GUILD_MESSAGES, d);
    }

    static void applyReaction(World world, Gateway gateway, World.MessageState m, String userId, Emoji emoji, boolean add) {
        World.Reactions reactions = m.reactions.get(emoji.key());
        if (add) {
            if (reactions == null) {
                reactions = new World.Reactions(emoji);
                m.reactions.put(emoji.key(), reactions);
            }
            if (!reactions.userIds.add(userId)) {
                return;
            }
        } else {
            if (reactions == null || !reactions.userIds.remove(userId)) {
                return;
            }
            if (reactions.userIds.isEmpty()) {
                m.reactions.remove(emoji.key());
            }
        }
        ObjectNode d = World.NODES.objectNode();
        d.put("user_id", userId);
        d.put("channel_id", m.channelId);
        d.put("message_id", m.id);
        d.put("guild_id", m.guildId);
        d.set("emoji", world.emojiJson(reactions.emoji));
        d.put("burst", false);
        d.put("type", 0);
        if (add) {
            d.set("member", world.memberJson(m.guildId, userId, true));
            d.put("message_author_id", m.webhookId != null ? m.webhookId : m.authorId);
            d.putArray("burst_colors");
        }
        gateway.dispatch(add ? "MESSAGE_REACTION_ADD" : "MESSAGE_REACTION_REMOVE", Gateway.GUILD_MESSAGE_REACTIONS, d);
    }

    static FakeWebhook newWebhook(World world, Gateway gateway, World.ChannelState channel, String name) {
        FakeWebhook w = new FakeWebhook(world.ids.next(), Rest.newToken(), channel.channel.guildId(),
                channel.channel.id(), name);
        world.webhooks.put(w.id(), w);
        ObjectNode d = World.NODES.objectNode();
        d.put("guild_id", w.guildId());
        d.put("channel_id", w.channelId());
        gateway.dispatch("WEBHOOKS_UPDATE", Gateway.GUILD_WEBHOOKS, d);
        return w;
    }

    static World.ChannelState newThread(World world, Gateway gateway, World.ChannelState parent,
                                        World.MessageState start, String ownerId, String name, int type) {
        World.GuildState g = world.guild(parent.channel.guildId());
        String id = start != null ? start.id : world.ids.next();
        World.ChannelState thread = world.putChannel(g,
                new FakeChannel(id, g.guild.id(), type, name, parent.channel.id()), ownerId);
        if (start != null) {
            start.threadId = id;
            start.flags |= 1 << 5; // HAS_THREAD
        }
        ObjectNode d = world.channelJson(thread);
        d.put("newly_created", true);
        gateway.dispatch("THREAD_CREATE", Gateway.GUILDS, d);
        if (start != null) {
            gateway.dispatch("MESSAGE_UPDATE", Gateway.GUILD_MESSAGES, world.messageJson(start, true));
        }
        return thread;
    }
}
