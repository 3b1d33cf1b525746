package coop.comptoir.bridge.engine;

import coop.comptoir.api.command.Command;
import coop.comptoir.api.command.CommandInvocation;
import coop.comptoir.api.command.Permission;
import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.plugin.PluginContext;
import coop.comptoir.bridge.api.BridgeException;
import coop.comptoir.bridge.api.RemoteChannel;
import coop.comptoir.bridge.api.RemoteChannelId;
import coop.comptoir.bridge.engine.CursorTable.Cursor;
import coop.comptoir.bridge.engine.OutboxTable.LastError;
import coop.comptoir.bridge.engine.PortalTable.Origin;
import coop.comptoir.bridge.engine.PortalTable.Portal;
import coop.comptoir.bridge.imports.MigrationRecords;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * The {@code !bridge} command (alias {@code !pont}): {@code link <network> <channel-id>},
 * {@code unlink}, {@code status}, {@code import}, {@code discussion <name>} and
 * {@code discussions import [name]} (networks with sub-channels, {@link SubChannels}), {@code retire
 * [confirm|cancel]} ({@link Retirement}, for the configured administrators like {@code link}). {@code status} and {@code unlink} are for room
 * admins (power level 100) and Comptoir's configured administrators; {@code link} and
 * {@code import} (and the discussion commands, which create rooms and channels) for the configured administrators only ({@link Permission#CONFIGURED_ADMINS}),
 * since anyone is admin of a room they create (a direct chat with the bot included) and a
 * federated server's admin of its rooms, while what they reach is a remote channel and its history.
 * The refusal comes before any look-up, so it tells nothing about the channel asked for.
 *
 * <p>Every bridge instance (Discord, Rocket.Chat, a second Discord server) serves the command:
 * they share one hub per runtime ({@link PluginContext#shared}, never a static), which holds the
 * live engines, and the command belongs to the bridges' group ({@link
 * coop.comptoir.api.command.CommandRouter#registerShared}), not to the first instance, so it
 * stays while any bridge runs. {@code link} picks the bridge by network name, the other
 * sub-commands act on every bridge of the room.
 */
final class BridgeCommand {
    /** The key of the hub in {@link PluginContext#shared}, and the group of the command. */
    static final String GROUP = "comptoir.bridge";
    static final String NAME = "bridge";
    static final List<String> ALIASES = List.of("pont");

    private final List<Engine> engines = new CopyOnWriteArrayList<>();

    private BridgeCommand() {}

    static void register(PluginContext ctx, Engine engine) {
        BridgeCommand hub = ctx.shared(GROUP, BridgeCommand.class, BridgeCommand::new);
        Texts fr = new Texts(ctx.texts().withLanguage("fr"), "", java.time.ZoneId.systemDefault());
        Texts en = new Texts(ctx.texts().withLanguage("en"), "", java.time.ZoneId.systemDefault());
        ctx.commands().registerShared(GROUP, new Command(NAME, ALIASES, fr.help(), en.help(), Permission.ADMIN, hub::run));
        hub.engines.add(engine);
    }

    static List<coop.comptoir.bridge.api.RunningBridge> running(PluginContext ctx) {
        return List.copyOf(ctx.shared(GROUP, BridgeCommand.class, BridgeCommand::new).engines);
    }

    static void unregister(PluginContext ctx, Engine engine) {
        ctx.shared(GROUP, BridgeCommand.class, BridgeCommand::new).engines.remove(engine);
    }

    /** Whether a message is a {@code !bridge} command, which is not bridged itself. */
    static boolean isCommand(String body) {
        return COMMAND.matcher(body).find();
    }

    private static final java.util.regex.Pattern COMMAND =
            java.util.regex.Pattern.compile("^\\s*[^\\p{L}\\p{N}\\s](bridge|pont)(\\s|$)", java.util.regex.Pattern.CASE_INSENSITIVE);

    private void run(CommandInvocation inv) {
        List<String> args = inv.arguments();
        Engine any = engines.isEmpty() ? null : engines.get(0);
        if (any == null) {
            return;
        }
        String sub = args.isEmpty() ? "" : args.get(0).toLowerCase(Locale.ROOT);
        switch (sub) {
            case "link", "relier" -> link(inv, args);
            case "unlink", "délier", "delier" -> forRoom(inv, args, this::unlink);
            case "status", "état", "etat" -> forRoom(inv, args, this::status);
            case "import", "importer" -> forRoom(inv, args, this::importHistory);
            case "discussion" -> discussion(inv, args);
            case "discussions" -> discussions(inv, args);
            case "retire", "fermer" -> retire(inv, args);
            default -> inv.reply(any.texts.usage());
        }
    }

    private void link(CommandInvocation inv, List<String> args) {
        Engine first = engines.get(0);
        if (!inv.senderHas(Permission.CONFIGURED_ADMINS)) {
            inv.reply(first.texts.linkForConfiguredAdmins());
            return;
        }
        Engine engine;
        String channelArg;
        if (args.size() == 3) {
            String network = args.get(1).toLowerCase(Locale.ROOT);
            engine = engines.stream().filter(e -> e.connector.network().equalsIgnoreCase(network)).findFirst().orElse(null);
            if (engine == null) {
                inv.reply(first.texts.unknownNetwork(args.get(1), networks()));
                return;
            }
            channelArg = args.get(2);
        } else if (args.size() == 2 && engines.size() == 1) {
            engine = first;
            channelArg = args.get(1);
        } else {
            inv.reply(first.texts.usage());
            return;
        }
        Texts t = engine.texts;
        RoomId room = inv.room();
        boolean encrypted = engine.rooms.encrypted(room);
        if (encrypted && !engine.rooms.readsEncrypted()) {
            inv.reply(t.encryptedRoomNotLinked());
            return;
        }
        // One channel per bridge and room; a room may be linked to several bridges at once
        // (Matrix ↔ Discord ↔ Rocket.Chat): each bridge ignores only its own ghosts, so the others'
        // ghosts' messages are carried like any Matrix user's.
        Optional<Portal> existing = engine.portals.byRoom(room);
        if (existing.isPresent()) {
            inv.reply(t.roomAlreadyLinked(existing.get().channel().value()));
            return;
        }
        RemoteChannelId channel;
        try {
            channel = new RemoteChannelId(channelArg.replaceFirst("^#", ""));
        } catch (IllegalArgumentException ex) {
            inv.reply(t.unknownChannel(channelArg));
            return;
        }
        if (engine.portals.byChannel(channel).isPresent()) {
            inv.reply(t.channelAlreadyLinked(channel.value()));
            return;
        }
        Optional<RemoteChannel> found;
        try {
            found = engine.connector.channel(channel);
        } catch (BridgeException ex) {
            inv.reply(ex.isRetryable() ? t.lookupFailed(ex.getMessage()) : t.unknownChannel(channel.value()));
            return;
        }
        if (found.isEmpty()) {
            inv.reply(t.unknownChannel(channel.value()));
            return;
        }
        if (!engine.link(room, channel, inv.sender())) {
            inv.reply(t.channelAlreadyLinked(channel.value()));
            return;
        }
        engine.log.info("{} linked {} to {} ({})", inv.sender(), room, channel, found.get().name());
        inv.reply(t.linked(found.get().name()));
        if (encrypted) { // the bot reads it (encryption.enabled): what crosses is in clear on the other side
            engine.notices.oncePerRoom(room, Engine.OTHER_SIDE_NOT_ENCRYPTED, t.otherSideNotEncrypted());
        }
    }

    private String networks() {
        return engines.stream().map(e -> e.connector.network()).sorted().collect(Collectors.joining(", "));
    }

    private interface RoomAction {
        void run(CommandInvocation inv, Engine engine, Portal portal);
    }

    /** Runs a sub-command on the bridge(s) of the room, or the one named ({@code !bridge status discord}). */
    private void forRoom(CommandInvocation inv, List<String> args, RoomAction action) {
        String network = args.size() > 1 ? args.get(1) : null;
        boolean any = false;
        for (Engine e : engines) {
            if (network != null && !e.connector.network().equalsIgnoreCase(network)) {
                continue;
            }
            Optional<Portal> p = e.portals.byRoom(inv.room());
            if (p.isPresent()) {
                any = true;
                action.run(inv, e, p.get());
            }
        }
        if (!any) {
            inv.reply(engines.get(0).texts.notLinked());
        }
    }

    private void unlink(CommandInvocation inv, Engine e, Portal p) {
        if (p.origin() == Origin.CONFIG) {
            inv.reply(e.texts.linkInConfig());
            return;
        }
        e.unlink(p.room());
        e.log.info("{} unlinked {} from {}", inv.sender(), p.room(), p.channel());
        inv.reply(e.texts.unlinked());
    }

    private void status(CommandInvocation inv, Engine e, Portal p) {
        Texts t = e.texts;
        StringBuilder sb = new StringBuilder();
        sb.append(t.statusHeader(p.channel().value(), e.connected(), e.connectionDetail())).append('\n');
        sb.append(t.lastToRemote(e.links.last(p.room(), Direction.TO_REMOTE).map(l -> t.time(l.createdAt())).orElse(t.never())))
                .append('\n');
        sb.append(t.lastToMatrix(e.links.last(p.room(), Direction.TO_MATRIX).map(l -> t.time(l.createdAt())).orElse(t.never())))
                .append('\n');
        sb.append(t.queues(e.outbox.pending(Direction.TO_REMOTE, p.room()), e.outbox.pending(Direction.TO_MATRIX, p.room())))
                .append('\n');
        Optional<LastError> err = e.outbox.lastError(p.room());
        sb.append(err.map(x -> t.lastError(x.error(), t.time(x.at()))).orElse(t.noError()));
        if (e.rooms.portalEncrypted(p.room())) {
            sb.append('\n').append(t.encryptedPortal());
        }
        Optional<Cursor> imp = e.cursors.get(p.room(), CursorTable.IMPORT, p.channel());
        imp.ifPresent(c -> sb.append('\n').append(Importer.DONE.equals(c.state()) ? t.importDone(c.count())
                : t.importStatus(c.count(), Importer.RUNNING.equals(c.state()))));
        e.retirement.of(p.room()).ifPresent(r -> sb.append('\n').append(t.retireStatus(t.time(r.endsAt().toEpochMilli()))));
        if (e.subChannels.capable().isPresent()) {
            try {
                List<String> waiting = e.subChannels.notOpened(p).stream().map(sc -> "« " + sc.subChannel().name() + " »").toList();
                if (!waiting.isEmpty()) {
                    sb.append('\n').append(t.subChannelsWaiting(waiting.size(), String.join(", ", waiting)));
                }
            } catch (BridgeException ex) {
                e.log.debug("Discussions of {} not listed: {}", p.channel(), ex.getMessage());
            }
        }
        inv.reply(sb.toString());
    }

    /** The engine of the room's portal whose network has discussions; null after telling why. */
    private Engine withSubChannels(CommandInvocation inv) {
        Engine first = engines.get(0);
        if (!inv.senderHas(Permission.CONFIGURED_ADMINS)) {
            inv.reply(first.texts.linkForConfiguredAdmins()); // the same rule as !bridge link: a channel is created on the network
            return null;
        }
        Engine linked = null;
        for (Engine e : engines) {
            if (e.portals.byRoom(inv.room()).isPresent()) {
                if (e.subChannels.capable().isPresent()) {
                    return e;
                }
                linked = e;
            }
        }
        inv.reply(linked == null ? first.texts.notLinked() : linked.texts.subChannelsNotSupported());
        return null;
    }

    /** {@code !bridge discussion <name>}: opens a discussion on the network; its room follows through the queue. */
    private void discussion(CommandInvocation inv, List<String> args) {
        Engine e = withSubChannels(inv);
        if (e == null) {
            return;
        }
        String name = String.join(" ", args.subList(1, args.size())).strip();
        if (name.isEmpty()) {
            inv.reply(e.texts.subChannelUsage());
            return;
        }
        Portal p = e.portals.byRoom(inv.room()).orElseThrow();
        try {
            RemoteChannel made = e.subChannels.create(p, name, inv.sender());
            e.log.info("{} opened the discussion {} ({}) under {}", inv.sender(), made.id(), made.name(), p.channel());
            inv.reply(e.texts.subChannelCreated(made.name()));
        } catch (BridgeException ex) {
            inv.reply(e.texts.subChannelFailed(ex.getMessage()));
        }
    }

    /** {@code !bridge discussions import [name]}: brings over the discussions that existed before the link. */
    private void discussions(CommandInvocation inv, List<String> args) {
        Engine e = withSubChannels(inv);
        if (e == null) {
            return;
        }
        String verb = args.size() > 1 ? args.get(1).toLowerCase(Locale.ROOT) : "";
        if (!verb.equals("import") && !verb.equals("importer")) {
            inv.reply(e.texts.usage());
            return;
        }
        Portal p = e.portals.byRoom(inv.room()).orElseThrow();
        try {
            inv.reply(e.texts.subChannelsBrought(e.subChannels.bringOver(p, String.join(" ", args.subList(2, args.size())))));
        } catch (BridgeException ex) {
            inv.reply(e.texts.lookupFailed(ex.getMessage()));
        }
    }

    /**
     * {@code !bridge retire [confirm|cancel]}: offers the history import first when it was not done,
     * then starts the retirement ({@link Retirement#start}); {@code cancel} makes the portal two-way again.
     */
    private void retire(CommandInvocation inv, List<String> args) {
        if (!inv.senderHas(Permission.CONFIGURED_ADMINS)) {
            inv.reply(engines.get(0).texts.linkForConfiguredAdmins()); // the same rule as !bridge link
            return;
        }
        String verb = args.size() > 1 ? args.get(1).toLowerCase(Locale.ROOT) : "";
        boolean confirmed = verb.equals("confirm") || verb.equals("confirmer");
        boolean cancel = verb.equals("cancel") || verb.equals("annuler");
        if (!verb.isEmpty() && !confirmed && !cancel) {
            inv.reply(engines.get(0).texts.usage());
            return;
        }
        forRoom(inv, List.of(), (i, e, p) -> {
            if (cancel) {
                i.reply(e.retirement.cancel(p.room()) ? e.texts.retireCancelled() : e.texts.retireNotRetiring());
                return;
            }
            if (p.origin() == Origin.CONFIG) {
                i.reply(e.texts.linkInConfig());
                return;
            }
            if (!confirmed && e.retirement.of(p.room()).isEmpty() && e.importer != null) {
                Optional<Cursor> imp = e.cursors.get(p.room(), CursorTable.IMPORT, p.channel());
                // an import from an export file (!migration import … / apply) into the room counts too
                Optional<String> fromFile = MigrationRecords.exportImportInto(e.ctx.database(), p.room());
                boolean done = imp.isPresent() && Importer.DONE.equals(imp.get().state())
                        || fromFile.filter(MigrationRecords.DONE::equals).isPresent();
                if (!done) {
                    boolean running = imp.isPresent() && Importer.RUNNING.equals(imp.get().state()) || fromFile.isPresent();
                    i.reply(running ? e.texts.retireImportRunning() : e.texts.retireOfferImport());
                    return;
                }
            }
            i.reply(e.retirement.start(p, i.sender()));
        });
    }

    private void importHistory(CommandInvocation inv, Engine e, Portal p) {
        if (!inv.senderHas(Permission.CONFIGURED_ADMINS)) {
            inv.reply(e.texts.linkForConfiguredAdmins());
            return;
        }
        if (e.importer == null) {
            inv.reply(e.texts.importNotSupported());
            return;
        }
        String answer = e.importer.start(p.room(), p.channel(), inv.event().eventId());
        if (answer != null) {
            inv.reply(answer);
        }
    }
}
