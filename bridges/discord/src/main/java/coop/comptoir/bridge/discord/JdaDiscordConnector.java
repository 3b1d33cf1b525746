package coop.comptoir.bridge.discord;

import coop.comptoir.bridge.api.BackfillCapable;
import coop.comptoir.bridge.api.BridgeException;
import coop.comptoir.bridge.api.BridgeHost;
import coop.comptoir.bridge.api.DeleteCapable;
import coop.comptoir.bridge.api.EditCapable;
import coop.comptoir.bridge.api.MatrixSender;
import coop.comptoir.bridge.api.MediaCapable;
import coop.comptoir.bridge.api.NetworkConnector;
import coop.comptoir.bridge.api.OutgoingRemoteMessage;
import coop.comptoir.bridge.api.ReactionCapable;
import coop.comptoir.bridge.api.RemoteChannel;
import coop.comptoir.bridge.api.RemoteChannelId;
import coop.comptoir.bridge.api.RemoteEvent;
import coop.comptoir.bridge.api.RemoteMessageId;
import coop.comptoir.bridge.api.SentLookupCapable;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;

/**
 * The Discord side of a bridge, through JDA and a bot account: a facade over its parts, each in the
 * file named after what it does.
 *
 * <ul>
 *   <li>{@link DiscordSession}: logging in, the Gateway session and its drops, the server and
 *       portal channels looked up;</li>
 *   <li>{@link ToDiscord}: Matrix → Discord (webhook posts with roll-back, replies, threads,
 *       edits, deletions, reactions);</li>
 *   <li>{@link FromDiscord}: Discord → Matrix (messages, edits, deletions, reactions; the echo
 *       guard);</li>
 *   <li>{@link DiscordHistory}: catch-up and import;</li>
 *   <li>{@link DiscordMedia}: file downloads and upload limits;</li>
 *   <li>{@link DiscordStructure}: the server's layout (for the migration tools) and the bot's own notices.</li>
 * </ul>
 *
 * <p>JDA keeps the Gateway connected and answers 429s on its own (per-route buckets,
 * {@code retry_after}); failures it gives up on are mapped to {@link BridgeException}s.
 */
public final class JdaDiscordConnector implements NetworkConnector, EditCapable, DeleteCapable, ReactionCapable,
        MediaCapable, BackfillCapable, SentLookupCapable, coop.comptoir.bridge.api.StructureCapable,
        coop.comptoir.bridge.api.NoticeCapable, coop.comptoir.bridge.api.ModerationCapable {
    /** The connector's ID: plugin type, name in commands, ghost prefix {@code _discord_}. */
    static final String NETWORK = "discord";

    private final DiscordSession session;
    private final ToDiscord outbound;
    private final FromDiscord inbound;
    private final DiscordHistory history;
    private final DiscordMedia media;
    private final DiscordStructure structure;

    /**
     * @param language {@code fr} or {@code en}: the language of failures people can fix
     * @param http     the shared client; JDA and downloads use a client derived from it
     * @param threads  where the thread of each threaded message is remembered
     */
    JdaDiscordConnector(DiscordConfig config, String language, OkHttpClient http, Logger log, ThreadPlaces threads) {
        this(config, coop.comptoir.api.text.TextSettings.DEFAULT.withLanguage(language), http, log, threads);
    }

    /**
     * @param texts the language (and the coop's overrides) of failures people can fix
     * @param http  the shared client; JDA and downloads use a client derived from it
     */
    JdaDiscordConnector(DiscordConfig config, coop.comptoir.api.text.TextSettings texts, OkHttpClient http, Logger log,
                        ThreadPlaces threads) {
        this.session = new DiscordSession(config, texts, http, log);
        Webhooks webhooks = new Webhooks(config.webhookName());
        Set<String> ownDeletes = ConcurrentHashMap.newKeySet();
        this.media = new DiscordMedia(session);
        this.outbound = new ToDiscord(session, media, webhooks, threads, ownDeletes);
        this.inbound = new FromDiscord(session, webhooks, threads, ownDeletes);
        this.history = new DiscordHistory(session, inbound);
        this.structure = new DiscordStructure(session);
    }

    @Override
    public String network() {
        return NETWORK;
    }

    @Override
    public void start(BridgeHost host) throws Exception {
        session.start(host, inbound);
    }

    @Override
    public Optional<RemoteChannel> channel(RemoteChannelId id) throws BridgeException {
        return session.channel(id);
    }

    @Override
    public List<RemoteMessageId> send(RemoteChannelId channel, OutgoingRemoteMessage message) throws BridgeException {
        return outbound.send(channel, message);
    }

    @Override
    public List<RemoteMessageId> findSent(RemoteChannelId channel, OutgoingRemoteMessage message, java.time.Instant notBefore,
                                          java.util.function.Predicate<RemoteMessageId> recorded) throws BridgeException {
        return outbound.findSent(channel, message, notBefore, recorded);
    }

    @Override
    public void edit(RemoteChannelId channel, RemoteMessageId message, OutgoingRemoteMessage newContent) throws BridgeException {
        outbound.edit(channel, message, newContent);
    }

    @Override
    public void delete(RemoteChannelId channel, RemoteMessageId message) throws BridgeException {
        outbound.delete(channel, message);
    }

    @Override
    public void react(RemoteChannelId channel, RemoteMessageId message, MatrixSender sender, String key, boolean add)
            throws BridgeException {
        outbound.react(channel, message, sender, key, add);
    }

    @Override
    public byte[] download(URI url, long maxBytes) throws BridgeException {
        return media.download(url, maxBytes);
    }

    @Override
    public long maxUploadBytes(RemoteChannelId channel) {
        return media.maxUploadBytes(channel);
    }

    @Override
    public List<RemoteEvent.Message> messagesAfter(RemoteChannelId channel, Optional<RemoteMessageId> after, int limit)
            throws BridgeException {
        return history.messagesAfter(channel, after, limit);
    }

    @Override
    public Optional<RemoteMessageId> currentPosition(RemoteChannelId channel) {
        return history.currentPosition(channel);
    }

    @Override
    public coop.comptoir.bridge.api.RemoteStructure structure() throws BridgeException {
        return structure.read();
    }

    @Override
    public RemoteMessageId postNotice(RemoteChannelId channel, String text) throws BridgeException {
        return structure.post(channel, text, null);
    }

    @Override
    public RemoteMessageId replyNotice(RemoteChannelId channel, RemoteMessageId replyTo, String text) throws BridgeException {
        return structure.post(channel, text, replyTo);
    }

    @Override
    public boolean removeUserMessage(RemoteChannelId channel, RemoteMessageId message) throws BridgeException {
        return structure.removeUserMessage(channel, message);
    }

    @Override
    public void close() {
        session.close();
    }

    /** For tests: how long a Gateway drop may last, ended by a RESUME, without being reported. */
    void disconnectGrace(Duration grace) {
        session.disconnectGrace = grace;
    }

    /** Discord's CDN address rewritten to the configured one (tests against a local server). */
    URI cdn(URI url) {
        return session.cdn(url);
    }
}
