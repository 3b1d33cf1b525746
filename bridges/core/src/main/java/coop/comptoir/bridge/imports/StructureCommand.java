package coop.comptoir.bridge.imports;

import coop.comptoir.api.command.CommandInvocation;
import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.matrix.OutgoingMessage;
import coop.comptoir.api.plugin.PluginContext;
import coop.comptoir.api.text.Catalogue;
import coop.comptoir.bridge.api.BridgeException;
import coop.comptoir.bridge.api.Bridges;
import coop.comptoir.bridge.api.RemoteStructure;
import coop.comptoir.bridge.api.RunningBridge;
import coop.comptoir.bridge.api.StructureCapable;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

/**
 * The {@code structure} and {@code invite} sub-commands of {@code !migration}: they find the running
 * bridges of this runtime ({@link Bridges#running}) and do their work on one worker thread, one
 * request at a time, so that two runs never race to create the same room.
 */
final class StructureCommand {
    private final PluginContext ctx;
    private final MigrationFactory.MigrationConfig config;
    private final Catalogue texts;
    private final MigrationTables tables;
    private final StructureMirror mirror;
    private final Invitations invitations;
    /** Rooms where the dry run of an instance was shown ({@code room|instance}): apply needs one first. */
    private final Set<String> previewed = ConcurrentHashMap.newKeySet();
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "comptoir-migration-structure");
        t.setDaemon(true);
        return t;
    });

    StructureCommand(PluginContext ctx, MigrationFactory.MigrationConfig config, Catalogue texts) {
        this.ctx = ctx;
        this.config = config;
        this.texts = texts;
        this.tables = new MigrationTables(ctx.database());
        this.mirror = new StructureMirror(ctx.matrix(), tables, ctx.serverName(), ctx.clock(), ctx.log());
        this.invitations = new Invitations(ctx.matrix(), tables, ctx.serverName(), ctx.clock(), ctx.log());
    }

    /** {@code !migration structure <network> [apply]}: the dry run, or the mirroring itself in the background. */
    void structure(CommandInvocation inv, Catalogue t, String which, boolean apply) {
        List<RunningBridge> bridges = Bridges.running(ctx);
        List<RunningBridge> matching = bridges.stream().filter(b -> b.instanceId().equalsIgnoreCase(which)
                || b.connector().network().equalsIgnoreCase(which)).toList();
        if (matching.size() != 1) {
            inv.reply(t.text(matching.isEmpty() ? "structure.no.bridge" : "structure.several", "name", which,
                    "bridges", bridges.stream().map(RunningBridge::instanceId).collect(Collectors.joining(", "))));
            return;
        }
        RunningBridge bridge = matching.get(0);
        if (!(bridge.connector() instanceof StructureCapable source)) {
            inv.reply(t.text("structure.not.supported", "network", bridge.connector().displayName()));
            return;
        }
        String command = "!migration structure " + which.toLowerCase(Locale.ROOT) + " apply";
        String key = inv.room().value() + "|" + bridge.instanceId();
        if (!apply) {
            worker.submit(() -> {
                try {
                    StructurePlan plan = plan(source, bridge);
                    previewed.add(key);
                    inv.reply(plan.render(t, bridge.connector().displayName(), command));
                } catch (BridgeException | RuntimeException e) {
                    inv.reply(t.text("structure.unreadable", "network", bridge.connector().displayName(), "error", String.valueOf(e.getMessage())));
                }
            });
            return;
        }
        if (!previewed.contains(key)) {
            inv.reply(t.text("structure.preview.first", "command", "!migration structure " + which.toLowerCase(Locale.ROOT)));
            return;
        }
        inv.reply(t.text("structure.started"));
        worker.submit(() -> {
            RoomId room = inv.room();
            String txn = "migration-structure-" + inv.event().eventId().value();
            try {
                StructurePlan plan = plan(source, bridge);
                StructureMirror.Outcome o = mirror.apply(plan, bridge, inv.sender());
                notice(room, t.text("structure.done", "created", o.created(), "linked", o.linked(), "existing", o.existing(),
                        "name", plan.structure.name()), txn);
            } catch (BridgeException | RuntimeException e) {
                ctx.log().warn("Mirroring the structure of {} failed: {}", bridge.instanceId(), e.toString());
                notice(room, t.text("structure.failed", "error", String.valueOf(e.getMessage()), "command", command), txn);
            }
        });
    }

    private StructurePlan plan(StructureCapable source, RunningBridge bridge) throws BridgeException {
        RemoteStructure s = source.structure();
        java.util.Map<coop.comptoir.bridge.api.RemoteChannelId, RoomId> portals = new java.util.HashMap<>();
        bridge.portals().forEach((room, channel) -> portals.put(channel, room));
        return StructurePlan.of(s, tables.mirrored(bridge.instanceId()), portals);
    }

    /** {@code !migration invite [channel]}: posts the invitations in the background and answers with what was done. */
    void invite(CommandInvocation inv, Catalogue t, String channel) {
        if (config.elementUrl() == null) {
            inv.reply(t.text("invite.no.element", "key", ctx.config().path() + ".element_url"));
            return;
        }
        worker.submit(() -> {
            try {
                List<Invitations.Target> all = Invitations.targets(Bridges.running(ctx));
                List<Invitations.Target> chosen = Invitations.select(all, channel);
                if (chosen.isEmpty()) {
                    inv.reply(channel == null ? t.text("invite.none") : t.text("invite.unknown", "name", channel,
                            "channels", all.stream().map(x -> "#" + x.name()).collect(Collectors.joining(", "))));
                    return;
                }
                inv.reply(invitations.invite(chosen, config.inviteEveryOrDefault(), config.elementUrl().strip(), texts, t));
            } catch (RuntimeException e) {
                ctx.log().warn("Invitations failed: {}", e.toString());
                inv.reply(t.text("invite.failed", "error", String.valueOf(e.getMessage())));
            }
        });
    }

    private void notice(RoomId room, String text, String txn) {
        try {
            ctx.matrix().send(room, OutgoingMessage.notice(text), txn);
        } catch (RuntimeException e) {
            ctx.log().warn("Could not tell {} how the mirroring went: {}", room, e.toString());
        }
    }

    void close() {
        worker.shutdownNow();
    }
}
