package coop.comptoir.bridge.discord;

import coop.comptoir.bridge.api.BridgeException;
import coop.comptoir.bridge.api.BridgeHost;
import coop.comptoir.bridge.api.RemoteChannel;
import coop.comptoir.bridge.api.RemoteChannelId;
import java.net.URI;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.JDABuilder;
import net.dv8tion.jda.api.entities.Guild;
import net.dv8tion.jda.api.entities.channel.concrete.ThreadChannel;
import net.dv8tion.jda.api.entities.channel.middleman.GuildChannel;
import net.dv8tion.jda.api.entities.channel.middleman.MessageChannel;
import net.dv8tion.jda.api.entities.channel.middleman.StandardGuildMessageChannel;
import net.dv8tion.jda.api.events.session.ReadyEvent;
import net.dv8tion.jda.api.events.session.SessionDisconnectEvent;
import net.dv8tion.jda.api.events.session.SessionRecreateEvent;
import net.dv8tion.jda.api.events.session.SessionResumeEvent;
import net.dv8tion.jda.api.exceptions.InvalidTokenException;
import net.dv8tion.jda.api.hooks.ListenerAdapter;
import net.dv8tion.jda.api.requests.GatewayIntent;
import net.dv8tion.jda.api.requests.RestConfig;
import net.dv8tion.jda.api.utils.ChunkingFilter;
import net.dv8tion.jda.api.utils.Compression;
import net.dv8tion.jda.api.utils.MemberCachePolicy;
import net.dv8tion.jda.api.utils.SessionControllerAdapter;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;

/**
 * The bot's session with Discord: JDA built, logged in and shut down; connection drops reported to
 * the host (a short drop ended by a RESUME is not); the configured server and the portal channels
 * looked up. What the other parts of the connector share: the host, the language, failures worded.
 */
final class DiscordSession {
    static final Set<GatewayIntent> INTENTS = EnumSet.of(GatewayIntent.GUILD_MESSAGES, GatewayIntent.MESSAGE_CONTENT,
            GatewayIntent.GUILD_MESSAGE_REACTIONS, GatewayIntent.GUILD_WEBHOOKS);
    private static final Duration READY_WAIT = Duration.ofSeconds(60);
    /** A Gateway drop shorter than this, ended by a RESUME, is not reported to the host (see {@link SessionListener}). */
    static final Duration DISCONNECT_GRACE = Duration.ofSeconds(15);
    /** How long a look-up waits for the configured server to be loaded, right after a (re)connection. */
    private static final long GUILD_WAIT_MILLIS = 15_000;

    final DiscordConfig config;
    final String language;
    /** The reasons people can fix, in the bridge's language (its own {@code language:}, else the top-level one). */
    final DiscordTexts texts;
    final OkHttpClient http;
    final Logger log;
    volatile Duration disconnectGrace = DISCONNECT_GRACE;
    private final CountDownLatch ready = new CountDownLatch(1);
    private final Object link = new Object();
    /** The drop not reported yet (its grace running), or null. Guarded by {@link #link}. */
    private Object pendingDrop;
    /** Whether the host was told the connection is down. Guarded by {@link #link}. */
    private boolean reportedDown;

    private volatile BridgeHost host;
    private volatile TextConverter text;
    private volatile JDA jda;
    private volatile ExecutorService events;

    DiscordSession(DiscordConfig config, coop.comptoir.api.text.TextSettings texts, OkHttpClient http, Logger log) {
        this.config = config;
        this.texts = DiscordTexts.of(texts);
        this.language = this.texts.language();
        this.http = http;
        this.log = log;
    }

    /**
     * Logs in and waits (up to a minute) for the session to be ready; {@code listener} gets the
     * message events, on one event thread, in order.
     *
     * @throws IllegalStateException when Discord refuses the token
     */
    void start(BridgeHost host, ListenerAdapter listener) throws InterruptedException {
        this.host = host;
        this.text = new FormatTextConverter(host, new FormatTextConverter.DiscordNames() {
            @Override
            public Optional<String> channelName(String channelId) {
                JDA j = jda;
                GuildChannel c = j == null || !DiscordConfig.isSnowflake(channelId) ? null : j.getGuildChannelById(channelId);
                return Optional.ofNullable(c).map(GuildChannel::getName);
            }

            @Override
            public Optional<String> roleName(String roleId) {
                JDA j = jda;
                var r = j == null || !DiscordConfig.isSnowflake(roleId) ? null : j.getRoleById(roleId);
                return Optional.ofNullable(r).map(net.dv8tion.jda.api.entities.Role::getName);
            }
        }, language);
        host.connectionChanged(false, "connecting to Discord");
        events = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "discord-events");
            t.setDaemon(true);
            return t;
        });
        JDABuilder builder = JDABuilder.createLight(config.token(), INTENTS)
                .setChunkingFilter(ChunkingFilter.NONE)
                .setMemberCachePolicy(MemberCachePolicy.NONE)
                .setHttpClient(http.newBuilder().build())
                // one event thread: events stay in order, and handlers may block without stalling heartbeats
                .setEventPool(events, true)
                .setEnableShutdownHook(false)
                .addEventListeners(new SessionListener(), listener);
        if (config.apiBaseUrl() != null) {
            builder.setRestConfig(new RestConfig().setBaseUrl(config.api()));
        }
        if (config.gatewayUrl() != null) {
            String gateway = config.gatewayUrl();
            builder.setCompression(Compression.NONE).setSessionController(new SessionControllerAdapter() {
                @Override
                public String getGateway() {
                    return gateway;
                }
            });
        }
        boolean started = false;
        try {
            try {
                jda = builder.build();
            } catch (InvalidTokenException e) {
                throw new IllegalStateException("Discord refused the bot token (check token: in the config)");
            }
            if (!ready.await(READY_WAIT.toSeconds(), TimeUnit.SECONDS)) {
                if (jda.getStatus() == JDA.Status.SHUTDOWN || jda.getStatus() == JDA.Status.FAILED_TO_LOGIN) {
                    throw new IllegalStateException("could not log in to Discord (check the bot token)");
                }
                log.warn("Discord is not ready after {} s; the bridge keeps trying in the background", READY_WAIT.toSeconds());
            }
            started = true;
        } finally {
            if (!started) {
                // the start failed: nothing else will ever stop the event thread or JDA's own
                JDA j = jda;
                if (j != null) {
                    j.shutdownNow();
                }
                events.shutdownNow();
            }
        }
    }

    /** Shuts JDA down (waiting up to 5 s). Never throws. */
    void close() {
        JDA j = jda;
        if (j == null) {
            return;
        }
        try {
            j.shutdown();
            if (!j.awaitShutdown(Duration.ofSeconds(5))) {
                j.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            j.shutdownNow();
        } catch (RuntimeException e) {
            log.warn("closing the Discord connection failed: {}", e.getClass().getSimpleName());
        }
    }

    BridgeHost host() {
        return host;
    }

    /** Discord markdown ⇄ Matrix text, once started. */
    TextConverter text() {
        return text;
    }

    /** JDA, or null before start. */
    JDA jdaOrNull() {
        return jda;
    }

    JDA jda() throws IllegalStateException {
        JDA j = jda;
        if (j == null) {
            throw new IllegalStateException("the Discord connector is not started");
        }
        return j;
    }

    /**
     * JDA once the configured server is loaded: right after start, Discord sends the server's
     * channels a moment after the session is ready, and a channel looked up meanwhile would be
     * called unknown. Waits up to {@link #GUILD_WAIT_MILLIS}, then fails as retryable.
     */
    JDA guildLoaded() throws BridgeException {
        long deadline = System.nanoTime() + GUILD_WAIT_MILLIS * 1_000_000;
        JDA j;
        while ((j = jda) == null || config.guildId() != null && j.getGuildById(config.guildId()) == null) {
            if (System.nanoTime() > deadline) {
                throw BridgeException.retryable(texts.text("guild.not.loaded"), null, null);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw BridgeException.retryable("interrupted", null, null);
            }
        }
        return j;
    }

    /** A channel of the configured server, for {@code !bridge link}; empty when the bot cannot see it. */
    Optional<RemoteChannel> channel(RemoteChannelId id) throws BridgeException {
        if (!DiscordConfig.isSnowflake(id.value())) {
            return Optional.empty();
        }
        GuildChannel c = guildLoaded().getGuildChannelById(id.value());
        if (!(c instanceof StandardGuildMessageChannel ch) || !inGuild(ch.getGuild())) {
            return Optional.empty();
        }
        String topic = ch.getTopic() == null ? "" : ch.getTopic();
        return Optional.of(new RemoteChannel(id, ch.getName() + " (" + ch.getGuild().getName() + ")", topic));
    }

    /** Whether a server is the one configured ({@code guild_id}): no other server's channel is ever bridged. */
    boolean inGuild(Guild g) {
        return config.guildId() != null && config.guildId().equals(g.getId());
    }

    /** Whether a thread belongs to the portal channel. */
    static boolean inPortal(StandardGuildMessageChannel portal, ThreadChannel thread) {
        return thread.getParentChannel().getId().equals(portal.getId());
    }

    /** The portal channel of a message's channel: itself, or a thread's parent. */
    static Optional<StandardGuildMessageChannel> portalOf(MessageChannel c) {
        if (c instanceof ThreadChannel t) {
            return t.getParentChannel() instanceof StandardGuildMessageChannel p ? Optional.of(p) : Optional.empty();
        }
        return c instanceof StandardGuildMessageChannel s ? Optional.of(s) : Optional.empty();
    }

    /** Whether a channel of the configured server is linked to a room. */
    boolean linked(StandardGuildMessageChannel portal) {
        return inGuild(portal.getGuild()) && host.roomOf(new RemoteChannelId(portal.getId())).isPresent();
    }

    /** The Discord channel of a portal, when connected and visible. */
    StandardGuildMessageChannel portal(RemoteChannelId channel) throws BridgeException {
        JDA j = jda;
        if (j == null || j.getStatus() != JDA.Status.CONNECTED && j.getGuildCache().isEmpty()) {
            throw BridgeException.retryable("not connected to Discord yet", null, null);
        }
        GuildChannel c = j.getGuildChannelById(channel.value());
        if (c instanceof StandardGuildMessageChannel s && inGuild(s.getGuild())) {
            return s;
        }
        if (c == null && j.getGuildCache().isEmpty()) {
            throw BridgeException.retryable("Discord servers not loaded yet", null, null);
        }
        throw BridgeException.permanent(texts.text("channel.missing", "id", channel.value()), null);
    }

    /** Discord's CDN address rewritten to the configured one (tests against a local server). */
    URI cdn(URI url) {
        String s = url.toString();
        if (config.cdnUrl() != null && s.startsWith(DiscordConfig.DISCORD_CDN)) {
            return URI.create(config.cdn() + s.substring(DiscordConfig.DISCORD_CDN.length()));
        }
        return url;
    }

    String megabytes(long bytes) {
        return texts.megabytes(bytes);
    }

    BridgeException failed(RuntimeException e, String what) {
        return Failures.map(e, what, texts);
    }

    /** Listeners never throw: a failure is logged with what it was about and the next event goes on. */
    void guarded(String what, Runnable work) {
        try {
            work.run();
        } catch (RuntimeException e) {
            // never the raw exception: JDA's messages may quote a request with a token in it
            log.warn("Discord {} event not bridged: {}: {}", what, e.getClass().getName(), Failures.safe(e.getMessage()));
            log.debug("Discord {} event not bridged", what, Failures.cleaned(e));
        }
    }

    private final class SessionListener extends ListenerAdapter {
        /*
         * The host catches up every portal each time it is told the connection is up. A RESUME replays
         * the events missed meanwhile, so a short drop ended by a resume is not reported at all; only a
         * new session (READY, or a session recreated after an invalid one) or the end of a drop long
         * enough to have been reported tells the host, and so catches up.
         */
        @Override
        public void onReady(ReadyEvent event) {
            guarded("ready", () -> {
                try {
                    up("connected to Discord as " + event.getJDA().getSelfUser().getName()
                            + " (" + event.getGuildTotalCount() + " server(s))");
                } finally {
                    ready.countDown();
                }
            });
        }

        @Override
        public void onSessionResume(SessionResumeEvent event) {
            guarded("resume", () -> {
                synchronized (link) {
                    if (pendingDrop != null) {
                        pendingDrop = null;
                        log.debug("Discord session resumed; the events missed are replayed, no catch-up needed");
                        return;
                    }
                }
                up("connected to Discord (session resumed)");
            });
        }

        @Override
        public void onSessionRecreate(SessionRecreateEvent event) {
            guarded("recreate", () -> up("connected to Discord (new session)"));
        }

        @Override
        public void onSessionDisconnect(SessionDisconnectEvent event) {
            guarded("disconnect", () -> {
                Object drop = new Object();
                synchronized (link) {
                    if (reportedDown) {
                        return;
                    }
                    pendingDrop = drop;
                }
                Duration grace = disconnectGrace;
                CompletableFuture.runAsync(() -> reportDrop(drop),
                        CompletableFuture.delayedExecutor(grace.toMillis(), TimeUnit.MILLISECONDS));
            });
        }

        private void reportDrop(Object drop) {
            synchronized (link) {
                if (pendingDrop != drop) {
                    return; // resumed or reconnected meanwhile
                }
                pendingDrop = null;
                reportedDown = true;
                // under the lock: a reconnection reported meanwhile cannot come before this
                guarded("disconnect", () -> host.connectionChanged(false, "disconnected from Discord, reconnecting"));
            }
        }

        private void up(String detail) {
            synchronized (link) {
                pendingDrop = null;
                reportedDown = false;
                host.connectionChanged(true, detail);
            }
        }
    }
}
