package coop.comptoir.bridge.discord;

import coop.comptoir.api.id.UserId;
import coop.comptoir.bridge.api.BackfillCapable;
import coop.comptoir.bridge.api.SentLookupCapable;
import coop.comptoir.bridge.api.BridgeException;
import coop.comptoir.bridge.api.BridgeHost;
import coop.comptoir.bridge.api.DeleteCapable;
import coop.comptoir.bridge.api.EditCapable;
import coop.comptoir.bridge.api.MatrixContent;
import coop.comptoir.bridge.api.MediaCapable;
import coop.comptoir.bridge.api.NetworkConnector;
import coop.comptoir.bridge.api.OutgoingAttachment;
import coop.comptoir.bridge.api.OutgoingRemoteMessage;
import coop.comptoir.bridge.api.ReactionCapable;
import coop.comptoir.bridge.api.RemoteAttachment;
import coop.comptoir.bridge.api.RemoteChannel;
import coop.comptoir.bridge.api.RemoteChannelId;
import coop.comptoir.bridge.api.RemoteEvent;
import coop.comptoir.bridge.api.RemoteMessageId;
import coop.comptoir.bridge.api.RemoteUser;
import coop.comptoir.bridge.api.RemoteUserId;
import coop.comptoir.bridge.discord.format.MatrixToDiscord;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import coop.comptoir.api.text.TextSettings;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.JDABuilder;
import net.dv8tion.jda.api.entities.Guild;
import net.dv8tion.jda.api.entities.Member;
import net.dv8tion.jda.api.entities.Message;
import net.dv8tion.jda.api.entities.MessageEmbed;
import net.dv8tion.jda.api.entities.MessageHistory;
import net.dv8tion.jda.api.entities.MessageType;
import net.dv8tion.jda.api.entities.User;
import net.dv8tion.jda.api.entities.channel.concrete.ThreadChannel;
import net.dv8tion.jda.api.entities.channel.middleman.GuildChannel;
import net.dv8tion.jda.api.entities.channel.middleman.GuildMessageChannel;
import net.dv8tion.jda.api.entities.channel.middleman.MessageChannel;
import net.dv8tion.jda.api.entities.channel.middleman.StandardGuildMessageChannel;
import net.dv8tion.jda.api.entities.emoji.Emoji;
import net.dv8tion.jda.api.entities.emoji.EmojiUnion;
import net.dv8tion.jda.api.entities.sticker.Sticker;
import net.dv8tion.jda.api.entities.sticker.StickerItem;
import net.dv8tion.jda.api.events.message.MessageDeleteEvent;
import net.dv8tion.jda.api.events.message.MessageReceivedEvent;
import net.dv8tion.jda.api.events.message.MessageUpdateEvent;
import net.dv8tion.jda.api.events.message.react.GenericMessageReactionEvent;
import net.dv8tion.jda.api.events.message.react.MessageReactionAddEvent;
import net.dv8tion.jda.api.events.message.react.MessageReactionRemoveEvent;
import net.dv8tion.jda.api.events.session.ReadyEvent;
import net.dv8tion.jda.api.events.session.SessionDisconnectEvent;
import net.dv8tion.jda.api.events.session.SessionRecreateEvent;
import net.dv8tion.jda.api.events.session.SessionResumeEvent;
import net.dv8tion.jda.api.exceptions.ErrorResponseException;
import net.dv8tion.jda.api.exceptions.InvalidTokenException;
import net.dv8tion.jda.api.hooks.ListenerAdapter;
import net.dv8tion.jda.api.requests.ErrorResponse;
import net.dv8tion.jda.api.requests.GatewayIntent;
import net.dv8tion.jda.api.requests.RestConfig;
import net.dv8tion.jda.api.requests.restaction.WebhookMessageCreateAction;
import net.dv8tion.jda.api.requests.restaction.WebhookMessageDeleteAction;
import net.dv8tion.jda.api.requests.restaction.WebhookMessageEditAction;
import net.dv8tion.jda.api.utils.ChunkingFilter;
import net.dv8tion.jda.api.utils.Compression;
import net.dv8tion.jda.api.utils.MemberCachePolicy;
import net.dv8tion.jda.api.utils.SessionControllerAdapter;
import net.dv8tion.jda.api.utils.TimeUtil;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okio.Buffer;
import okio.BufferedSource;
import org.slf4j.Logger;

/**
 * The Discord side of a bridge, through JDA and a bot account.
 *
 * <p>Discord → Matrix: guild messages (threads included, mapped to their parent channel and the
 * thread's root), edits, deletes and reactions are converted and handed to the host; the bot's own
 * actions and the messages of the bridge's webhooks are left out. Matrix → Discord: messages go
 * through one webhook per channel, showing the Matrix sender's name and avatar; reactions are the
 * bot's. Pings are limited to the Discord users mentioned on purpose ({@code allowed_mentions}
 * with an empty {@code parse}), so {@code @everyone} and {@code @here} never ring.
 *
 * <p>JDA keeps the Gateway connected and answers 429s on its own (per-route buckets,
 * {@code retry_after}); failures it gives up on are mapped to {@link BridgeException}s.
 */
public final class JdaDiscordConnector implements NetworkConnector, EditCapable, DeleteCapable, ReactionCapable,
        MediaCapable, BackfillCapable, SentLookupCapable {
    static final long DEFAULT_UPLOAD_LIMIT = 10L * 1024 * 1024;
    static final Set<GatewayIntent> INTENTS = EnumSet.of(GatewayIntent.GUILD_MESSAGES, GatewayIntent.MESSAGE_CONTENT,
            GatewayIntent.GUILD_MESSAGE_REACTIONS, GatewayIntent.GUILD_WEBHOOKS);
    private static final Duration READY_WAIT = Duration.ofSeconds(60);
    private static final int MAX_FILES_PER_MESSAGE = 10;
    /** Discord takes at most 100 users in {@code allowed_mentions.users}. */
    static final int MAX_PINGED_USERS = 100;
    /** Message flag: a thread was started from this message. */
    private static final long HAS_THREAD = 1L << 5;

    private final DiscordConfig config;
    private final DiscordTexts texts;
    private final OkHttpClient http;
    private final Logger log;
    private final ThreadPlaces threads;
    private final Webhooks webhooks;
    private final WebhookUploads uploads;
    private final Set<String> ownDeletes = ConcurrentHashMap.newKeySet();
    private final Map<String, Set<UserId>> matrixReactors = new ConcurrentHashMap<>();
    private final Map<String, String> names = java.util.Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > 5000;
        }
    });
    private final CountDownLatch ready = new CountDownLatch(1);
    /** A Gateway drop shorter than this, ended by a RESUME, is not reported to the host (see {@link Listener}). */
    static final Duration DISCONNECT_GRACE = Duration.ofSeconds(15);
    volatile Duration disconnectGrace = DISCONNECT_GRACE;
    private final Object link = new Object();
    /** The drop not reported yet (its grace running), or null. Guarded by {@link #link}. */
    private Object pendingDrop;
    /** Whether the host was told the connection is down. Guarded by {@link #link}. */
    private boolean reportedDown;

    private volatile BridgeHost host;
    private volatile TextConverter text;
    private volatile JDA jda;
    private volatile ExecutorService events;

    /**
     * @param http    the shared client; JDA and downloads use a client derived from it
     * @param threads where the thread of each threaded message is remembered
     */
    JdaDiscordConnector(DiscordConfig config, OkHttpClient http, Logger log, ThreadPlaces threads) {
        this(config, http, log, threads, TextSettings.DEFAULT.withLanguage(config.language()));
    }

    /** @param texts the language the failures people can fix are told in (the section's, else the top-level one) */
    JdaDiscordConnector(DiscordConfig config, OkHttpClient http, Logger log, ThreadPlaces threads, TextSettings texts) {
        this.texts = DiscordTexts.of(texts);
        this.config = config;
        this.http = http;
        this.log = log;
        this.threads = threads;
        this.webhooks = new Webhooks(config.webhookName());
        this.uploads = new WebhookUploads(http, config.apiBaseUrl() == null ? "https://discord.com/api/v10/"
                : config.apiBaseUrl().endsWith("/") ? config.apiBaseUrl() : config.apiBaseUrl() + "/", this.texts);
    }

    @Override
    public String network() {
        return "discord";
    }

    @Override
    public void start(BridgeHost host) throws Exception {
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
        }, this.texts.language());
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
                .addEventListeners(new Listener());
        if (config.apiBaseUrl() != null) {
            String base = config.apiBaseUrl().endsWith("/") ? config.apiBaseUrl() : config.apiBaseUrl() + "/";
            builder.setRestConfig(new RestConfig().setBaseUrl(base));
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

    @Override
    public Optional<RemoteChannel> channel(RemoteChannelId id) throws BridgeException {
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

    // ---- Matrix → Discord ----

    @Override
    public List<RemoteMessageId> send(RemoteChannelId channel, OutgoingRemoteMessage message) throws BridgeException {
        StandardGuildMessageChannel target = portal(channel);
        String where = "#" + target.getName();
        try {
            Optional<String> thread = message.threadRoot().isPresent()
                    ? Optional.of(threadFor(target, message.threadRoot().get().value()))
                    : Optional.empty();
            String reply = message.replyTo().map(r -> replyLine(target, r.value())).orElse("");
            TextConverter.Outgoing out = convert(message.content(), reply);
            List<OutgoingAttachment> files = message.attachments();
            long limit = maxUploadBytes(channel);
            for (OutgoingAttachment f : files) {
                if (f.data().length > limit) {
                    throw BridgeException.permanent(texts.text("file.over.limit", "file", f.fileName(),
                            "size", megabytes(f.data().length), "where", where, "limit", megabytes(limit)), null);
                }
            }
            List<String> pieces = out.pieces();
            if (!files.isEmpty() && onlyFileNames(message.content(), files) && reply.isEmpty()) {
                pieces = List.of();
            }
            Webhooks.Hook hook = webhooks.forChannel(target);
            String username = WebhookNames.sanitise(message.sender().displayName(), message.sender().id().localpart());
            String avatar = message.sender().avatar().map(URI::toString).filter(a -> a.length() <= 2048).orElse(null);
            List<RemoteMessageId> ids = new ArrayList<>();
            try {
                for (String piece : pieces) {
                    if (piece.isBlank()) {
                        continue;
                    }
                    WebhookMessageCreateAction<Message> action = hook.client().sendMessage(piece);
                    ids.add(post(action, username, avatar, out.pingedUsers(), thread, channel));
                }
                for (int i = 0; i < files.size(); i += MAX_FILES_PER_MESSAGE) {
                    List<OutgoingAttachment> batch = files.subList(i, Math.min(files.size(), i + MAX_FILES_PER_MESSAGE));
                    String id;
                    try {
                        id = uploads.post(hook.id(), hook.client().getToken(), thread, username, avatar, batch);
                    } catch (BridgeException e) {
                        if (WebhookUploads.webhookGone(e)) {
                            webhooks.forget(target.getId());
                            throw BridgeException.retryable(e.getMessage(), null, null);
                        }
                        throw e;
                    }
                    thread.ifPresent(t -> threads.put(id, t));
                    ids.add(new RemoteMessageId(id));
                }
            } catch (BridgeException | RuntimeException e) {
                // The message fails as a whole: what was already posted goes, so that a retry does not
                // show it twice and a "not sent" notice is true.
                rollBack(hook, thread, ids, where);
                throw e;
            }
            return ids;
        } catch (BridgeException e) {
            throw e;
        } catch (RuntimeException e) {
            if (forgetWebhookIfGone(e, target.getId())) {
                // someone deleted the webhook on Discord: the next attempt makes a new one
                throw BridgeException.retryable("the bridge's webhook in " + where + " was deleted; making a new one", null, null);
            }
            throw failed(e, "posting in " + where);
        }
    }

    /**
     * Webhook sends carry no idempotency key: after a crash mid-send, the channel's last 50 messages
     * are searched for the pieces {@link #send} would post, by the channel's webhook, in order, none
     * linked yet. Messages in threads and with files are not searched (sent again: a known limit).
     */
    @Override
    public List<RemoteMessageId> findSent(RemoteChannelId channel, OutgoingRemoteMessage message, Instant notBefore,
                                          java.util.function.Predicate<RemoteMessageId> recorded) throws BridgeException {
        if (message.threadRoot().isPresent() || !message.attachments().isEmpty()) {
            return List.of();
        }
        StandardGuildMessageChannel target = portal(channel);
        try {
            String reply = message.replyTo().map(r -> replyLine(target, r.value())).orElse("");
            List<String> pieces = convert(message.content(), reply).pieces().stream().filter(p -> !p.isBlank()).toList();
            if (pieces.isEmpty()) {
                return List.of();
            }
            String hook = webhooks.forChannel(target).id();
            List<Message> recent = new ArrayList<>(target.getHistory().retrievePast(50).complete());
            java.util.Collections.reverse(recent); // oldest first
            List<Message> candidates = recent.stream()
                    .filter(m -> m.isWebhookMessage() && m.getAuthor().getId().equals(hook))
                    .filter(m -> !m.getTimeCreated().toInstant().isBefore(notBefore))
                    .filter(m -> !recorded.test(new RemoteMessageId(m.getId())))
                    .toList();
            for (int start = 0; start + pieces.size() <= candidates.size(); start++) {
                boolean all = true;
                for (int i = 0; i < pieces.size() && all; i++) {
                    all = candidates.get(start + i).getContentRaw().equals(pieces.get(i));
                }
                if (all) {
                    return candidates.subList(start, start + pieces.size()).stream()
                            .map(m -> new RemoteMessageId(m.getId())).toList();
                }
            }
            return List.of();
        } catch (RuntimeException e) {
            throw failed(e, "reading the recent messages of #" + target.getName());
        }
    }

    /** Deletes, as far as Discord lets it, the parts of a message posted before a later part failed. */
    private void rollBack(Webhooks.Hook hook, Optional<String> thread, List<RemoteMessageId> posted, String where) {
        if (posted.isEmpty()) {
            return;
        }
        List<String> removed = new ArrayList<>();
        for (RemoteMessageId id : posted) {
            ownDeletes.add(id.value());
            try {
                WebhookMessageDeleteAction action = hook.client().deleteMessageById(id.value());
                thread.ifPresent(action::setThreadId);
                action.complete();
                removed.add(id.value());
            } catch (RuntimeException e) {
                ownDeletes.remove(id.value());
                log.debug("Could not remove part {} of a failed message in {}: {}", id.value(), where,
                        Failures.safe(e.getMessage()));
            }
        }
        log.debug("A later part of a message to {} failed: removed {} of the {} part(s) already posted {}", where,
                removed.size(), posted.size(), removed);
    }

    private RemoteMessageId post(WebhookMessageCreateAction<Message> action, String username, String avatar,
                                 Set<String> pinged, Optional<String> thread, RemoteChannelId channel) {
        action.setUsername(username)
                .setAllowedMentions(EnumSet.noneOf(Message.MentionType.class))
                .mentionUsers(pingable(pinged));
        if (avatar != null) {
            action.setAvatarUrl(avatar);
        }
        thread.ifPresent(action::setThreadId);
        Message posted = action.complete();
        thread.ifPresent(t -> threads.put(posted.getId(), t));
        return new RemoteMessageId(posted.getId());
    }

    /** The users a message may ping: the first 100 mentioned (Discord's limit; the others are still named). */
    static List<String> pingable(Set<String> pinged) {
        return pinged.stream().limit(MAX_PINGED_USERS).toList();
    }

    @Override
    public void edit(RemoteChannelId channel, RemoteMessageId message, OutgoingRemoteMessage newContent) throws BridgeException {
        StandardGuildMessageChannel target = portal(channel);
        try {
            Optional<String> thread = threads.threadOf(message.value());
            String reply = newContent.replyTo().map(r -> replyLine(target, r.value())).orElse("");
            Webhooks.Hook hook = webhooks.forChannel(target);
            if (reply.isEmpty()) {
                // Matrix edits carry no reply: keep the quote line the message was posted with
                var current = hook.client().retrieveMessageById(message.value());
                thread.ifPresent(current::setThreadId);
                reply = Rendering.leadingReplyLine(current.complete().getContentRaw());
            }
            TextConverter.Outgoing out = convert(newContent.content(), reply);
            String first = out.pieces().get(0);
            if (out.pieces().size() > 1) {
                first = WebhookNames.truncate(first, TextConverter.DISCORD_MAX - 1) + "\u2026";
            }
            WebhookMessageEditAction<Message> action = hook.client().editMessageById(message.value(), first)
                    .setAllowedMentions(EnumSet.noneOf(Message.MentionType.class))
                    .mentionUsers(pingable(out.pingedUsers()));
            thread.ifPresent(action::setThreadId);
            action.complete();
        } catch (RuntimeException e) {
            forgetWebhookIfGone(e, target.getId());
            throw failed(e, "editing a message in #" + target.getName());
        }
    }

    @Override
    public void delete(RemoteChannelId channel, RemoteMessageId message) throws BridgeException {
        StandardGuildMessageChannel target = portal(channel);
        ownDeletes.add(message.value());
        try {
            Optional<String> thread = threads.threadOf(message.value());
            WebhookMessageDeleteAction action = webhooks.forChannel(target).client().deleteMessageById(message.value());
            thread.ifPresent(action::setThreadId);
            action.complete();
        } catch (ErrorResponseException e) {
            if (e.getErrorResponse() == ErrorResponse.UNKNOWN_MESSAGE) {
                return; // already gone
            }
            ownDeletes.remove(message.value());
            forgetWebhookIfGone(e, target.getId());
            throw failed(e, "deleting a message in #" + target.getName());
        } catch (RuntimeException e) {
            ownDeletes.remove(message.value());
            throw failed(e, "deleting a message in #" + target.getName());
        }
    }

    @Override
    public void react(RemoteChannelId channel, RemoteMessageId message, coop.comptoir.bridge.api.MatrixSender sender,
                      String key, boolean add) throws BridgeException {
        StandardGuildMessageChannel target = portal(channel);
        if (!Rendering.looksLikeEmoji(key)) {
            log.debug("Reaction {} is not an emoji: not carried to Discord", key);
            return;
        }
        Optional<String> threadId = threads.threadOf(message.value());
        Optional<MessageChannel> inThread = threadId.flatMap(id -> Optional.ofNullable(jda().getThreadChannelById(id)));
        if (inThread.isPresent() && !inPortal(target, (ThreadChannel) inThread.get())) {
            throw BridgeException.permanent(texts.text("message.not.in.channel", "channel", target.getName()), null);
        }
        if (threadId.isPresent() && inThread.isEmpty()) {
            // JDA holds active threads only, and has no way to fetch one by ID; an archived thread takes no
            // reactions anyway. Reacting in the portal channel instead would only get "Unknown Message".
            throw BridgeException.permanent("the Discord thread of this message is archived or gone: reacting in #"
                    + target.getName(), null);
        }
        MessageChannel holder = inThread.orElse(target);
        String slot = message.value() + " " + key;
        try {
            if (add) {
                Set<UserId> who = matrixReactors.computeIfAbsent(slot, k -> ConcurrentHashMap.newKeySet());
                boolean first = who.isEmpty();
                who.add(sender.id());
                if (first) {
                    holder.addReactionById(message.value(), Emoji.fromUnicode(key)).complete();
                }
            } else {
                Set<UserId> who = matrixReactors.get(slot);
                if (who != null) {
                    who.remove(sender.id());
                }
                if (who == null || who.isEmpty()) {
                    matrixReactors.remove(slot);
                    holder.removeReactionById(message.value(), Emoji.fromUnicode(key)).complete();
                }
            }
        } catch (ErrorResponseException e) {
            if (!add && e.getErrorResponse() == ErrorResponse.UNKNOWN_MESSAGE) {
                return;
            }
            throw failed(e, "reacting in #" + target.getName());
        } catch (RuntimeException e) {
            throw failed(e, "reacting in #" + target.getName());
        }
    }

    // ---- files ----

    /**
     * {@inheritDoc} Reads at most {@code maxBytes} (and a read buffer) whatever size Discord
     * announces: a larger {@code Content-Length} stops before the body, a body growing past the limit
     * stops there, and the connection is dropped rather than drained.
     */
    @Override
    public byte[] download(URI url, long maxBytes) throws BridgeException {
        URI source = cdn(url);
        Request request = new Request.Builder().url(source.toString()).get().build();
        okhttp3.Call call = http.newCall(request);
        try (Response response = call.execute()) {
            if (response.code() == 404 || response.code() == 403 || response.code() == 410) {
                throw BridgeException.permanent("the Discord file is gone (HTTP " + response.code() + ")", null);
            }
            if (!response.isSuccessful()) {
                throw BridgeException.retryable("the Discord file could not be fetched (HTTP " + response.code() + ")", null, null);
            }
            long declared = response.body().contentLength();
            if (declared > maxBytes) {
                call.cancel(); // closing the unread body would drain it for a while
                throw BridgeException.permanent("the Discord file is " + megabytes(declared) + ", more than "
                        + megabytes(maxBytes), null);
            }
            BufferedSource in = response.body().source();
            Buffer buffer = new Buffer();
            while (in.read(buffer, 16 * 1024) != -1) {
                if (buffer.size() > maxBytes) {
                    call.cancel();
                    throw BridgeException.permanent("the Discord file is more than " + megabytes(maxBytes), null);
                }
            }
            return buffer.readByteArray();
        } catch (IOException e) {
            throw BridgeException.retryable("the Discord file could not be fetched (" + e.getClass().getSimpleName() + ")", null, null);
        }
    }

    @Override
    public long maxUploadBytes(RemoteChannelId channel) {
        JDA j = jda;
        GuildChannel c = j == null ? null : j.getGuildChannelById(channel.value());
        if (c == null) {
            return DEFAULT_UPLOAD_LIMIT;
        }
        return Math.max(DEFAULT_UPLOAD_LIMIT, c.getGuild().getMaxFileSize());
    }

    // ---- history ----

    @Override
    public List<RemoteEvent.Message> messagesAfter(RemoteChannelId channel, Optional<RemoteMessageId> after, int limit)
            throws BridgeException {
        StandardGuildMessageChannel target = portal(channel);
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
                if (!skipped(m, target)) {
                    out.add(toRemote(m, channel));
                }
            }
            return out;
        } catch (RuntimeException e) {
            throw failed(e, "reading the history of #" + target.getName());
        }
    }

    /**
     * Discord IDs grow with time (a snowflake holds its creation time), so the snowflake of this
     * instant is a position after which only messages posted from now on come.
     */
    @Override
    public Optional<RemoteMessageId> currentPosition(RemoteChannelId channel) {
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
                if (!skipped(m, portal)) {
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

    @Override
    public void close() {
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

    // ---- Discord → Matrix ----

    /** Whether a Discord message must not be bridged: the bridge's own, a system message. */
    private boolean skipped(Message m, StandardGuildMessageChannel portal) {
        String author = m.getAuthor().getId();
        boolean webhook = m.isWebhookMessage();
        boolean system = m.getType().isSystem() && m.getType() != MessageType.INLINE_REPLY;
        return EchoGuard.drop(author, webhook ? author : null, jda().getSelfUser().getId(), system,
                id -> webhooks.isOurs(portal, id));
    }

    private RemoteEvent.Message toRemote(Message m, RemoteChannelId portal) {
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
                        URI.create(config.cdn() + "/stickers/" + s.getId() + "." + ext)));
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
        return text.toMatrix(Rendering.markdown(m.getContentRaw(), stickers, embeds), mentioned);
    }

    private RemoteUser author(Message m) {
        User u = m.getAuthor();
        Member member = m.isWebhookMessage() ? null : m.getMember();
        String name = member != null ? member.getEffectiveName() : u.getEffectiveName();
        names.put(u.getId(), name);
        String avatar = member != null && member.getAvatarUrl() != null ? member.getAvatarUrl() : u.getAvatarUrl();
        return new RemoteUser(new RemoteUserId(u.getId()), name, Optional.ofNullable(avatar).map(URI::create).map(this::cdn));
    }

    /** The portal channel of a message's channel: itself, or a thread's parent. */
    private static Optional<StandardGuildMessageChannel> portalOf(MessageChannel c) {
        if (c instanceof ThreadChannel t) {
            return t.getParentChannel() instanceof StandardGuildMessageChannel p ? Optional.of(p) : Optional.empty();
        }
        return c instanceof StandardGuildMessageChannel s ? Optional.of(s) : Optional.empty();
    }

    private boolean linked(StandardGuildMessageChannel portal) {
        return inGuild(portal.getGuild()) && host.roomOf(new RemoteChannelId(portal.getId())).isPresent();
    }

    private final class Listener extends ListenerAdapter {
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

        @Override
        public void onMessageReceived(MessageReceivedEvent event) {
            guarded("message", () -> {
                if (!event.isFromGuild()) {
                    return;
                }
                Message m = event.getMessage();
                Optional<StandardGuildMessageChannel> portal = portalOf(event.getChannel());
                if (portal.isEmpty() || !linked(portal.get()) || skipped(m, portal.get())) {
                    return;
                }
                host.receive(toRemote(m, new RemoteChannelId(portal.get().getId())));
            });
        }

        @Override
        public void onMessageUpdate(MessageUpdateEvent event) {
            guarded("edit", () -> {
                if (!event.isFromGuild()) {
                    return;
                }
                Message m = event.getMessage();
                Optional<StandardGuildMessageChannel> portal = portalOf(event.getChannel());
                // Discord also sends updates when a thread starts or a link preview comes: only real edits count.
                if (m.getTimeEdited() == null || portal.isEmpty() || !linked(portal.get()) || skipped(m, portal.get())) {
                    return;
                }
                RemoteEvent.Message full = toRemote(m, new RemoteChannelId(portal.get().getId()));
                Instant at = m.getTimeEdited().toInstant();
                host.receive(new RemoteEvent.Edit(full.channel(), full.id(), full.sender(), at, full.content()));
            });
        }

        @Override
        public void onMessageDelete(MessageDeleteEvent event) {
            guarded("delete", () -> {
                if (ownDeletes.remove(event.getMessageId()) || !event.isFromGuild()) {
                    return;
                }
                Optional<StandardGuildMessageChannel> portal = portalOf(event.getChannel());
                if (portal.isPresent() && linked(portal.get())) {
                    host.receive(new RemoteEvent.Delete(new RemoteChannelId(portal.get().getId()),
                            new RemoteMessageId(event.getMessageId())));
                }
            });
        }

        @Override
        public void onMessageReactionAdd(MessageReactionAddEvent event) {
            guarded("reaction", () -> reaction(event, true));
        }

        @Override
        public void onMessageReactionRemove(MessageReactionRemoveEvent event) {
            guarded("reaction", () -> reaction(event, false));
        }

        private void reaction(GenericMessageReactionEvent event, boolean added) {
            if (!event.isFromGuild() || event.getUserId().equals(event.getJDA().getSelfUser().getId())) {
                return;
            }
            Optional<StandardGuildMessageChannel> portal = portalOf(event.getChannel());
            if (portal.isEmpty() || !linked(portal.get())) {
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
                            .map(URI::create).map(JdaDiscordConnector.this::cdn));
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
                        URI.create(config.cdn() + "/emojis/" + custom.getId() + "." + ext)));
            }
            host.receive(new RemoteEvent.Reaction(new RemoteChannelId(portal.get().getId()),
                    new RemoteMessageId(event.getMessageId()), who, key, image, added));
        }

        /** Listeners never throw: a failure is logged with what it was about and the next event goes on. */
        private void guarded(String what, Runnable work) {
            try {
                work.run();
            } catch (RuntimeException e) {
                // never the raw exception: JDA's messages may quote a request with a token in it
                log.warn("Discord {} event not bridged: {}: {}", what, e.getClass().getName(), Failures.safe(e.getMessage()));
                log.debug("Discord {} event not bridged", what, Failures.cleaned(e));
            }
        }
    }

    // ---- helpers ----

    private JDA jda() throws IllegalStateException {
        JDA j = jda;
        if (j == null) {
            throw new IllegalStateException("the Discord connector is not started");
        }
        return j;
    }

    /** How long a look-up waits for the configured server to be loaded, right after a (re)connection. */
    private static final long GUILD_WAIT_MILLIS = 15_000;

    /**
     * JDA once the configured server is loaded: right after start, Discord sends the server's
     * channels a moment after the session is ready, and a channel looked up meanwhile would be
     * called unknown. Waits up to {@link #GUILD_WAIT_MILLIS}, then fails as retryable.
     */
    private JDA guildLoaded() throws BridgeException {
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

    /** Whether a server is the one configured ({@code guild_id}): no other server's channel is ever bridged. */
    private boolean inGuild(Guild g) {
        return config.guildId() != null && config.guildId().equals(g.getId());
    }

    /** Whether a thread belongs to the portal channel. */
    private static boolean inPortal(StandardGuildMessageChannel portal, ThreadChannel thread) {
        return thread.getParentChannel().getId().equals(portal.getId());
    }

    private StandardGuildMessageChannel portal(RemoteChannelId channel) throws BridgeException {
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

    /**
     * The thread of {@code root}: an existing thread with that ID (cached, or archived and so not in
     * JDA's cache), or one started now from the message. Returns the thread's ID.
     */
    private String threadFor(StandardGuildMessageChannel portal, String root) throws BridgeException {
        ThreadChannel existing = jda().getThreadChannelById(root);
        if (existing != null) {
            if (!inPortal(portal, existing)) {
                throw BridgeException.permanent(texts.text("thread.not.in.channel", "channel", portal.getName()), null);
            }
            return existing.getId();
        }
        String name = "Thread";
        try {
            Message start = portal.retrieveMessageById(root).complete();
            if (start.getStartedThread() != null || (start.getFlagsRaw() & HAS_THREAD) != 0) {
                return root; // a thread JDA does not hold (archived): its ID is the message's
            }
            String excerpt = Rendering.excerpt(start.getContentDisplay(), 90);
            name = excerpt.isBlank() ? "Thread" : excerpt;
        } catch (ErrorResponseException e) {
            if (e.getErrorResponse() != ErrorResponse.UNKNOWN_MESSAGE) {
                throw e;
            }
        }
        try {
            return portal.createThreadChannel(name, root).complete().getId();
        } catch (ErrorResponseException e) {
            if (e.getErrorResponse() == ErrorResponse.THREAD_WITH_THIS_MESSAGE_ALREADY_EXISTS) {
                return root;
            }
            throw e;
        }
    }

    /**
     * The reply line for a Matrix reply to {@code replied}, looked up where it lives. A thread JDA does
     * not hold (archived) cannot be read: the line then has the link only.
     */
    private String replyLine(StandardGuildMessageChannel portal, String replied) {
        Optional<String> threadId = threads.threadOf(replied);
        // only a message of this channel or of its threads is quoted: never one of another channel
        Optional<MessageChannel> holder = threadId.isPresent()
                ? threadId.flatMap(id -> Optional.ofNullable(jda().getThreadChannelById(id))).filter(t -> inPortal(portal, t))
                        .map(t -> (MessageChannel) t)
                : Optional.of(portal);
        String author = null;
        String excerpt = null;
        if (holder.isPresent()) {
            try {
                Message m = holder.get().retrieveMessageById(replied).complete();
                author = m.isWebhookMessage() || m.getMember() == null ? m.getAuthor().getEffectiveName() : m.getMember().getEffectiveName();
                excerpt = m.getContentDisplay();
            } catch (ErrorResponseException e) {
                if (e.isServerError()) {
                    throw e;
                }
            }
        }
        return Rendering.replyLine(author, excerpt, Rendering.jumpUrl(portal.getGuild().getId(),
                threadId.orElse(portal.getId()), replied));
    }

    private TextConverter.Outgoing convert(MatrixContent content, String replyLine) {
        if (replyLine.isEmpty()) {
            return text.toDiscord(content, TextConverter.DISCORD_MAX);
        }
        if (content.html().isEmpty()) {
            // a plain reply may still carry the legacy "> <@user> quoted" fallback: the reply line replaces it
            content = new MatrixContent(content.msgtype(), MatrixToDiscord.stripReplyFallback(content.body()),
                    content.html(), content.mentions());
        }
        TextConverter.Outgoing out = text.toDiscord(content, TextConverter.DISCORD_MAX - replyLine.length() - 1);
        List<String> pieces = new ArrayList<>(out.pieces());
        pieces.set(0, pieces.get(0).isEmpty() ? replyLine : replyLine + "\n" + pieces.get(0));
        return new TextConverter.Outgoing(pieces, out.pingedUsers());
    }

    private static boolean onlyFileNames(MatrixContent content, List<OutgoingAttachment> files) {
        String body = content.body().strip();
        return body.isEmpty() || files.stream().anyMatch(f -> f.fileName().equals(body));
    }

    private boolean forgetWebhookIfGone(RuntimeException e, String channelId) {
        if (e instanceof ErrorResponseException er && er.getErrorResponse() == ErrorResponse.UNKNOWN_WEBHOOK) {
            webhooks.forget(channelId);
            return true;
        }
        return false;
    }

    /** Discord's CDN address rewritten to the configured one (tests against a local server). */
    URI cdn(URI url) {
        String s = url.toString();
        if (config.cdnUrl() != null && s.startsWith(DiscordConfig.DISCORD_CDN)) {
            return URI.create(config.cdn() + s.substring(DiscordConfig.DISCORD_CDN.length()));
        }
        return url;
    }

    private String megabytes(long bytes) {
        return texts.megabytes(bytes);
    }

    private BridgeException failed(RuntimeException e, String what) {
        return Failures.map(e, what, texts);
    }
}
