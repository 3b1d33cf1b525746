package coop.comptoir.testing.discord;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Everything the fake Discord knows, and the JSON forms Discord gives it. Not thread-safe: callers hold the
 * world's monitor ({@code synchronized (world)}).
 */
final class World {
    static final ObjectMapper JSON = new ObjectMapper();
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    // permission bits (https://discord.com/developers/docs/topics/permissions)
    static final long ADD_REACTIONS = 1L << 6;
    static final long VIEW_CHANNEL = 1L << 10;
    static final long SEND_MESSAGES = 1L << 11;
    static final long MANAGE_MESSAGES = 1L << 13;
    static final long EMBED_LINKS = 1L << 14;
    static final long ATTACH_FILES = 1L << 15;
    static final long READ_MESSAGE_HISTORY = 1L << 16;
    static final long MENTION_EVERYONE = 1L << 17;
    static final long USE_EXTERNAL_EMOJIS = 1L << 18;
    static final long CHANGE_NICKNAME = 1L << 26;
    static final long MANAGE_WEBHOOKS = 1L << 29;
    static final long CREATE_PUBLIC_THREADS = 1L << 35;
    static final long CREATE_PRIVATE_THREADS = 1L << 36;
    static final long SEND_MESSAGES_IN_THREADS = 1L << 38;
    static final long DEFAULT_EVERYONE = VIEW_CHANNEL | SEND_MESSAGES | MANAGE_WEBHOOKS | READ_MESSAGE_HISTORY
            | ADD_REACTIONS | ATTACH_FILES | EMBED_LINKS | CREATE_PUBLIC_THREADS | CREATE_PRIVATE_THREADS
            | SEND_MESSAGES_IN_THREADS | USE_EXTERNAL_EMOJIS | CHANGE_NICKNAME | MENTION_EVERYONE;

    private static final Pattern USER_MENTION = Pattern.compile("<@!?(\\d+)>");
    private static final Pattern ROLE_MENTION = Pattern.compile("<@&(\\d+)>");

    final Snowflakes ids = new Snowflakes();
    final String botToken;
    final String applicationId;
    final FakeUser bot;
    final long everyonePermissions;
    final Instant joinedAt = Instant.now().minusSeconds(86_400);
    final Map<String, FakeUser> users = new LinkedHashMap<>();
    final Map<String, GuildState> guilds = new LinkedHashMap<>();
    final Map<String, ChannelState> channels = new LinkedHashMap<>();
    final Map<String, FakeWebhook> webhooks = new LinkedHashMap<>();
    final Map<String, MessageState> messages = new LinkedHashMap<>();
    final Map<String, StoredFile> files = new LinkedHashMap<>();
    String cdnBase = "http://127.0.0.1/";

    static final class GuildState {
        final FakeGuild guild;
        final List<String> channelIds = new ArrayList<>();
        final Set<String> memberIds = new LinkedHashSet<>();
        final Map<String, String> emojis = new LinkedHashMap<>(); // id -> name

        GuildState(FakeGuild guild) {
            this.guild = guild;
        }
    }

    static final class ChannelState {
        /** Replaced when the channel is renamed. */
        FakeChannel channel;
        final int position;
        final TreeMap<Long, MessageState> messages = new TreeMap<>();
        final String ownerId;
        int sent;
        /** The channel's topic, or null. */
        String topic;
        /** Permission overwrites: {@code id, type (0 role, 1 member), allow, deny}, as Discord lists them. */
        final List<long[]> overwrites = new ArrayList<>();

        ChannelState(FakeChannel channel, int position, String ownerId) {
            this.channel = channel;
            this.position = position;
            this.ownerId = ownerId;
        }
    }

    record StoredFile(String id, String channelId, String filename, String contentType, byte[] bytes, String description) {
        String url(String cdnBase) {
            return cdnBase + "attachments/" + channelId + "/" + id + "/" + filename;
        }
    }

    static final class Reactions {
        final Emoji emoji;
        final Set<String> userIds = new LinkedHashSet<>();

        Reactions(Emoji emoji) {
            this.emoji = emoji;
        }
    }

    static final class MessageState {
        String id;
        String channelId;
        String guildId;
        String authorId;
        String webhookId;
        String webhookName;
        String webhookAvatarUrl;
        String content = "";
        List<JsonNode> embeds = new ArrayList<>();
        List<StoredFile> attachments = new ArrayList<>();
        List<ObjectNode> stickerItems = new ArrayList<>();
        String referencedId;
        List<String> mentionIds = new ArrayList<>();
        List<String> mentionRoles = new ArrayList<>();
        boolean mentionEveryone;
        String editedTimestamp;
        boolean tts;
        JsonNode nonce;
        int flags;
        String threadId;
        boolean deleted;
        final Map<String, Reactions> reactions = new LinkedHashMap<>();
    }

    World(String botToken, String botName, long everyonePermissions) {
        this.botToken = botToken;
        this.everyonePermissions = everyonePermissions;
        this.bot = new FakeUser(ids.next(), botName, null, null, true);
        this.applicationId = bot.id();
        users.put(bot.id(), bot);
    }

    // ---- entities ----

    FakeUser addUser(String username, String globalName, String avatar) {
        FakeUser user = new FakeUser(ids.next(), username, globalName, avatar, false);
        users.put(user.id(), user);
        for (GuildState g : guilds.values()) {
            g.memberIds.add(user.id());
        }
        return user;
    }

    GuildState addGuild(String name, String ownerId) {
        GuildState g = new GuildState(new FakeGuild(ids.next(), name, ownerId));
        g.memberIds.addAll(users.keySet());
        g.emojis.put(ids.next(), "comptoir");
        guilds.put(g.guild.id(), g);
        return g;
    }

    ChannelState addChannel(String guildId, int type, String name, String parentId, String ownerId) {
        GuildState g = guild(guildId);
        FakeChannel channel = new FakeChannel(ids.next(), guildId, type, name, parentId);
        return putChannel(g, channel, ownerId);
    }

    ChannelState putChannel(GuildState g, FakeChannel channel, String ownerId) {
        int position = (int) g.channelIds.stream().map(channels::get)
                .filter(c -> !c.channel.isThread() && (c.channel.type() == FakeChannel.CATEGORY) == (channel.type() == FakeChannel.CATEGORY))
                .count();
        ChannelState state = new ChannelState(channel, channel.isThread() ? 0 : position, ownerId);
        channels.put(channel.id(), state);
        g.channelIds.add(channel.id());
        return state;
    }

    GuildState guild(String guildId) {
        GuildState g = guilds.get(guildId);
        if (g == null) {
            throw new IllegalArgumentException("no guild " + guildId);
        }
        return g;
    }

    ChannelState channel(String channelId) {
        ChannelState c = channels.get(channelId);
        if (c == null) {
            throw new IllegalArgumentException("no channel " + channelId);
        }
        return c;
    }

    FakeUser user(String userId) {
        FakeUser u = users.get(userId);
        if (u == null) {
            throw new IllegalArgumentException("no user " + userId);
        }
        return u;
    }

    MessageState message(String channelId, String messageId) {
        MessageState m = messages.get(messageId);
        if (m == null || m.deleted || !m.channelId.equals(channelId)) {
            return null;
        }
        return m;
    }

    /** A new message in a channel, mentions computed from its content. Not yet dispatched. */
    MessageState newMessage(String channelId, String authorId, String content) {
        ChannelState c = channel(channelId);
        MessageState m = new MessageState();
        m.id = ids.next();
        m.channelId = channelId;
        m.guildId = c.channel.guildId();
        m.authorId = authorId;
        m.content = content == null ? "" : content;
        return m;
    }

    void store(MessageState m) {
        ChannelState c = channel(m.channelId);
        c.messages.put(Long.parseLong(m.id), m);
        c.sent++;
        messages.put(m.id, m);
    }

    /** Fills mentions from the content as Discord does; {@code allowed} is the allowed_mentions object or null. */
    void computeMentions(MessageState m, JsonNode allowed) {
        m.mentionIds.clear();
        m.mentionRoles.clear();
        Set<String> parse = new LinkedHashSet<>(List.of("users", "roles", "everyone"));
        Set<String> allowedUsers = new LinkedHashSet<>();
        Set<String> allowedRoles = new LinkedHashSet<>();
        boolean repliedUser = true;
        if (allowed != null && allowed.isObject()) {
            parse.clear();
            allowed.path("parse").forEach(p -> parse.add(p.asText()));
            allowed.path("users").forEach(u -> allowedUsers.add(u.asText()));
            allowed.path("roles").forEach(r -> allowedRoles.add(r.asText()));
            repliedUser = allowed.path("replied_user").asBoolean(false);
        }
        Matcher users = USER_MENTION.matcher(m.content);
        while (users.find()) {
            String id = users.group(1);
            if (this.users.containsKey(id) && !m.mentionIds.contains(id)
                    && (parse.contains("users") || allowedUsers.contains(id))) {
                m.mentionIds.add(id);
            }
        }
        Matcher roles = ROLE_MENTION.matcher(m.content);
        while (roles.find()) {
            String id = roles.group(1);
            if (!m.mentionRoles.contains(id) && (parse.contains("roles") || allowedRoles.contains(id))) {
                m.mentionRoles.add(id);
            }
        }
        m.mentionEveryone = (m.content.contains("@everyone") || m.content.contains("@here")) && parse.contains("everyone");
        if (m.referencedId != null && repliedUser) {
            MessageState ref = messages.get(m.referencedId);
            if (ref != null && ref.authorId != null && ref.webhookId == null && !m.mentionIds.contains(ref.authorId)) {
                m.mentionIds.add(ref.authorId);
            }
        }
    }

    // ---- JSON forms ----

    ObjectNode userJson(FakeUser u) {
        ObjectNode n = NODES.objectNode();
        n.put("id", u.id());
        n.put("username", u.username());
        n.put("global_name", u.globalName());
        n.put("avatar", u.avatar());
        n.put("discriminator", "0");
        n.put("public_flags", 0);
        n.put("flags", 0);
        if (u.bot()) {
            n.put("bot", true);
        }
        n.putNull("banner");
        n.putNull("accent_color");
        n.putNull("avatar_decoration_data");
        n.putNull("collectibles");
        n.putNull("primary_guild");
        return n;
    }

    /** GET /users/@me: the bot with its private fields. */
    ObjectNode selfJson() {
        ObjectNode n = userJson(bot);
        n.put("mfa_enabled", false);
        n.put("locale", "fr");
        n.put("premium_type", 0);
        n.put("verified", true);
        n.putNull("email");
        return n;
    }

    ObjectNode memberJson(String guildId, String userId, boolean withUser) {
        ObjectNode n = NODES.objectNode();
        if (withUser) {
            n.set("user", userJson(user(userId)));
        }
        n.putNull("avatar");
        n.putNull("banner");
        n.putNull("communication_disabled_until");
        n.put("flags", 0);
        n.put("joined_at", Snowflakes.iso(joinedAt));
        n.putNull("nick");
        n.put("pending", false);
        n.putNull("premium_since");
        n.putArray("roles");
        n.put("deaf", false);
        n.put("mute", false);
        return n;
    }

    ObjectNode everyoneRoleJson(GuildState g) {
        ObjectNode n = NODES.objectNode();
        n.put("id", g.guild.id());
        n.put("name", "@everyone");
        n.putNull("description");
        n.put("permissions", Long.toString(everyonePermissions));
        n.put("position", 0);
        n.put("color", 0);
        ObjectNode colors = n.putObject("colors");
        colors.put("primary_color", 0);
        colors.putNull("secondary_color");
        colors.putNull("tertiary_color");
        n.put("hoist", false);
        n.put("managed", false);
        n.put("mentionable", false);
        n.putNull("icon");
        n.putNull("unicode_emoji");
        n.put("flags", 0);
        return n;
    }

    ArrayNode emojisJson(GuildState g) {
        ArrayNode a = NODES.arrayNode();
        g.emojis.forEach((id, name) -> {
            ObjectNode e = a.addObject();
            e.put("id", id);
            e.put("name", name);
            e.putArray("roles");
            e.put("require_colons", true);
            e.put("managed", false);
            e.put("animated", false);
            e.put("available", true);
        });
        return a;
    }

    ObjectNode channelJson(ChannelState c) {
        FakeChannel ch = c.channel;
        ObjectNode n = NODES.objectNode();
        n.put("id", ch.id());
        n.put("type", ch.type());
        n.put("guild_id", ch.guildId());
        n.put("name", ch.name());
        n.put("flags", 0);
        n.put("rate_limit_per_user", 0);
        n.put("last_message_id", c.messages.isEmpty() ? null : Long.toString(c.messages.lastKey()));
        if (ch.isThread()) {
            n.put("parent_id", ch.parentId());
            n.put("owner_id", c.ownerId);
            n.put("message_count", c.sent);
            n.put("total_message_sent", c.sent);
            n.put("member_count", 1);
            ObjectNode meta = n.putObject("thread_metadata");
            meta.put("archived", false);
            meta.put("archive_timestamp", Snowflakes.isoOf(ch.id()));
            meta.put("auto_archive_duration", 1440);
            meta.put("locked", false);
            meta.put("create_timestamp", Snowflakes.isoOf(ch.id()));
            if (ch.type() == FakeChannel.PRIVATE_THREAD) {
                meta.put("invitable", true);
            }
            n.putArray("applied_tags");
        } else {
            n.put("position", c.position);
            ArrayNode overwrites = n.putArray("permission_overwrites");
            for (long[] o : c.overwrites) {
                overwrites.addObject().put("id", Long.toString(o[0])).put("type", (int) o[1])
                        .put("allow", Long.toString(o[2])).put("deny", Long.toString(o[3]));
            }
            n.put("parent_id", ch.parentId());
            n.put("nsfw", false);
            if (ch.type() == FakeChannel.CATEGORY) {
                n.remove("last_message_id");
                n.remove("rate_limit_per_user");
            } else if (ch.type() == FakeChannel.VOICE) {
                n.put("bitrate", 64000);
                n.put("user_limit", 0);
                n.putNull("rtc_region");
            } else {
                n.put("topic", c.topic);
                n.put("default_thread_rate_limit_per_user", 0);
            }
        }
        return n;
    }

    ObjectNode webhookJson(FakeWebhook w) {
        ObjectNode n = NODES.objectNode();
        n.put("application_id", applicationId);
        n.putNull("avatar");
        n.put("channel_id", w.channelId());
        n.put("guild_id", w.guildId());
        n.put("id", w.id());
        n.put("name", w.name());
        n.put("type", 1);
        n.set("user", userJson(bot));
        n.put("token", w.token());
        n.put("url", "https://discord.com/api/webhooks/" + w.id() + "/" + w.token());
        return n;
    }

    /** GET /guilds/{id}. */
    ObjectNode guildJson(GuildState g, boolean withCounts) {
        ObjectNode n = NODES.objectNode();
        n.put("id", g.guild.id());
        n.put("name", g.guild.name());
        n.putNull("icon");
        n.putNull("description");
        n.putNull("home_header");
        n.putNull("splash");
        n.putNull("discovery_splash");
        n.putArray("features");
        n.putNull("banner");
        n.put("owner_id", g.guild.ownerId());
        n.putNull("application_id");
        n.put("region", "deprecated");
        n.putNull("afk_channel_id");
        n.put("afk_timeout", 300);
        n.put("system_channel_id", g.channelIds.isEmpty() ? null : g.channelIds.get(0));
        n.put("system_channel_flags", 0);
        n.put("widget_enabled", false);
        n.putNull("widget_channel_id");
        n.put("verification_level", 0);
        n.set("roles", NODES.arrayNode().add(everyoneRoleJson(g)));
        n.put("default_message_notifications", 1);
        n.put("mfa_level", 0);
        n.put("explicit_content_filter", 0);
        n.putNull("max_presences");
        n.put("max_members", 500000);
        n.put("max_stage_video_channel_users", 50);
        n.put("max_video_channel_users", 25);
        n.putNull("vanity_url_code");
        n.put("premium_tier", 0);
        n.put("premium_subscription_count", 0);
        n.put("preferred_locale", "fr");
        n.putNull("rules_channel_id");
        n.putNull("safety_alerts_channel_id");
        n.putNull("public_updates_channel_id");
        n.put("premium_progress_bar_enabled", false);
        n.put("nsfw", false);
        n.put("nsfw_level", 0);
        n.set("emojis", emojisJson(g));
        n.putArray("stickers");
        n.putNull("incidents_data");
        if (withCounts) {
            n.put("approximate_member_count", g.memberIds.size());
            n.put("approximate_presence_count", 0);
        }
        return n;
    }

    /** The GUILD_CREATE dispatch payload: the guild with its channels, threads, members. */
    ObjectNode guildCreateJson(GuildState g) {
        ObjectNode n = guildJson(g, false);
        n.put("joined_at", Snowflakes.iso(joinedAt));
        n.put("large", false);
        n.put("unavailable", false);
        n.put("lazy", true);
        n.put("member_count", g.memberIds.size());
        n.putArray("voice_states");
        ArrayNode members = n.putArray("members");
        for (String userId : g.memberIds) {
            members.add(memberJson(g.guild.id(), userId, true));
        }
        ArrayNode channels = n.putArray("channels");
        ArrayNode threads = n.putArray("threads");
        for (String id : g.channelIds) {
            ChannelState c = this.channels.get(id);
            ObjectNode json = channelJson(c);
            json.remove("guild_id"); // omitted inside GUILD_CREATE
            (c.channel.isThread() ? threads : channels).add(json);
        }
        n.putArray("presences");
        n.putArray("stage_instances");
        n.putArray("guild_scheduled_events");
        n.putArray("soundboard_sounds");
        n.putArray("embedded_activities");
        return n;
    }

    ObjectNode attachmentJson(StoredFile f) {
        ObjectNode n = NODES.objectNode();
        n.put("id", f.id());
        n.put("filename", f.filename());
        n.put("size", f.bytes().length);
        n.put("url", f.url(cdnBase));
        n.put("proxy_url", f.url(cdnBase));
        if (f.contentType() != null) {
            n.put("content_type", f.contentType());
        }
        if (f.description() != null) {
            n.put("description", f.description());
        }
        return n;
    }

    ObjectNode emojiJson(Emoji e) {
        ObjectNode n = NODES.objectNode();
        n.put("id", e.id());
        n.put("name", e.name());
        if (e.isCustom()) {
            n.put("animated", e.animated());
        }
        return n;
    }

    ObjectNode authorJson(MessageState m) {
        if (m.webhookId != null) {
            ObjectNode n = NODES.objectNode();
            n.put("id", m.webhookId);
            n.put("username", m.webhookName);
            n.put("avatar", m.webhookAvatarUrl == null ? null : avatarHash(m.webhookAvatarUrl));
            n.put("discriminator", "0000");
            n.put("public_flags", 0);
            n.put("flags", 0);
            n.put("bot", true);
            n.putNull("global_name");
            n.putNull("primary_guild");
            return n;
        }
        return userJson(user(m.authorId));
    }

    static String avatarHash(String url) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("MD5").digest(url.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A message object. {@code gateway} adds what MESSAGE_CREATE/UPDATE carry on top of the REST form:
     * {@code guild_id}, the author's {@code member} and each mention's {@code member}.
     */
    ObjectNode messageJson(MessageState m, boolean gateway) {
        return messageJson(m, gateway, true);
    }

    private ObjectNode messageJson(MessageState m, boolean gateway, boolean withReferenced) {
        ObjectNode n = NODES.objectNode();
        n.put("type", m.referencedId != null ? 19 : 0);
        n.put("content", m.content);
        ArrayNode mentions = n.putArray("mentions");
        for (String id : m.mentionIds) {
            ObjectNode u = userJson(user(id));
            if (gateway && guilds.containsKey(m.guildId) && guilds.get(m.guildId).memberIds.contains(id)) {
                u.set("member", memberJson(m.guildId, id, false));
            }
            mentions.add(u);
        }
        ArrayNode roles = n.putArray("mention_roles");
        m.mentionRoles.forEach(roles::add);
        ArrayNode attachments = n.putArray("attachments");
        m.attachments.forEach(f -> attachments.add(attachmentJson(f)));
        ArrayNode embeds = n.putArray("embeds");
        m.embeds.forEach(e -> embeds.add(e.deepCopy()));
        n.put("timestamp", Snowflakes.isoOf(m.id));
        n.put("edited_timestamp", m.editedTimestamp);
        n.put("flags", m.flags);
        n.putArray("components");
        if (!m.stickerItems.isEmpty()) {
            ArrayNode stickers = n.putArray("sticker_items");
            m.stickerItems.forEach(s -> stickers.add(s.deepCopy()));
        }
        n.put("id", m.id);
        n.put("channel_id", m.channelId);
        n.set("author", authorJson(m));
        n.put("pinned", false);
        n.put("mention_everyone", m.mentionEveryone);
        n.put("tts", m.tts);
        if (m.webhookId != null) {
            n.put("webhook_id", m.webhookId);
        }
        if (m.nonce != null) {
            n.set("nonce", m.nonce);
        }
        if (!m.reactions.isEmpty()) {
            ArrayNode reactions = n.putArray("reactions");
            for (Reactions r : m.reactions.values()) {
                ObjectNode reaction = reactions.addObject();
                reaction.set("emoji", emojiJson(r.emoji));
                reaction.put("count", r.userIds.size());
                ObjectNode details = reaction.putObject("count_details");
                details.put("burst", 0);
                details.put("normal", r.userIds.size());
                reaction.putArray("burst_colors");
                reaction.put("me_burst", false);
                reaction.put("burst_me", false);
                reaction.put("me", r.userIds.contains(bot.id()));
                reaction.put("burst_count", 0);
            }
        }
        if (m.referencedId != null) {
            ObjectNode ref = n.putObject("message_reference");
            ref.put("type", 0);
            ref.put("channel_id", m.channelId);
            ref.put("message_id", m.referencedId);
            ref.put("guild_id", m.guildId);
            if (withReferenced) {
                MessageState target = messages.get(m.referencedId);
                if (target == null || target.deleted) {
                    n.putNull("referenced_message");
                } else {
                    n.set("referenced_message", messageJson(target, false, false));
                }
            }
        }
        if (m.threadId != null && channels.containsKey(m.threadId)) {
            n.set("thread", channelJson(channels.get(m.threadId)));
        }
        ChannelState c = channels.get(m.channelId);
        if (c != null && c.channel.isThread()) {
            n.put("position", c.messages.headMap(Long.parseLong(m.id)).size());
        }
        if (gateway) {
            n.put("guild_id", m.guildId);
            if (m.webhookId == null && m.authorId != null && guilds.get(m.guildId).memberIds.contains(m.authorId)) {
                n.set("member", memberJson(m.guildId, m.authorId, false));
            }
        }
        return n;
    }

    FakeMessage snapshot(MessageState m) {
        List<FakeMessage.Attachment> attachments = new ArrayList<>();
        for (StoredFile f : m.attachments) {
            attachments.add(new FakeMessage.Attachment(f.id(), f.filename(), f.contentType(), f.bytes().length,
                    f.url(cdnBase), f.description()));
        }
        List<String> embeds = m.embeds.stream().map(JsonNode::toString).toList();
        List<String> stickers = m.stickerItems.stream().map(s -> s.path("id").asText()).toList();
        List<FakeMessage.Reaction> reactions = m.reactions.values().stream()
                .map(r -> new FakeMessage.Reaction(r.emoji, List.copyOf(r.userIds))).toList();
        String authorName = m.webhookId != null ? m.webhookName : user(m.authorId).username();
        String authorId = m.webhookId != null ? m.webhookId : m.authorId;
        return new FakeMessage(m.id, m.channelId, m.guildId, authorId, authorName, m.webhookId, m.webhookAvatarUrl,
                m.content, m.referencedId, List.copyOf(attachments), embeds, stickers, reactions, m.editedTimestamp,
                m.deleted, messageJson(m, false).toString());
    }
}
