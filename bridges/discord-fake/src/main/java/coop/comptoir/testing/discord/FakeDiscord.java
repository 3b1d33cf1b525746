package coop.comptoir.testing.discord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

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
 * <p>This class is the tests' entry point; behind it, {@link HttpFront} answers the port (routing,
 * spec checks, records, injected failures), {@link Rest} and {@link Gateway} speak the two protocols,
 * {@link WorldChanges} makes the changes both the bot and the humans can make, and {@link World}
 * holds the state.
 *
 * <p>Thread-safe: the state sits behind one monitor; test controls may be called from any thread.
 * See the module README for what is faithful to Discord and what is not.
 */
public final class FakeDiscord implements AutoCloseable {
    private final MockWebServer server = new MockWebServer();
    private final World world;
    private final Gateway gateway;
    private final DiscordSpec spec;
    private final String base;
    private final HttpFront http;

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
                return FakeDiscord.this.http.dispatch(request); // the server is not known before it starts
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
        this.http = new HttpFront(world, gateway, new Rest(world, gateway, b.uploadLimit), spec, b.validateResponses);
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
            return WorldChanges.addUser(world, gateway, username, globalName);
        }
    }

    /** A new text channel; dispatches CHANNEL_CREATE. */
    public FakeChannel addTextChannel(String guildId, String name) {
        synchronized (world) {
            return WorldChanges.addChannel(world, gateway, guildId, FakeChannel.TEXT, name, null, null);
        }
    }

    /**
     * A new category; dispatches CHANNEL_CREATE. Put channels in it with
     * {@link #addTextChannel(String, String, String, String)}.
     */
    public FakeChannel addCategory(String guildId, String name) {
        synchronized (world) {
            return WorldChanges.addChannel(world, gateway, guildId, FakeChannel.CATEGORY, name, null, null);
        }
    }

    /** A new text channel in a category (or none: null), with a topic (or none: null); dispatches CHANNEL_CREATE. */
    public FakeChannel addTextChannel(String guildId, String name, String categoryId, String topic) {
        synchronized (world) {
            return WorldChanges.addChannel(world, gateway, guildId, FakeChannel.TEXT, name, categoryId, topic);
        }
    }

    /** A new voice channel (a channel no bridge can carry); dispatches CHANNEL_CREATE. */
    public FakeChannel addVoiceChannel(String guildId, String name) {
        synchronized (world) {
            return WorldChanges.addChannel(world, gateway, guildId, FakeChannel.VOICE, name, null, null);
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
            WorldChanges.makePrivate(world, gateway, channelId, botKeepsAccess);
        }
    }

    /**
     * Edits a channel or category as a Discord admin does: its name and, for a text channel, its
     * topic (null for none). Dispatches CHANNEL_UPDATE.
     */
    public FakeChannel editChannel(String channelId, String name, String topic) {
        synchronized (world) {
            return WorldChanges.editChannel(world, gateway, channelId, name, topic);
        }
    }

    /** Deletes a channel or category as a Discord admin does; dispatches CHANNEL_DELETE with the channel as it was. */
    public void deleteChannel(String channelId) {
        synchronized (world) {
            WorldChanges.deleteChannel(world, gateway, channelId);
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
            return WorldChanges.newWebhook(world, gateway, world.channel(channelId), name);
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
            return WorldChanges.post(world, gateway, draft, dispatch);
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
            WorldChanges.markDeleted(world, gateway, existing(channelId, messageId));
        }
    }

    /** A human reacts with {@code 👍}, or a custom emoji written {@code name:id}; dispatches MESSAGE_REACTION_ADD. */
    public void userReacts(String channelId, String messageId, String userId, String emoji) {
        userReacts(channelId, messageId, userId, Emoji.parse(emoji));
    }

    public void userReacts(String channelId, String messageId, String userId, Emoji emoji) {
        synchronized (world) {
            world.user(userId);
            WorldChanges.applyReaction(world, gateway, existing(channelId, messageId), userId, emoji, true);
        }
    }

    /** A human takes a reaction back; dispatches MESSAGE_REACTION_REMOVE. */
    public void userUnreacts(String channelId, String messageId, String userId, String emoji) {
        userUnreacts(channelId, messageId, userId, Emoji.parse(emoji));
    }

    public void userUnreacts(String channelId, String messageId, String userId, Emoji emoji) {
        synchronized (world) {
            world.user(userId);
            WorldChanges.applyReaction(world, gateway, existing(channelId, messageId), userId, emoji, false);
        }
    }

    /** A human opens a public thread under a text channel; dispatches THREAD_CREATE. */
    public FakeChannel userCreatesThread(String channelId, String userId, String name) {
        synchronized (world) {
            World.ChannelState parent = world.channel(channelId);
            world.user(userId);
            return WorldChanges.newThread(world, gateway, parent, null, userId, name, FakeChannel.PUBLIC_THREAD).channel;
        }
    }

    /** A human opens a public thread from a message (the thread's id is the message's id); dispatches THREAD_CREATE. */
    public FakeChannel userCreatesThread(String channelId, String messageId, String userId, String name) {
        synchronized (world) {
            World.ChannelState parent = world.channel(channelId);
            world.user(userId);
            World.MessageState start = existing(channelId, messageId);
            return WorldChanges.newThread(world, gateway, parent, start, userId, name, FakeChannel.PUBLIC_THREAD).channel;
        }
    }

    private World.MessageState existing(String channelId, String messageId) {
        World.MessageState m = world.message(channelId, messageId);
        if (m == null) {
            throw new IllegalArgumentException("no message " + messageId + " in channel " + channelId);
        }
        return m;
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
        http.rateLimitNext(count, retryAfterSeconds);
    }

    /** The next {@code count} REST requests get 500 (Discord failing inside), as a broken deployment answers. */
    public void failNext(int count) {
        http.failNext(count);
    }

    /**
     * Runs {@code action} once, on the first successful request {@code when} accepts, after the fake
     * did the work (a message stored and dispatched on the Gateway) and before it answers: the moment
     * at which a client that dies leaves its work done on Discord without knowing it. The action runs
     * on the request's thread (it may kill the client, or block); the answer goes out when it returns.
     */
    public void beforeAnswering(Predicate<RecordedCall> when, java.util.function.Consumer<RecordedCall> action) {
        http.beforeAnswering(when, action);
    }

    /** During an outage REST answers 503 and the Gateway drops its connections and refuses new ones. */
    public void outage(boolean on) {
        http.outage(on);
        synchronized (world) {
            gateway.outage(on);
        }
    }

    // ---- inspection ----

    /** Every REST request received so far, in order. */
    public List<RecordedCall> requests() {
        return List.copyOf(http.calls());
    }

    /** Requests with this method whose path matches the regex ({@code "/channels/\\d+/messages"}). */
    public List<RecordedCall> requests(String method, String pathRegex) {
        return http.calls().stream().filter(c -> c.is(method, pathRegex)).toList();
    }

    public RecordedCall awaitRequest(Predicate<RecordedCall> predicate, Duration timeout) {
        return await(() -> http.calls().stream().filter(predicate).findFirst().orElse(null), timeout,
                () -> "no matching request among " + http.calls());
    }

    /** Forgets recorded requests, unknown routes and violations (not the world). */
    public void clearRecords() {
        http.clearRecords();
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
        return http.unknownRoutes();
    }

    /** What the spec says is wrong with the requests received so far ({@code "POST /path: problem"}). */
    public List<String> specViolations() {
        List<String> all = new ArrayList<>();
        for (RecordedCall c : http.calls()) {
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
        return http.responseViolations();
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
}
