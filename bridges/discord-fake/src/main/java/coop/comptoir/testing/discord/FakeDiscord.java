package coop.comptoir.testing.discord;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.testing.discord.RecordedCall.UploadedFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.HttpUrl;
import okhttp3.MultipartReader;
import okio.Buffer;

/**
 * A fake Discord on 127.0.0.1 that speaks the real wire protocols: the HTTP API v10 under
 * {@link #restBaseUrl()}, the Gateway (JSON encoding, no compression) at {@link #gatewayUrl()}, and a CDN
 * for the attachments it stores. Tests drive it as Discord humans would ({@link #userSays}, {@link #userReacts}
 * …), inject failures ({@link #rateLimitNext}, {@link #outage}) and inspect what a client did
 * ({@link #requests()}, {@link #messagesIn}, {@link #assertNoSpecViolations()}).
 *
 * <p>It is served by OkHttp's {@code mockwebserver3} with a custom {@link Dispatcher}: one port answers REST,
 * the CDN and WebSocket upgrades, the OkHttp line is the one JDA uses, and there is no second server
 * library to keep in step. Its scripted-queue features are not used.
 *
 * <p>Thread-safe: the state sits behind one monitor; test controls may be called from any thread.
 * See the module README for what is faithful to Discord and what is not.
 */
public final class FakeDiscord implements AutoCloseable {
    private static final Pattern NAME = Pattern.compile("name=\"([^\"]*)\"");
    private static final Pattern FILENAME = Pattern.compile("filename=\"([^\"]*)\"");
    private static final byte[] PNG = Base64.getDecoder().decode(
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");

    private final MockWebServer server = new MockWebServer();
    private final World world;
    private final Gateway gateway;
    private final Rest rest;
    private final DiscordSpec spec;
    private final boolean validateResponses;
    private final String base;
    private final List<RecordedCall> calls = new CopyOnWriteArrayList<>();
    private final List<String> unknownRoutes = new CopyOnWriteArrayList<>();
    private final List<String> responseViolations = new CopyOnWriteArrayList<>();
    private final AtomicInteger rateLimited = new AtomicInteger();
    private final AtomicInteger serverErrors = new AtomicInteger();
    private volatile double retryAfterSeconds = 1;
    private volatile boolean outage;
    /** One-shot actions run after a matching request's work, before its answer ({@link #beforeAnswering}). */
    private final List<Hook> hooks = new CopyOnWriteArrayList<>();

    private record Hook(Predicate<RecordedCall> when, java.util.function.Consumer<RecordedCall> action) {}

    /** Starts a fake with the defaults of {@link Builder}. */
    public static FakeDiscord start() {
        return builder().start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Configures the world before it starts; all settings are optional. */
    public static final class Builder {
        private String botToken = "fake-bot-token";
        private String botName = "comptoir-bot";
        private final List<String[]> users = new ArrayList<>();
        private final Map<String, List<String>> guilds = new LinkedHashMap<>();
        private long uploadLimit = 10L * 1024 * 1024;
        private Duration heartbeatInterval = Duration.ofMillis(41_250);
        private long everyonePermissions = World.DEFAULT_EVERYONE;
        private Optional<DiscordSpec> spec;
        private boolean validateResponses;

        private Builder() {
        }

        /** The token clients must present ({@code Authorization: Bot <token>}, Identify); default {@code fake-bot-token}. */
        public Builder botToken(String token) {
            this.botToken = Objects.requireNonNull(token);
            return this;
        }

        public Builder botName(String username) {
            this.botName = Objects.requireNonNull(username);
            return this;
        }

        /** Adds a human member of every guild. Without any, {@code alice} ("Alice") and {@code bob} ("Bob") exist. */
        public Builder user(String username, String globalName) {
            users.add(new String[] {username, globalName});
            return this;
        }

        /** Adds a guild with text channels. Without any, "Comptoir" with {@code general} and {@code annonces} exists. */
        public Builder guild(String name, String... textChannels) {
            guilds.put(name, List.of(textChannels));
            return this;
        }

        /** Largest file accepted in an upload (413, code 40005 beyond); default 10 MiB. */
        public Builder uploadLimit(long bytes) {
            this.uploadLimit = bytes;
            return this;
        }

        /** The heartbeat interval announced in Hello; default 41.25 s like Discord. */
        public Builder heartbeatInterval(Duration interval) {
            this.heartbeatInterval = interval;
            return this;
        }

        /** The {@code @everyone} permissions (a Discord bit set); the default lets a bridge bot do its work. */
        public Builder everyonePermissions(long permissions) {
            this.everyonePermissions = permissions;
            return this;
        }

        /** Validates requests against this spec (default: {@link DiscordSpec#find()}). */
        public Builder spec(DiscordSpec spec) {
            this.spec = Optional.of(spec);
            return this;
        }

        /** No spec validation even where the spec is available. */
        public Builder withoutSpec() {
            this.spec = Optional.empty();
            return this;
        }

        /** Also checks the fake's own REST responses against the spec ({@link #responseViolations()}). */
        public Builder validateResponses(boolean validate) {
            this.validateResponses = validate;
            return this;
        }

        public FakeDiscord start() {
            return new FakeDiscord(this);
        }
    }

    private FakeDiscord(Builder b) {
        this.spec = (b.spec != null ? b.spec : DiscordSpec.find()).orElse(null);
        this.validateResponses = b.validateResponses;
        this.world = new World(b.botToken, b.botName, b.everyonePermissions);
        List<String[]> users = b.users.isEmpty()
                ? List.of(new String[] {"alice", "Alice"}, new String[] {"bob", "Bob"}) : b.users;
        for (String[] u : users) {
            world.addUser(u[0], u[1], null);
        }
        String owner = world.users.keySet().stream().filter(id -> !id.equals(world.bot.id())).findFirst()
                .orElse(world.bot.id());
        Map<String, List<String>> guilds = b.guilds.isEmpty() ? Map.of("Comptoir", List.of("general", "annonces")) : b.guilds;
        guilds.forEach((name, channels) -> {
            World.GuildState g = world.addGuild(name, owner);
            channels.forEach(c -> world.addChannel(g.guild.id(), FakeChannel.TEXT, c, null, null));
        });
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                return handle(request);
            }
        });
        // Nagle off on every connection, as a real web server has it: otherwise an answer's body,
        // written after its headers, waits for the client's delayed ACK (~40 ms a request)
        server.setServerSocketFactory(new NoDelayServerSockets());
        try {
            server.start(InetAddress.getByName("127.0.0.1"), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the fake Discord", e);
        }
        this.base = "127.0.0.1:" + server.getPort();
        world.cdnBase = "http://" + base + "/";
        this.gateway = new Gateway(world, "ws://" + base, b.heartbeatInterval.toMillis());
        this.rest = new Rest(world, gateway, b.uploadLimit);
    }

    // ---- addresses ----

    /** {@code http://127.0.0.1:<port>/api/v10/}, for JDA's {@code RestConfig#setBaseUrl}. */
    public String restBaseUrl() {
        return "http://" + base + "/api/v10/";
    }

    /** {@code ws://127.0.0.1:<port>/gateway}; READY's {@code resume_gateway_url} is {@code …/gateway-resume}. */
    public String gatewayUrl() {
        return gateway.url();
    }

    /** Where attachments, avatars and stickers are served: {@code http://127.0.0.1:<port>/}. */
    public String cdnBaseUrl() {
        return world.cdnBase;
    }

    public int port() {
        return server.getPort();
    }

    public String botToken() {
        return world.botToken;
    }

    /** The spec requests are validated against, if it was found. */
    public Optional<DiscordSpec> spec() {
        return Optional.ofNullable(spec);
    }

    @Override
    public void close() {
        synchronized (world) {
            gateway.closeAll();
        }
        server.close();
    }

    // ---- the world ----

    public FakeUser bot() {
        return world.bot;
    }

    /** A user by username. */
    public FakeUser user(String username) {
        synchronized (world) {
            return world.users.values().stream().filter(u -> u.username().equals(username)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no user " + username));
        }
    }

    public List<FakeUser> users() {
        synchronized (world) {
            return List.copyOf(world.users.values());
        }
    }

    /** The first guild. */
    public FakeGuild guild() {
        return guilds().get(0);
    }

    public List<FakeGuild> guilds() {
        synchronized (world) {
            return world.guilds.values().stream().map(g -> g.guild).toList();
        }
    }

    /** A channel or thread by name (the first found across guilds). */
    public FakeChannel channel(String name) {
        synchronized (world) {
            return world.channels.values().stream().map(c -> c.channel).filter(c -> c.name().equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no channel " + name));
        }
    }

    public List<FakeChannel> channels(String guildId) {
        synchronized (world) {
            return world.guild(guildId).channelIds.stream().map(id -> world.channels.get(id).channel).toList();
        }
    }

    /** A human joins (every guild); dispatches GUILD_MEMBER_ADD. */
    public FakeUser addUser(String username, String globalName) {
        synchronized (world) {
            FakeUser u = world.addUser(username, globalName, null);
            for (World.GuildState g : world.guilds.values()) {
                ObjectNode member = world.memberJson(g.guild.id(), u.id(), true);
                member.put("guild_id", g.guild.id());
                gateway.dispatch("GUILD_MEMBER_ADD", Gateway.GUILD_MEMBERS, member);
            }
            return u;
        }
    }

    /** A new text channel; dispatches CHANNEL_CREATE. */
    public FakeChannel addTextChannel(String guildId, String name) {
        synchronized (world) {
            World.ChannelState c = world.addChannel(guildId, FakeChannel.TEXT, name, null, null);
            gateway.dispatch("CHANNEL_CREATE", Gateway.GUILDS, world.channelJson(c));
            return c.channel;
        }
    }

    /**
     * A new category; dispatches CHANNEL_CREATE. Put channels in it with
     * {@link #addTextChannel(String, String, String, String)}.
     */
    public FakeChannel addCategory(String guildId, String name) {
        synchronized (world) {
            World.ChannelState c = world.addChannel(guildId, FakeChannel.CATEGORY, name, null, null);
            gateway.dispatch("CHANNEL_CREATE", Gateway.GUILDS, world.channelJson(c));
            return c.channel;
        }
    }

    /** A new text channel in a category (or none: null), with a topic (or none: null); dispatches CHANNEL_CREATE. */
    public FakeChannel addTextChannel(String guildId, String name, String categoryId, String topic) {
        synchronized (world) {
            if (categoryId != null && world.channel(categoryId).channel.type() != FakeChannel.CATEGORY) {
                throw new IllegalArgumentException(categoryId + " is not a category");
            }
            World.ChannelState c = world.addChannel(guildId, FakeChannel.TEXT, name, categoryId, null);
            c.topic = topic;
            gateway.dispatch("CHANNEL_CREATE", Gateway.GUILDS, world.channelJson(c));
            return c.channel;
        }
    }

    /** A new voice channel (a channel no bridge can carry); dispatches CHANNEL_CREATE. */
    public FakeChannel addVoiceChannel(String guildId, String name) {
        synchronized (world) {
            World.ChannelState c = world.addChannel(guildId, FakeChannel.VOICE, name, null, null);
            gateway.dispatch("CHANNEL_CREATE", Gateway.GUILDS, world.channelJson(c));
            return c.channel;
        }
    }

    /**
     * Makes a channel or category private as a Discord admin does: an overwrite denying
     * {@code VIEW_CHANNEL} to {@code @everyone} (the role whose ID is the guild's) and, when
     * {@code botKeepsAccess}, one allowing it to the bot (a member overwrite, type 1). Dispatches
     * CHANNEL_UPDATE.
     */
    public void makePrivate(String channelId, boolean botKeepsAccess) {
        synchronized (world) {
            World.ChannelState c = world.channel(channelId);
            c.overwrites.removeIf(o -> o[0] == Long.parseLong(c.channel.guildId()) || o[0] == Long.parseLong(world.bot.id()));
            c.overwrites.add(new long[] {Long.parseLong(c.channel.guildId()), 0, 0, World.VIEW_CHANNEL});
            if (botKeepsAccess) {
                c.overwrites.add(new long[] {Long.parseLong(world.bot.id()), 1, World.VIEW_CHANNEL, 0});
            }
            gateway.dispatch("CHANNEL_UPDATE", Gateway.GUILDS, world.channelJson(c));
        }
    }

    /**
     * Edits a channel or category as a Discord admin does: its name and, for a text channel, its
     * topic (null for none). Dispatches CHANNEL_UPDATE.
     */
    public FakeChannel editChannel(String channelId, String name, String topic) {
        synchronized (world) {
            World.ChannelState c = world.channel(channelId);
            FakeChannel old = c.channel;
            c.channel = new FakeChannel(old.id(), old.guildId(), old.type(), name, old.parentId());
            if (old.type() == FakeChannel.TEXT) {
                c.topic = topic;
            }
            gateway.dispatch("CHANNEL_UPDATE", Gateway.GUILDS, world.channelJson(c));
            return c.channel;
        }
    }

    /** Deletes a channel or category as a Discord admin does; dispatches CHANNEL_DELETE with the channel as it was. */
    public void deleteChannel(String channelId) {
        synchronized (world) {
            World.ChannelState c = world.channel(channelId);
            ObjectNode json = world.channelJson(c);
            world.channels.remove(channelId);
            world.guild(c.channel.guildId()).channelIds.remove(channelId);
            gateway.dispatch("CHANNEL_DELETE", Gateway.GUILDS, json);
        }
    }

    /** The guild's custom emoji with that name (every guild has {@code comptoir}). */
    public Emoji customEmoji(String guildId, String name) {
        synchronized (world) {
            return world.guild(guildId).emojis.entrySet().stream().filter(e -> e.getValue().equals(name)).findFirst()
                    .map(e -> Emoji.custom(name, e.getKey()))
                    .orElseThrow(() -> new IllegalArgumentException("no emoji " + name));
        }
    }

    /** A webhook made as if by the bot beforehand (no request recorded); dispatches WEBHOOKS_UPDATE. */
    public FakeWebhook createWebhook(String channelId, String name) {
        synchronized (world) {
            return newWebhook(world, gateway, world.channel(channelId), name);
        }
    }

    public List<FakeWebhook> webhooks(String channelId) {
        synchronized (world) {
            return world.webhooks.values().stream().filter(w -> w.channelId().equals(channelId)).toList();
        }
    }

    // ---- humans acting ----

    /** A human says something in a channel or thread: stored, then dispatched as MESSAGE_CREATE. */
    public FakeMessage userSays(String channelId, String userId, String content) {
        return userMessage(channelId, userId).content(content).send();
    }

    /** A richer human message (reply, attachments, stickers, embeds), finished with {@code send()}. */
    public UserMessage userMessage(String channelId, String userId) {
        return new UserMessage(this, channelId, userId);
    }

    /** A message posted while no client is connected (see {@link UserMessage#sendWhileOffline()}). */
    public FakeMessage postWhileOffline(String channelId, String userId, String content) {
        return userMessage(channelId, userId).content(content).sendWhileOffline();
    }

    FakeMessage post(UserMessage draft, boolean dispatch) {
        synchronized (world) {
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
    }

    /** The author edits a message; dispatches MESSAGE_UPDATE. */
    public FakeMessage userEdits(String channelId, String messageId, String newContent) {
        synchronized (world) {
            World.MessageState m = existing(channelId, messageId);
            m.content = newContent;
            world.computeMentions(m, null);
            m.editedTimestamp = Snowflakes.iso(Instant.now());
            gateway.dispatch("MESSAGE_UPDATE", Gateway.GUILD_MESSAGES, world.messageJson(m, true));
            return world.snapshot(m);
        }
    }

    /** A message is deleted (by its author or a moderator); dispatches MESSAGE_DELETE. */
    public void userDeletes(String channelId, String messageId) {
        synchronized (world) {
            markDeleted(world, gateway, existing(channelId, messageId));
        }
    }

    /** A human reacts with {@code 👍}, or a custom emoji written {@code name:id}; dispatches MESSAGE_REACTION_ADD. */
    public void userReacts(String channelId, String messageId, String userId, String emoji) {
        userReacts(channelId, messageId, userId, Emoji.parse(emoji));
    }

    public void userReacts(String channelId, String messageId, String userId, Emoji emoji) {
        synchronized (world) {
            world.user(userId);
            applyReaction(world, gateway, existing(channelId, messageId), userId, emoji, true);
        }
    }

    /** A human takes a reaction back; dispatches MESSAGE_REACTION_REMOVE. */
    public void userUnreacts(String channelId, String messageId, String userId, String emoji) {
        userUnreacts(channelId, messageId, userId, Emoji.parse(emoji));
    }

    public void userUnreacts(String channelId, String messageId, String userId, Emoji emoji) {
        synchronized (world) {
            world.user(userId);
            applyReaction(world, gateway, existing(channelId, messageId), userId, emoji, false);
        }
    }

    /** A human opens a public thread under a text channel; dispatches THREAD_CREATE. */
    public FakeChannel userCreatesThread(String channelId, String userId, String name) {
        synchronized (world) {
            World.ChannelState parent = world.channel(channelId);
            world.user(userId);
            return newThread(world, gateway, parent, null, userId, name, FakeChannel.PUBLIC_THREAD).channel;
        }
    }

    /** A human opens a public thread from a message (the thread's id is the message's id); dispatches THREAD_CREATE. */
    public FakeChannel userCreatesThread(String channelId, String messageId, String userId, String name) {
        synchronized (world) {
            World.ChannelState parent = world.channel(channelId);
            world.user(userId);
            World.MessageState start = existing(channelId, messageId);
            return newThread(world, gateway, parent, start, userId, name, FakeChannel.PUBLIC_THREAD).channel;
        }
    }

    private World.MessageState existing(String channelId, String messageId) {
        World.MessageState m = world.message(channelId, messageId);
        if (m == null) {
            throw new IllegalArgumentException("no message " + messageId + " in channel " + channelId);
        }
        return m;
    }

    // ---- shared by REST handlers and human controls (callers hold the world's monitor) ----

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

    // ---- Gateway controls ----

    /** Drops every Gateway connection without a close frame; sessions stay resumable. */
    public void disconnect() {
        synchronized (world) {
            gateway.dropConnections();
        }
    }

    /** Sends op 7 Reconnect: clients should reconnect and resume. */
    public void sendReconnect() {
        synchronized (world) {
            gateway.sendReconnect();
        }
    }

    /** Sends op 9 Invalid Session; unless {@code resumable}, the sessions are forgotten and clients must identify. */
    public void sendInvalidSession(boolean resumable) {
        synchronized (world) {
            gateway.sendInvalidSession(resumable);
        }
    }

    /** Sends op 1: clients must heartbeat at once. */
    public void requestHeartbeat() {
        synchronized (world) {
            gateway.requestHeartbeat();
        }
    }

    /** Identified (or resumed) Gateway connections now open. */
    public int connectedClients() {
        synchronized (world) {
            return gateway.connectedClients();
        }
    }

    public void awaitConnectedClients(int count, Duration timeout) {
        await(() -> connectedClients() == count ? Boolean.TRUE : null, timeout,
                () -> "expected " + count + " Gateway client(s), have " + connectedClients());
    }

    /** Every Gateway payload sent and received so far. */
    public List<GatewayFrame> gatewayFrames() {
        return gateway.frames();
    }

    public GatewayFrame awaitGatewayFrame(Predicate<GatewayFrame> predicate, Duration timeout) {
        return await(() -> gateway.frames().stream().filter(predicate).findFirst().orElse(null), timeout,
                () -> "no matching Gateway frame among " + gateway.frames());
    }

    // ---- failure injection ----

    /** The next {@code count} REST requests get 429 with {@code retry_after} (not global). */
    public void rateLimitNext(int count, double retryAfterSeconds) {
        this.retryAfterSeconds = retryAfterSeconds;
        rateLimited.set(count);
    }

    /** The next {@code count} REST requests get 500 (Discord failing inside), as a broken deployment answers. */
    public void failNext(int count) {
        serverErrors.set(count);
    }

    /**
     * Runs {@code action} once, on the first successful request {@code when} accepts, after the fake
     * did the work (a message stored and dispatched on the Gateway) and before it answers: the moment
     * at which a client that dies leaves its work done on Discord without knowing it. The action runs
     * on the request's thread (it may kill the client, or block); the answer goes out when it returns.
     */
    public void beforeAnswering(Predicate<RecordedCall> when, java.util.function.Consumer<RecordedCall> action) {
        hooks.add(new Hook(when, action));
    }

    /** During an outage REST answers 503 and the Gateway drops its connections and refuses new ones. */
    public void outage(boolean on) {
        outage = on;
        synchronized (world) {
            gateway.outage(on);
        }
    }

    // ---- inspection ----

    /** Every REST request received so far, in order. */
    public List<RecordedCall> requests() {
        return List.copyOf(calls);
    }

    /** Requests with this method whose path matches the regex ({@code "/channels/\\d+/messages"}). */
    public List<RecordedCall> requests(String method, String pathRegex) {
        return calls.stream().filter(c -> c.is(method, pathRegex)).toList();
    }

    public RecordedCall awaitRequest(Predicate<RecordedCall> predicate, Duration timeout) {
        return await(() -> calls.stream().filter(predicate).findFirst().orElse(null), timeout,
                () -> "no matching request among " + calls);
    }

    /** Forgets recorded requests, unknown routes and violations (not the world). */
    public void clearRecords() {
        calls.clear();
        unknownRoutes.clear();
        responseViolations.clear();
    }

    /** Live (not deleted) messages of a channel or thread, oldest first. */
    public List<FakeMessage> messagesIn(String channelId) {
        synchronized (world) {
            return world.channel(channelId).messages.values().stream().filter(m -> !m.deleted).map(world::snapshot).toList();
        }
    }

    /** Live messages sent through webhooks in a channel or its threads, oldest first. */
    public List<FakeMessage> webhookMessages(String channelId) {
        synchronized (world) {
            return world.messages.values().stream()
                    .filter(m -> !m.deleted && m.webhookId != null)
                    .filter(m -> m.channelId.equals(channelId)
                            || channelId.equals(world.channels.get(m.channelId).channel.parentId()))
                    .map(world::snapshot).toList();
        }
    }

    /** A message by id, deleted ones included. */
    public Optional<FakeMessage> findMessage(String messageId) {
        synchronized (world) {
            return Optional.ofNullable(world.messages.get(messageId)).map(world::snapshot);
        }
    }

    public FakeMessage awaitMessageIn(String channelId, Predicate<FakeMessage> predicate, Duration timeout) {
        return await(() -> messagesIn(channelId).stream().filter(predicate).findFirst().orElse(null), timeout,
                () -> "no matching message in " + channelId + " among " + messagesIn(channelId).stream()
                        .map(m -> m.authorName() + ": " + m.content()).toList());
    }

    /** Requests to routes the fake does not serve ({@code "GET /applications/@me"}). */
    public List<String> unknownRoutes() {
        return List.copyOf(unknownRoutes);
    }

    /** What the spec says is wrong with the requests received so far ({@code "POST /path: problem"}). */
    public List<String> specViolations() {
        List<String> all = new ArrayList<>();
        for (RecordedCall c : calls) {
            c.specViolations().forEach(v -> all.add(c.line() + ": " + v));
        }
        return all;
    }

    /** Fails, listing them, if any request broke the spec. Does nothing when the spec is absent. */
    public void assertNoSpecViolations() {
        List<String> all = specViolations();
        if (!all.isEmpty()) {
            throw new AssertionError(all.size() + " request(s) do not conform to Discord's OpenAPI description:\n  "
                    + String.join("\n  ", all));
        }
    }

    /** With {@link Builder#validateResponses}, where the fake's own answers differ from the spec. */
    public List<String> responseViolations() {
        return List.copyOf(responseViolations);
    }

    private <T> T await(Supplier<T> probe, Duration timeout, Supplier<String> failure) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            T value = probe.get();
            if (value != null) {
                return value;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("after " + timeout.toMillis() + " ms: " + failure.get());
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    // ---- HTTP ----

    private MockResponse handle(RecordedRequest request) {
        HttpUrl url = request.getUrl();
        List<String> segments = url.pathSegments();
        String first = segments.isEmpty() ? "" : segments.get(0);
        if ((first.equals("gateway") || first.equals("gateway-resume")) && segments.size() == 1
                && "websocket".equalsIgnoreCase(request.getHeaders().get("Upgrade"))) {
            return gateway.upgrade(url.encodedPath());
        }
        if (segments.size() >= 2 && first.equals("api") && segments.get(1).equals("v10")) {
            return api(request, segments.subList(2, segments.size()));
        }
        return cdn(request, segments);
    }

    private MockResponse cdn(RecordedRequest request, List<String> segments) {
        if (segments.size() == 4 && segments.get(0).equals("attachments")) {
            synchronized (world) {
                World.StoredFile f = world.files.get(segments.get(2));
                if (f != null && f.channelId().equals(segments.get(1)) && f.filename().equals(segments.get(3))) {
                    return new MockResponse.Builder()
                            .setHeader("Content-Type", f.contentType() == null ? "application/octet-stream" : f.contentType())
                            .body(new Buffer().write(f.bytes())).build();
                }
            }
        }
        if (!segments.isEmpty() && List.of("avatars", "stickers", "emojis", "icons").contains(segments.get(0))) {
            return new MockResponse.Builder().setHeader("Content-Type", "image/png").body(new Buffer().write(PNG)).build();
        }
        return new MockResponse.Builder().code(404).setHeader("Content-Type", "text/plain").body("404: Not Found").build();
    }

    private MockResponse api(RecordedRequest request, List<String> segments) {
        HttpUrl url = request.getUrl();
        String method = request.getMethod();
        String path = "/" + String.join("/", segments);
        String encodedPath = url.encodedPath().substring("/api/v10".length());
        Map<String, List<String>> query = new LinkedHashMap<>();
        for (String name : url.queryParameterNames()) {
            List<String> values = new ArrayList<>();
            for (String v : url.queryParameterValues(name)) {
                values.add(v == null ? "" : v);
            }
            query.put(name, List.copyOf(values));
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String name : request.getHeaders().names()) {
            String value = request.getHeaders().get(name);
            if (name.equalsIgnoreCase("authorization") && value != null) {
                value = value.startsWith("Bot ") ? "Bot ***" : "***";
            }
            headers.put(name.toLowerCase(Locale.ROOT), value);
        }
        String contentType = request.getHeaders().get("Content-Type");

        JsonNode json = null;
        String jsonText = null;
        List<UploadedFile> files = new ArrayList<>();
        Rest.Reply reply = null;
        byte[] body = request.getBody() == null ? new byte[0] : request.getBody().toByteArray();
        try {
            if (contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
                jsonText = readMultipart(contentType, body, files);
            } else if (body.length > 0) {
                jsonText = new String(body, StandardCharsets.UTF_8);
            }
            if (jsonText != null) {
                json = World.JSON.readTree(jsonText);
            }
        } catch (IOException | RuntimeException e) {
            reply = Rest.error(400, 50109, "The request body contains invalid JSON.");
        }
        List<String> violations = spec == null ? List.of()
                : spec.checkRequest(method, encodedPath, query, contentType, jsonText, false);

        Rest.Route route = null;
        List<String> params = new ArrayList<>();
        for (Rest.Route r : rest.routes) {
            if (r.method().equals(method) && matches(r.segments(), segments, params)) {
                route = r;
                break;
            }
        }
        if (reply == null) {
            if (outage) {
                reply = Rest.error(503, 0, "503: Service Unavailable");
            } else if (serverErrors.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                reply = Rest.error(500, 0, "500: Internal Server Error");
            } else if (rateLimited.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                reply = new Rest.Reply(429, World.NODES.objectNode().put("message", "You are being rate limited.")
                        .put("retry_after", retryAfterSeconds).put("global", false).put("code", 0));
            } else if (route == null) {
                boolean otherMethod = rest.routes.stream().anyMatch(r -> matches(r.segments(), segments, new ArrayList<>()));
                if (otherMethod) {
                    reply = Rest.error(405, 0, "405: Method Not Allowed");
                } else {
                    unknownRoutes.add(method + " " + path);
                    reply = Rest.error(404, 0, "404: Not Found");
                }
            } else if (route.botAuth() && !("Bot " + world.botToken).equals(request.getHeaders().get("Authorization"))) {
                reply = Rest.error(401, 0, "401: Unauthorized");
            } else if (!route.botAuth() && request.getHeaders().get("Authorization") != null
                    && !("Bot " + world.botToken).equals(request.getHeaders().get("Authorization"))) {
                reply = Rest.error(401, 0, "401: Unauthorized");
            } else {
                Rest.Request parsed = new Rest.Request(method, segments, query, json, List.copyOf(files));
                synchronized (world) {
                    try {
                        reply = route.handler().handle(parsed, params);
                    } catch (RuntimeException e) {
                        reply = Rest.error(500, 0, "500: fake Discord failed: " + e);
                    }
                }
            }
        }
        RecordedCall call = new RecordedCall(Instant.now(), method, path, Map.copyOf(query), headers, json, List.copyOf(files),
                reply.status(), List.copyOf(violations));
        calls.add(call);
        if (reply.status() < 300) {
            for (Hook h : hooks) {
                if (h.when().test(call) && hooks.remove(h)) {
                    h.action().accept(call);
                }
            }
        }
        String responseBody = reply.body() == null ? "" : reply.body().toString();
        if (validateResponses && spec != null && reply.status() < 500) {
            for (String problem : spec.checkResponse(method, encodedPath, reply.status(), responseBody)) {
                responseViolations.add(method + " " + path + " -> " + reply.status() + ": " + problem);
            }
        }
        return response(reply, route == null ? path : String.join("/", route.segments()) + method, responseBody);
    }

    private static boolean matches(String[] template, List<String> segments, List<String> params) {
        params.clear();
        if (template.length != segments.size()) {
            return false;
        }
        for (int i = 0; i < template.length; i++) {
            if (template[i].equals("{}")) {
                if (segments.get(i).isEmpty()) {
                    return false;
                }
                params.add(segments.get(i));
            } else if (!template[i].equals(segments.get(i))) {
                return false;
            }
        }
        return true;
    }

    private String readMultipart(String contentType, byte[] body, List<UploadedFile> files) throws IOException {
        Matcher boundary = Pattern.compile("boundary=\"?([^\";]+)\"?").matcher(contentType);
        if (!boundary.find()) {
            throw new IOException("multipart without boundary");
        }
        String payload = null;
        try (MultipartReader reader = new MultipartReader(new Buffer().write(body), boundary.group(1))) {
            MultipartReader.Part part;
            while ((part = reader.nextPart()) != null) {
                String disposition = part.headers().get("Content-Disposition");
                String name = disposition == null ? null : group(NAME, disposition);
                byte[] bytes = part.body().readByteArray();
                if ("payload_json".equals(name)) {
                    payload = new String(bytes, StandardCharsets.UTF_8);
                } else if (name != null) {
                    files.add(new UploadedFile(name, group(FILENAME, disposition), part.headers().get("Content-Type"), bytes));
                }
            }
        }
        return payload;
    }

    private static String group(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        return m.find() ? m.group(1) : null;
    }

    private MockResponse response(Rest.Reply reply, String bucketKey, String body) {
        MockResponse.Builder b = new MockResponse.Builder().code(reply.status());
        // JDA takes a 429 without "Via" for a Cloudflare ban; Discord's API answers carry it.
        b.setHeader("Via", "1.1 google");
        String bucket = Integer.toHexString(bucketKey.hashCode());
        double reset = System.currentTimeMillis() / 1000.0;
        if (reply.status() == 429) {
            double after = retryAfterSeconds;
            b.setHeader("Retry-After", Long.toString((long) Math.ceil(after)));
            b.setHeader("X-RateLimit-Limit", "5");
            b.setHeader("X-RateLimit-Remaining", "0");
            b.setHeader("X-RateLimit-Reset", String.format(Locale.ROOT, "%.3f", reset + after));
            b.setHeader("X-RateLimit-Reset-After", String.format(Locale.ROOT, "%.3f", after));
            b.setHeader("X-RateLimit-Bucket", bucket);
            b.setHeader("X-RateLimit-Scope", "user");
        } else if (reply.status() != 503) {
            b.setHeader("X-RateLimit-Limit", "5");
            b.setHeader("X-RateLimit-Remaining", "4");
            b.setHeader("X-RateLimit-Reset", String.format(Locale.ROOT, "%.3f", reset + 1));
            b.setHeader("X-RateLimit-Reset-After", "1.000");
            b.setHeader("X-RateLimit-Bucket", bucket);
        }
        if (reply.body() != null) {
            b.setHeader("Content-Type", "application/json");
            b.body(body);
        }
        return b.build();
    }
}
