package coop.comptoir.bridge.engine;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A remote network in memory with every capability: records what the bridge posted, edited,
 * deleted and reacted; keeps a channel history for catch-up and import; can be down for a number
 * of calls, or refuse for good.
 */
class TestConnector implements NetworkConnector, EditCapable, DeleteCapable, ReactionCapable, MediaCapable, BackfillCapable,
        SentLookupCapable {
    record Posted(RemoteChannelId channel, RemoteMessageId id, OutgoingRemoteMessage message) {
        String body() {
            return message.content().body();
        }
    }

    record Edited(RemoteMessageId id, String body) {}

    record Reacted(RemoteMessageId id, MatrixSender sender, String key, boolean add) {}

    final List<Posted> posted = new CopyOnWriteArrayList<>();
    final List<Edited> edited = new CopyOnWriteArrayList<>();
    final List<RemoteMessageId> deleted = new CopyOnWriteArrayList<>();
    final List<Reacted> reacted = new CopyOnWriteArrayList<>();
    final Map<RemoteChannelId, RemoteChannel> channels = new ConcurrentHashMap<>();
    final Map<RemoteChannelId, List<RemoteEvent.Message>> history = new ConcurrentHashMap<>();
    final Map<URI, byte[]> files = new ConcurrentHashMap<>();
    /** Every file download asked for, in order. */
    final List<URI> downloads = new CopyOnWriteArrayList<>();
    final AtomicInteger failures = new AtomicInteger();
    final AtomicInteger backfillFailures = new AtomicInteger();
    final AtomicInteger backfillCalls = new AtomicInteger();
    /** How often the bridge asked whether a channel exists. */
    final AtomicInteger channelLookups = new AtomicInteger();
    /** From this call on (1-based), reading the history fails as an outage. */
    volatile int backfillDownFromCall = Integer.MAX_VALUE;
    final AtomicInteger sendCalls = new AtomicInteger();
    final AtomicInteger ids = new AtomicInteger(9000);
    volatile boolean permanent;
    volatile long maxUpload = 100;
    volatile BridgeHost host;
    /** Runs at the start of each history read (a test may block it there). */
    volatile HistoryHook beforeHistory = () -> { };

    /** Runs before a history read; may block, may throw. */
    interface HistoryHook {
        void run() throws BridgeException;
    }

    /** Runs at the start of each send (a test may block it there, keeping a bridge thread busy). */
    volatile SendHook beforeSend = () -> { };

    /** Runs before a send; may block, may throw. */
    interface SendHook {
        void run() throws BridgeException;
    }

    @Override
    public String network() {
        return "discord";
    }

    @Override
    public void start(BridgeHost host) {
        this.host = host;
        host.connectionChanged(true, "test");
    }

    @Override
    public Optional<RemoteChannel> channel(RemoteChannelId id) {
        channelLookups.incrementAndGet();
        return Optional.ofNullable(channels.get(id));
    }

    /** The next {@code n} calls fail as an outage. */
    void down(int n) {
        failures.set(n);
    }

    private void maybeFail() throws BridgeException {
        if (permanent) {
            throw BridgeException.permanent("Missing Permissions", null);
        }
        if (failures.get() > 0 && failures.getAndDecrement() > 0) {
            throw BridgeException.retryable("503 Service Unavailable", Duration.ofMillis(5), null);
        }
    }

    /** The next {@code n} sends post, then fail as a lost answer (a timeout) would. */
    final AtomicInteger lostAnswers = new AtomicInteger();
    /** How often the bridge looked for a message among those posted. */
    final AtomicInteger lookups = new AtomicInteger();

    @Override
    public List<RemoteMessageId> send(RemoteChannelId channel, OutgoingRemoteMessage message) throws BridgeException {
        beforeSend.run();
        sendCalls.incrementAndGet();
        maybeFail();
        RemoteMessageId id = new RemoteMessageId(String.valueOf(ids.incrementAndGet()));
        posted.add(new Posted(channel, id, message));
        if (lostAnswers.get() > 0 && lostAnswers.getAndDecrement() > 0) {
            throw BridgeException.retryable("timeout: no answer", Duration.ofMillis(5), null);
        }
        return List.of(id);
    }

    /** A message posted without its link recorded, as a run killed between the two leaves it. */
    RemoteMessageId postedByADeadRun(RemoteChannelId channel, OutgoingRemoteMessage message) {
        RemoteMessageId id = new RemoteMessageId(String.valueOf(ids.incrementAndGet()));
        posted.add(new Posted(channel, id, message));
        return id;
    }

    @Override
    public List<RemoteMessageId> findSent(RemoteChannelId channel, OutgoingRemoteMessage message, java.time.Instant notBefore,
                                          java.util.function.Predicate<RemoteMessageId> recorded) {
        lookups.incrementAndGet();
        return posted.stream().filter(p -> p.channel().equals(channel) && !recorded.test(p.id()))
                .filter(p -> p.body().equals(message.content().body())).map(Posted::id).limit(1).toList();
    }

    @Override
    public void edit(RemoteChannelId channel, RemoteMessageId message, OutgoingRemoteMessage newContent) throws BridgeException {
        maybeFail();
        edited.add(new Edited(message, newContent.content().body()));
    }

    @Override
    public void delete(RemoteChannelId channel, RemoteMessageId message) throws BridgeException {
        maybeFail();
        deleted.add(message);
    }

    @Override
    public void react(RemoteChannelId channel, RemoteMessageId message, MatrixSender sender, String key, boolean add)
            throws BridgeException {
        maybeFail();
        reacted.add(new Reacted(message, sender, key, add));
    }

    @Override
    public byte[] download(URI url, long maxBytes) throws BridgeException {
        downloads.add(url);
        byte[] d = files.get(url);
        if (d == null) {
            throw BridgeException.permanent("gone", null);
        }
        if (d.length > maxBytes) {
            throw BridgeException.permanent("too large", null);
        }
        return d;
    }

    @Override
    public long maxUploadBytes(RemoteChannelId channel) {
        return maxUpload;
    }

    @Override
    public List<RemoteEvent.Message> messagesAfter(RemoteChannelId channel, Optional<RemoteMessageId> after, int limit)
            throws BridgeException {
        beforeHistory.run();
        if (backfillCalls.incrementAndGet() >= backfillDownFromCall
                || (backfillFailures.get() > 0 && backfillFailures.getAndDecrement() > 0)) {
            throw BridgeException.retryable("gateway down", Duration.ofMillis(5), null);
        }
        List<RemoteEvent.Message> all = history.getOrDefault(channel, List.of());
        int start = 0;
        if (after.isPresent()) {
            for (int i = 0; i < all.size(); i++) {
                if (all.get(i).id().equals(after.get())) {
                    start = i + 1;
                }
            }
        }
        return new ArrayList<>(all.subList(start, Math.min(all.size(), start + limit)));
    }

    @Override
    public Optional<RemoteMessageId> currentPosition(RemoteChannelId channel) {
        List<RemoteEvent.Message> all = history.getOrDefault(channel, List.of());
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1).id());
    }

    void addHistory(RemoteEvent.Message m) {
        history.computeIfAbsent(m.channel(), c -> new CopyOnWriteArrayList<>()).add(m);
    }

    @Override
    public void close() {}

    /** A network with none of the optional capabilities. */
    static final class Plain implements NetworkConnector {
        final List<OutgoingRemoteMessage> posted = new CopyOnWriteArrayList<>();
        final AtomicInteger ids = new AtomicInteger();
        final Map<RemoteChannelId, RemoteChannel> channels = new ConcurrentHashMap<>();

        @Override
        public String network() {
            return "rocketchat";
        }

        @Override
        public void start(BridgeHost host) {
            host.connectionChanged(true, "");
        }

        @Override
        public Optional<RemoteChannel> channel(RemoteChannelId id) {
            return Optional.ofNullable(channels.get(id));
        }

        @Override
        public List<RemoteMessageId> send(RemoteChannelId channel, OutgoingRemoteMessage message) {
            posted.add(message);
            return List.of(new RemoteMessageId("p" + ids.incrementAndGet()));
        }

        @Override
        public void close() {}
    }
}
