package coop.comptoir.bridge.engine;

import coop.comptoir.api.event.EventSubscriptions.EventFilter;
import coop.comptoir.api.event.EventTypes;
import coop.comptoir.api.event.MatrixEvent;
import coop.comptoir.api.event.Message;
import coop.comptoir.api.id.RoomAlias;
import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.id.UserId;
import coop.comptoir.api.matrix.MatrixClient;
import coop.comptoir.api.plugin.Plugin;
import coop.comptoir.api.plugin.PluginContext;
import coop.comptoir.bridge.api.BackfillCapable;
import coop.comptoir.bridge.api.BridgeException;
import coop.comptoir.bridge.api.BridgeHost;
import coop.comptoir.bridge.api.BridgeSettings;
import coop.comptoir.bridge.api.CarriedReaction;
import coop.comptoir.bridge.api.MatrixSender;
import coop.comptoir.bridge.api.NetworkConnector;
import coop.comptoir.bridge.api.RemoteChannelId;
import coop.comptoir.bridge.api.RemoteEvent;
import coop.comptoir.bridge.api.RemoteMessageId;
import coop.comptoir.bridge.api.RemoteUserId;
import coop.comptoir.bridge.engine.CursorTable.Cursor;
import coop.comptoir.bridge.engine.PortalTable.Origin;
import coop.comptoir.bridge.engine.PortalTable.Portal;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;

/**
 * One bridge instance: the engine between the Matrix side (the plugin context) and one
 * {@link NetworkConnector}. It keeps the portals, ghosts, message links and the two durable
 * queues, and is the {@link BridgeHost} the connector talks to.
 *
 * <p>Echo guard: events sent by the bot or by this bridge's ghosts are never queued, nor events
 * already linked (the bridge's own sends, also after a restart); a remote message linked as sent
 * from Matrix is never bridged back.
 *
 * <p>Catch-up: the {@code catch_up} cursor of a portal is the last remote message stored while the
 * bridge was in step with the network. At start and when the connector reconnects, every portal
 * reads what came after it ({@link BackfillCapable}) while its queue to Matrix waits, so that
 * missed messages arrive in order, before newer ones.
 */
final class Engine implements Plugin, BridgeHost, coop.comptoir.bridge.api.RunningBridge {
    static final int BATCH = 100;
    static final String ENCRYPTION = "m.room.encryption";
    /** The kind of the notice telling an encrypted portal's admins that the other network is not encrypted. */
    static final String OTHER_SIDE_NOT_ENCRYPTED = "other-side-not-encrypted";
    private static final Duration KEEP_DONE = Duration.ofDays(7);

    final PluginContext ctx;
    final NetworkConnector connector;
    final BridgeSettings settings;
    final String instance;
    final MatrixClient bot;
    final Clock clock;
    final Logger log;
    final Texts texts;
    final GhostIds ghostIds;
    final Portals portals;
    final RoomRules rooms;
    final MessageLinkTable links;
    final ReactionLinkTable reactions;
    final OutboxTable outbox;
    final CursorTable cursors;
    final Ghosts ghosts;
    final Notices notices;
    final ToMatrix toMatrix;
    final ToRemote toRemote;
    final Lanes lanes;
    final Importer importer;
    final SubChannels subChannels;
    final Retirement retirement;
    private final ChannelChanges channelChanges;
    final AccountLinks accounts;
    private final ScheduledExecutorService exec;
    private final Members members;
    private final AvatarProxy avatars;
    /** Portals whose queue to Matrix waits for their catch-up. */
    private final Set<RoomId> catchingUp = ConcurrentHashMap.newKeySet();
    /**
     * For each room whose catch-up is reading the history: the highest queue position before it
     * began. Guarded by itself (together with the messages queued meanwhile).
     */
    private final Map<RoomId, Long> catchUpFloors = new HashMap<>();
    /** A catch-up is about to start and the room's floor is not read yet. */
    private static final Long FLOOR_NOT_READ = Long.MIN_VALUE;
    /** Portals in step with the network: live messages move their catch-up cursor. */
    private final Set<RoomId> inStep = ConcurrentHashMap.newKeySet();
    private final Set<RoomId> catchUpAgain = ConcurrentHashMap.newKeySet();
    private volatile boolean connected;
    private volatile String connectionDetail = "";
    private volatile boolean started;
    private volatile boolean closed;

    Engine(PluginContext ctx, NetworkConnector connector, BridgeSettings settings, int importBatch) {
        this.ctx = ctx;
        this.connector = connector;
        this.settings = settings;
        this.instance = ctx.instanceId();
        this.bot = ctx.matrix();
        this.clock = ctx.clock();
        this.log = ctx.log();
        this.texts = new Texts(ctx.texts().withLanguage(settings.language()), connector.displayName(), ZoneId.systemDefault());
        this.ghostIds = new GhostIds(settings.ghostPrefix(), ctx.serverName());
        Schema.migrate(ctx.database());
        this.portals = new Portals(new PortalTable(ctx.database(), instance));
        this.rooms = new RoomRules(bot, texts.network(), log);
        this.members = new Members(bot, log);
        this.links = new MessageLinkTable(ctx.database(), instance);
        this.reactions = new ReactionLinkTable(ctx.database(), instance);
        this.outbox = new OutboxTable(ctx.database(), instance);
        this.cursors = new CursorTable(ctx.database(), instance);
        this.notices = new Notices(bot, instance, log);
        this.ghosts = new Ghosts(bot, ghostIds, new GhostTable(ctx.database(), instance), connector, settings.ghostNameTemplate(),
                clock, log);
        AtomicInteger n = new AtomicInteger();
        ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(3, r -> {
            Thread t = new Thread(r, "bridge-" + instance + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        pool.setRemoveOnCancelPolicy(true);
        pool.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.exec = pool;
        this.toMatrix = new ToMatrix(instance, bot, connector, portals, ghosts, links, reactions, notices, texts,
                settings.redactMatrixOriginals(), clock, log);
        this.avatars = new AvatarProxy(settings.publicAddress(), ctx.routes(), bot, log);
        this.toRemote = new ToRemote(bot, connector, portals, rooms, links, reactions, notices, texts, this::sender, clock, log);
        this.lanes = new Lanes(outbox, Map.of(Direction.TO_MATRIX, toMatrix, Direction.TO_REMOTE, toRemote), exec, clock,
                settings.maxRetryDelay(), (d, room) -> d == Direction.TO_MATRIX && (!started || catchingUp.contains(room)), log);
        this.importer = connector instanceof BackfillCapable bf
                ? new Importer(instance, bot, bf, portals, cursors, links, toMatrix, texts, exec, clock, lanes, importBatch, log)
                : null;
        this.subChannels = new SubChannels(this);
        toMatrix.onSubChannel(subChannels::open);
        this.retirement = new Retirement(this, exec);
        this.channelChanges = new ChannelChanges(this, exec);
        this.accounts = new AccountLinks(this);
        ghosts.showLinked(accounts::shownAs);
        toMatrix.accounts(accounts);
        subscribe();
        BridgeCommand.register(ctx, this);
        LinkCommand.register(ctx, this);
    }

    // --- Matrix side ----------------------------------------------------------------------------

    private void subscribe() {
        EventFilter bridged = e -> portals.isPortal(e.roomId()) && e.sender() != null && !e.sender().equals(bot.userId())
                && !ghostIds.isGhost(e.sender()) && e.eventId() != null;
        ctx.events().on(EventTypes.ROOM_MESSAGE, bridged, this::onMatrixEvent);
        ctx.events().on(EventTypes.REACTION, bridged, this::onMatrixEvent);
        ctx.events().on(EventTypes.ROOM_REDACTION, bridged, this::onMatrixEvent);
        ctx.events().on(ENCRYPTION, e -> portals.isPortal(e.roomId()) && e.isState(), e -> {
            if (rooms.readsEncrypted()) {
                notices.oncePerRoom(e.roomId(), OTHER_SIDE_NOT_ENCRYPTED, texts.otherSideNotEncrypted());
            } else {
                rooms.noteEncryptedPortal(e.roomId());
            }
        });
        // a linked person's ghost follows their Matrix name and avatar (a change reaches every room they are in)
        ctx.events().on(EventTypes.ROOM_MEMBER, e -> e.stateKey().filter(k -> k.startsWith("@") && k.contains(":")).isPresent(),
                e -> accounts.profileChanged(UserId.of(e.stateKey().get())));
        ctx.events().on(EventTypes.ROOM_MEMBER, e -> portals.isPortal(e.roomId()), e -> e.stateKey().ifPresent(k -> {
            members.changed(e.roomId(), k);
            String membership = e.content().path("membership").asText("");
            if ((membership.equals("leave") || membership.equals("ban")) && ghostIds.isGhost(UserId.of(k))) {
                ghosts.left(UserId.of(k), e.roomId()); // kicked or left: joins again before its next message
            }
        }));
    }

    /** Queues a Matrix event of a portal room for the remote side (once per event ID). */
    void onMatrixEvent(MatrixEvent ev) {
        Optional<Portal> portal = portals.byRoom(ev.roomId());
        if (portal.isEmpty() || closed) {
            return;
        }
        if (links.isLinked(ev.eventId()) || reactions.byEvent(ev.eventId()).isPresent()) {
            return; // the bridge's own event
        }
        Optional<Message> msg = ev.message();
        if (msg.isPresent() && (BridgeCommand.isCommand(msg.get().body()) || LinkCommand.isCommand(msg.get().body())
                || !msg.get().isNotice() && ctx.commands().isKnownCommand(msg.get().body()))) {
            return; // a command for Comptoir stays on Matrix, as its answer does (the bot's messages never cross)
        }
        if (outbox.enqueue(Direction.TO_REMOTE, ev.roomId(), portal.get().channel(), ev.eventId().value(), ev.type(),
                ev.json().toString(), 0, true, clock.millis())) {
            lanes.kick(Direction.TO_REMOTE, ev.roomId());
        }
    }

    // --- BridgeHost -----------------------------------------------------------------------------

    @Override
    public void receive(RemoteEvent event) {
        try {
            enqueue(event, false);
        } catch (RuntimeException e) {
            portals.byChannel(event.channel()).ifPresent(p -> inStep.remove(p.room()));
            log.error("Could not store a remote event of {}; the next catch-up fetches missed messages again", event.channel(), e);
        }
    }

    /**
     * Stores a remote event for delivery; {@code catchUp} events go in time order before newer live
     * ones. False when it was not stored (not a portal, or the bridge is stopping).
     */
    private boolean enqueue(RemoteEvent event, boolean catchUp) {
        Optional<Portal> portal = portals.byChannel(event.channel());
        if (portal.isEmpty() || closed) {
            log.debug("Dropped a remote event of {}: {}", event.channel(), closed ? "the bridge is stopping" : "not a portal");
            return false;
        }
        RoomId room = portal.get().room();
        long now = clock.millis();
        String dedup;
        long sortKey;
        if (event instanceof RemoteEvent.Message m) {
            if (links.isLinked(m.id())) {
                return true; // already crossed, either way
            }
            dedup = "m:" + m.id();
            sortKey = m.timestamp().toEpochMilli();
        } else if (event instanceof RemoteEvent.Edit e) {
            dedup = "e:" + e.id() + ":" + e.timestamp().toEpochMilli();
            sortKey = e.timestamp().toEpochMilli();
        } else if (event instanceof RemoteEvent.Delete d) {
            dedup = "d:" + d.id();
            sortKey = now;
        } else if (event instanceof RemoteEvent.SubChannel sc) {
            if (portals.byChannel(sc.subChannel().id()).isPresent()) {
                return true; // opened already
            }
            dedup = "s:" + sc.subChannel().id();
            sortKey = sc.timestamp().toEpochMilli();
        } else {
            RemoteEvent.Reaction r = (RemoteEvent.Reaction) event;
            // Replays are harmless: a reaction is only added when absent, removed when present.
            dedup = "r:" + r.message() + ":" + r.sender().id() + ":" + r.key() + ":" + (r.added() ? "+" : "-") + ":" + UUID.randomUUID();
            sortKey = now;
        }
        boolean queued = false;
        boolean heldBack = event instanceof RemoteEvent.Message m && !AccountLinks.isRemoteCommand(m)
                && retirement.holdsBack(room, m, catchUp);
        synchronized (catchUpFloors) {
            Long floor = event instanceof RemoteEvent.Message ? floorOf(room) : null;
            if (heldBack) {
                log.debug("Held back a message of {}: the portal is being retired", event.channel());
            } else if (floor != null) {
                // While a room catches up, its messages (caught up or live) are placed by their own time
                // after everything queued before: a live copy and a caught-up copy of the same burst
                // then sort alike, and the burst keeps its order whichever copy comes first.
                queued = outbox.enqueue(Direction.TO_MATRIX, room, event.channel(), dedup, EventCodec.kind(event),
                        EventCodec.encode(event), Math.max(sortKey, floor + 1), false, now);
            } else {
                queued = outbox.enqueue(Direction.TO_MATRIX, room, event.channel(), dedup, EventCodec.kind(event),
                        EventCodec.encode(event), sortKey, !catchUp, now);
            }
        }
        if (!catchUp && event instanceof RemoteEvent.Message m && (inStep.contains(room) || !hasCatchUpPosition(room, event.channel()))) {
            cursors.put(new Cursor(room, CursorTable.CATCH_UP, event.channel(), Optional.of(m.id()), 0, null, Optional.empty()), now);
        }
        if (queued) {
            lanes.kick(Direction.TO_MATRIX, room);
        }
        return true;
    }

    /**
     * Whether a catch-up has a message to read after. Without one it reads nothing, so a live
     * message sets the position even while the room is not in step (between a reconnection and its
     * catch-up task, say): otherwise the position would stay unknown and the messages missed during
     * the next outage would never be fetched.
     */
    private boolean hasCatchUpPosition(RoomId room, RemoteChannelId channel) {
        return cursors.get(room, CursorTable.CATCH_UP, channel).flatMap(Cursor::position).isPresent();
    }

    @Override
    public UserId ghostOf(RemoteUserId user) {
        return ghostIds.ghostOf(user);
    }

    @Override
    public Optional<RemoteUserId> remoteUserOf(UserId matrixUser) {
        return ghostIds.remoteUserOf(matrixUser);
    }

    @Override
    public Optional<RoomId> roomOf(RemoteChannelId channel) {
        return portals.byChannel(channel).map(Portal::room);
    }

    @Override
    public List<CarriedReaction> reactionsOn(RemoteChannelId channel, RemoteMessageId message) {
        return reactions.onMessage(channel, message);
    }

    @Override
    public Optional<RemoteChannelId> channelOf(RoomId room) {
        return portals.byRoom(room).map(Portal::channel);
    }

    @Override
    public String displayName(RoomId room, UserId user) {
        return members.profile(room, user).name();
    }

    /**
     * A Matrix sender as the remote side shows them: room display name (with their user ID when
     * another member bears the same name), and avatar if it can be served.
     */
    MatrixSender sender(RoomId room, UserId user) {
        return new MatrixSender(user, members.shownName(room, user), members.profile(room, user).avatar().flatMap(avatars::url));
    }

    @Override
    public void channelChanged(coop.comptoir.bridge.api.RemoteChannel channel) {
        channelChanges.changed(channel);
    }

    @Override
    public void channelDeleted(coop.comptoir.bridge.api.RemoteChannel channel) {
        channelChanges.deleted(channel, false);
    }

    @Override
    public void channelArchived(coop.comptoir.bridge.api.RemoteChannel channel) {
        channelChanges.deleted(channel, true);
    }

    @Override
    public void connectionChanged(boolean connected, String detail) {
        boolean was = this.connected;
        this.connected = connected;
        this.connectionDetail = detail == null ? "" : detail;
        if (!connected) {
            inStep.clear();
            if (was) {
                log.warn("{} disconnected: {}", texts.network(), detail);
            }
            return;
        }
        if (!was) {
            log.info("{} connected{}", texts.network(), detail == null || detail.isBlank() ? "" : ": " + detail);
        }
        if (started) {
            catchUpAll();
            sweepSubChannels();
            outbox.roomsWithPending(Direction.TO_REMOTE).forEach(r -> lanes.wake(Direction.TO_REMOTE, r));
        }
    }

    ScheduledExecutorService exec() {
        return exec;
    }

    boolean connected() {
        return connected;
    }

    String connectionDetail() {
        return connectionDetail;
    }

    // --- catch-up -------------------------------------------------------------------------------

    void catchUpAll() {
        for (Portal p : portals.all()) {
            catchUp(p.room(), 0);
        }
    }

    private void catchUp(RoomId room, int failures) {
        if (!(connector instanceof BackfillCapable)) {
            inStep.add(room);
            lanes.kick(Direction.TO_MATRIX, room);
            return;
        }
        if (failures == 0 && !catchingUp.add(room)) {
            catchUpAgain.add(room);
            return;
        }
        // Marked now, not when the catch-up task starts: a live message arriving in between must
        // not be placed before the messages the catch-up is about to fetch (its floor is then read
        // by whichever comes first, that message or the task).
        inStep.remove(room);
        synchronized (catchUpFloors) {
            catchUpFloors.putIfAbsent(room, FLOOR_NOT_READ);
        }
        try {
            exec.execute(() -> runCatchUp(room, failures));
        } catch (RejectedExecutionException e) {
            catchingUp.remove(room);
            synchronized (catchUpFloors) {
                catchUpFloors.remove(room);
            }
        }
    }

    /**
     * The floor of a room catching up (everything queued before the catch-up sorts below it), read
     * from the queue the first time it is needed; null when the room is not catching up. Call with
     * {@code catchUpFloors} held.
     */
    private Long floorOf(RoomId room) {
        Long floor = catchUpFloors.get(room);
        if (FLOOR_NOT_READ.equals(floor)) {
            floor = outbox.maxSortKey(Direction.TO_MATRIX, room);
            catchUpFloors.put(room, floor);
        }
        return floor;
    }

    private void runCatchUp(RoomId room, int failures) {
        BackfillCapable backfill = (BackfillCapable) connector;
        Optional<Portal> portal = portals.byRoom(room);
        boolean retry = false;
        try {
            if (portal.isEmpty() || closed) {
                return;
            }
            RemoteChannelId channel = portal.get().channel();
            Optional<RemoteMessageId> position = cursors.get(room, CursorTable.CATCH_UP, channel).flatMap(Cursor::position);
            if (position.isEmpty()) {
                // The network could not say where the channel stood when it was linked, and nothing
                // was bridged since: the first live message sets the cursor (the history is
                // !bridge import's job).
                inStep.add(room);
                return;
            }
            // Live messages must not move the cursor past messages not read yet.
            inStep.remove(room);
            synchronized (catchUpFloors) {
                if (floorOf(room) == null) {
                    catchUpFloors.put(room, outbox.maxSortKey(Direction.TO_MATRIX, room));
                }
            }
            int fetched = 0;
            while (!closed) {
                List<RemoteEvent.Message> batch = backfill.messagesAfter(channel, position, BATCH);
                for (RemoteEvent.Message m : batch) {
                    if (!m.channel().equals(channel)) {
                        continue;
                    }
                    if (!enqueue(m, true)) {
                        return; // stopping: the cursor stays before what was not stored
                    }
                    position = Optional.of(m.id());
                    fetched++;
                }
                if (!batch.isEmpty()) {
                    cursors.put(new Cursor(room, CursorTable.CATCH_UP, channel, position, 0, null, Optional.empty()), clock.millis());
                }
                if (batch.size() < BATCH) {
                    break;
                }
            }
            inStep.add(room);
            if (fetched > 0) {
                log.info("Caught up {} message(s) missed in {}", fetched, room);
            }
        } catch (Exception e) {
            Lanes.Failure f = Lanes.classify(e);
            log.warn("Catch-up of {} failed ({}); {}", room, f.message(), f.retryable() ? "trying again" : "giving up until the next reconnection");
            retry = f.retryable() && !closed;
        } finally {
            synchronized (catchUpFloors) {
                catchUpFloors.remove(room);
            }
            if (retry) {
                // The queue goes on meanwhile: missed messages may then arrive after newer ones.
                catchingUp.remove(room);
                lanes.kick(Direction.TO_MATRIX, room);
                long wait = lanes.delay(failures + 1, Optional.empty()).toMillis();
                try {
                    exec.schedule(() -> {
                        if (catchingUp.add(room)) {
                            runCatchUp(room, failures + 1);
                        }
                    }, wait, TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException ignored) {
                    // closing
                }
            } else {
                catchingUp.remove(room);
                lanes.kick(Direction.TO_MATRIX, room);
                if (catchUpAgain.remove(room)) {
                    catchUp(room, 0);
                }
            }
        }
    }

    // --- lifecycle ------------------------------------------------------------------------------

    @Override
    public void start() throws Exception {
        resolveStaticLinks();
        portals.all().forEach(p -> rooms.portalEncrypted(p.room())); // logs the encrypted ones
        int purged = outbox.purgeDone(clock.millis() - KEEP_DONE.toMillis());
        if (purged > 0) {
            log.debug("Forgot {} delivered queue item(s) older than {}", purged, KEEP_DONE);
        }
        // Queues to Matrix wait (until started, then for their portal's catch-up), so that missed
        // messages arrive before newer ones.
        try {
            connector.start(this);
        } catch (Exception e) {
            BridgeCommand.unregister(ctx, this); // the instance stays off: !bridge no longer offers it
            LinkCommand.unregister(ctx, this);
            throw e;
        }
        catchUpAll();
        started = true;
        sweepSubChannels();
        for (RoomId room : outbox.roomsWithPending(Direction.TO_REMOTE)) {
            lanes.kick(Direction.TO_REMOTE, room);
        }
        for (RoomId room : outbox.roomsWithPending(Direction.TO_MATRIX)) {
            lanes.kick(Direction.TO_MATRIX, room);
        }
        if (importer != null) {
            importer.resumeAll();
        }
        retirement.resume();
        accounts.start(exec);
    }

    private void resolveStaticLinks() {
        Set<RemoteChannelId> configured = new HashSet<>();
        for (BridgeSettings.StaticLink link : settings.links()) {
            configured.add(link.channel());
            RoomId room;
            try {
                room = link.room().startsWith("#") ? bot.resolveAlias(RoomAlias.of(link.room())) : RoomId.of(link.room());
            } catch (RuntimeException e) {
                log.error("Static link {} ↔ {} skipped: the room cannot be resolved ({})", link.room(), link.channel(), e.getMessage());
                continue;
            }
            Optional<Portal> existing = portals.byRoom(room);
            if (existing.isPresent() && existing.get().channel().equals(link.channel())) {
                continue;
            }
            if (existing.isPresent() || portals.byChannel(link.channel()).isPresent()) {
                log.error("Static link {} ↔ {} skipped: the room or the channel is already linked otherwise (!bridge status)",
                        link.room(), link.channel());
                continue;
            }
            try {
                bot.join(room.value());
            } catch (RuntimeException e) {
                log.warn("The bot could not join {} ({}): invite it, or it will not see the room's messages", link.room(), e.getMessage());
            }
            if (rooms.portalEncrypted(room)) {
                log.error("Static link {} ↔ {} skipped: the room is encrypted and the bot cannot read encrypted messages yet; "
                        + "link an unencrypted room", link.room(), link.channel());
                continue;
            }
            if (portals.add(new Portal(room, link.channel(), Origin.CONFIG, null, clock.instant()))) {
                markPosition(room, link.channel());
                inStep.add(room);
                log.info("Portal from the config: {} ↔ {}", link.room(), link.channel());
            }
        }
        for (Portal p : portals.all()) {
            if (p.origin() == Origin.CONFIG && !configured.contains(p.channel())) {
                log.info("Portal {} ↔ {} removed: no longer in the config", p.room(), p.channel());
                unlink(p.room());
            }
        }
    }

    /** Links a room to a channel (after the command's checks); false if either is linked already. */
    @Override
    public String instanceId() {
        return instance;
    }

    @Override
    public NetworkConnector connector() {
        return connector;
    }

    @Override
    public Map<RoomId, RemoteChannelId> portals() {
        Map<RoomId, RemoteChannelId> out = new LinkedHashMap<>();
        portals.all().forEach(p -> out.put(p.room(), p.channel()));
        return out;
    }

    @Override
    public boolean link(RoomId room, RemoteChannelId channel, UserId by) {
        if (!portals.add(new Portal(room, channel, Origin.COMMAND, by, clock.instant()))) {
            return false;
        }
        markPosition(room, channel);
        inStep.add(room);
        return true;
    }

    /** Looks for sub-channels opened while away, off the caller's thread. */
    private void sweepSubChannels() {
        if (subChannels.capable().isPresent()) {
            try {
                exec.execute(subChannels::sweep);
            } catch (RejectedExecutionException ignored) {
                // closing
            }
        }
    }

    /** Stores a message read from the history before the live ones of its room; false when not stored. */
    boolean storeCaughtUp(RemoteEvent.Message m) {
        return enqueue(m, true);
    }

    /** The portal is in step with the network: live messages move its catch-up cursor. */
    void nowInStep(RoomId room) {
        inStep.add(room);
    }

    /** A new portal starts its catch-up cursor where the channel stands, so downtime is caught up from now on. */
    void markPosition(RoomId room, RemoteChannelId channel) {
        if (!(connector instanceof BackfillCapable backfill)) {
            return;
        }
        try {
            backfill.currentPosition(channel).ifPresent(position -> cursors.put(
                    new Cursor(room, CursorTable.CATCH_UP, channel, Optional.of(position), 0, null, Optional.empty()),
                    clock.millis()));
        } catch (BridgeException | RuntimeException e) {
            log.info("Where {} stands was not read ({}): catch-up starts at its first bridged message", channel, e.getMessage());
        }
    }

    void unlink(RoomId room) {
        retirement.forget(room);
        if (portals.remove(room)) {
            int dropped = outbox.cancel(room);
            cursors.delete(room, CursorTable.CATCH_UP);
            cursors.delete(room, CursorTable.IMPORT);
            inStep.remove(room);
            if (dropped > 0) {
                log.info("Unlinked {}: {} queued item(s) dropped", room, dropped);
            }
        }
    }

    @Override
    public boolean queryUser(UserId user) {
        return ghosts.restore(user);
    }

    @Override
    public void close() {
        closed = true;
        lanes.close();
        if (importer != null) {
            importer.close();
        }
        BridgeCommand.unregister(ctx, this);
        LinkCommand.unregister(ctx, this);
        // Let a delivery in flight finish and record its link, so a restart does not post it again;
        // waiting retries are dropped (they stay queued in the database).
        exec.shutdown();
        try {
            if (!exec.awaitTermination(10, TimeUnit.SECONDS)) {
                log.warn("A {} delivery was still running at shutdown; it will be retried at the next start", texts.network());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            connector.close();
        } catch (RuntimeException e) {
            log.warn("Closing the {} connector failed", texts.network(), e);
        }
        exec.shutdownNow();
    }
}
