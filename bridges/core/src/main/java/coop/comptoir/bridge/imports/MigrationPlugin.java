package coop.comptoir.bridge.imports;

import coop.comptoir.api.command.Command;
import coop.comptoir.api.command.CommandInvocation;
import coop.comptoir.api.command.Permission;
import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.plugin.Plugin;
import coop.comptoir.api.plugin.PluginContext;
import coop.comptoir.api.text.Catalogue;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

/**
 * {@code !migration import <format> <path> [channel]} reads an export file on the server and
 * answers with a preview (nothing sent); {@code !migration apply} then imports it into the room
 * where the command was typed, in the background, one import at a time.
 * {@code !migration structure <network>} shows how a bridged server would be mirrored as a Matrix
 * space, {@code !migration structure <network> apply} does it ({@link StructureMirror});
 * {@code !migration invite [channel]} invites the old network's channels to move
 * ({@link Invitations}). {@code !migration} alone sums up where the move stands,
 * {@code !migration page} sends a one-time link to the migration page ({@link Dashboard}). For
 * Comptoir's configured admins only: the path is read with the rights of the Comptoir process, the
 * other commands create rooms and post on the old network, and the numbers show the coop's activity.
 */
final class MigrationPlugin implements Plugin {
    private record Plan(String source, Export.Channel channel, ImportLog.Origin origin) {}

    private final PluginContext ctx;
    private final HistoryImport importer;
    private final Catalogue fr;
    private final Catalogue texts;
    private final Map<RoomId, Plan> plans = new ConcurrentHashMap<>();
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "comptoir-migration-import");
        t.setDaemon(true);
        return t;
    });

    private final MigrationFactory.MigrationConfig config;
    private final StructureCommand structure;
    private final Dashboard dashboard;

    MigrationPlugin(PluginContext ctx, MigrationFactory.MigrationConfig config) {
        this.ctx = ctx;
        this.config = config;
        this.importer = new HistoryImport(ctx.matrix(), ctx.database(), ctx.serverName(), config.progressEveryOrDefault(), ctx.clock(),
                ctx.log());
        this.texts = Catalogue.load("migration", MigrationPlugin.class, ctx.texts());
        this.fr = texts.in("fr");
        this.structure = new StructureCommand(ctx, config, texts);
        this.dashboard = new Dashboard(ctx, texts, config.publicAddressUri());
    }

    @Override
    public void start() {
        ctx.commands().register(new Command(MigrationFactory.COMMAND, List.of(), fr.text("help"), fr.in("en").text("help"),
                Permission.CONFIGURED_ADMINS, this::handle));
        resumeUnfinished();
    }

    private void handle(CommandInvocation inv) {
        Catalogue t = texts.in(inv.locale().getLanguage().equals("en") ? "en" : "fr");
        List<String> args = inv.arguments();
        if (args.isEmpty()) {
            dashboard.summary(inv, t);
        } else if (args.size() == 1 && args.get(0).equalsIgnoreCase("page")) {
            dashboard.sendLink(inv, t);
        } else if (args.get(0).equalsIgnoreCase("import") && (args.size() == 3 || args.size() == 4)) {
            prepare(inv, t, args.get(1), args.get(2), args.size() == 4 ? args.get(3) : null);
        } else if (args.size() == 1 && args.get(0).equalsIgnoreCase("apply")) {
            apply(inv, t);
        } else if (!args.isEmpty() && args.get(0).equalsIgnoreCase("structure") && (args.size() == 2
                || args.size() == 3 && args.get(2).equalsIgnoreCase("apply"))) {
            structure.structure(inv, t, args.get(1), args.size() == 3);
        } else if (!args.isEmpty() && args.get(0).equalsIgnoreCase("invite") && args.size() <= 2) {
            structure.invite(inv, t, args.size() == 2 ? args.get(1) : null);
        } else {
            inv.reply(t.text("usage"));
        }
    }

    private void prepare(CommandInvocation inv, Catalogue t, String format, String path, String channelName) {
        Export export;
        try {
            export = read(format, path);
        } catch (ExportFormatException | java.nio.file.InvalidPathException e) {
            inv.reply(t.text("unreadable", "error", e.getMessage()));
            return;
        }
        if (export == null) {
            inv.reply(t.text("usage"));
            return;
        }
        var channel = export.channel(channelName);
        if (channel.isEmpty()) {
            inv.reply(t.text("no.channel", "channels",
                    export.channels().stream().map(Export.Channel::name).collect(Collectors.joining(", "))));
            return;
        }
        plans.put(inv.room(), new Plan(export.source(), channel.get(),
                new ImportLog.Origin(format.toLowerCase(java.util.Locale.ROOT), Path.of(path).toAbsolutePath().toString(),
                        channel.get().id(), inv.room().value())));
        inv.reply(HistoryImport.preview(channel.get(), t));
    }

    private void apply(CommandInvocation inv, Catalogue t) {
        Plan plan = plans.remove(inv.room());
        if (plan == null) {
            inv.reply(t.text("nothing.planned"));
            return;
        }
        if (importer.isDone(plan.source(), plan.channel(), inv.room())) {
            inv.reply(t.text("already.done", "count", plan.channel().messages().size()));
            return;
        }
        inv.reply(t.text("started"));
        worker.submit(() -> {
            try {
                importer.run(plan.source(), plan.channel(), inv.room(), t, plan.origin());
            } catch (RuntimeException e) {
                ctx.log().warn("History import into {} failed: {}", inv.room(), e.toString());
            }
        });
    }

    /** The export in {@code path}, or null for an unknown format. */
    static Export read(String format, String path) throws ExportFormatException {
        return switch (format.toLowerCase(java.util.Locale.ROOT)) {
            case "discord-json" -> DiscordJsonReader.read(Path.of(path));
            case "slack-zip" -> SlackZipReader.read(Path.of(path));
            case "rocketchat-zip" -> RocketChatExportReader.read(Path.of(path));
            default -> null;
        };
    }

    /** Resumes, in the background, the imports a stop interrupted: the file is read again, sent messages skipped. */
    private void resumeUnfinished() {
        for (ImportLog.Origin o : importer.unfinished()) {
            worker.submit(() -> {
                RoomId room = RoomId.of(o.room());
                try {
                    Export export = read(o.format(), o.path());
                    Export.Channel channel = export == null ? null
                            : export.channels().stream().filter(c -> c.id().equals(o.channelId())).findFirst().orElse(null);
                    if (channel == null) {
                        ctx.log().warn("Import into {} not resumed: channel {} not found in {}", room, o.channelId(), o.path());
                        return;
                    }
                    ctx.log().info("Resuming the import of {} into {}", o.path(), room);
                    importer.run(export.source(), channel, room, texts, o);
                } catch (ExportFormatException | RuntimeException e) {
                    ctx.log().warn("Import into {} not resumed: {}", room, e.toString());
                }
            });
        }
    }

    /**
     * Stops the import in progress after the message being sent (sent and recorded, so the next
     * start does not send it again), waiting up to 10 s for it; then interrupts what is left.
     */
    @Override
    public void close() {
        importer.stop();
        worker.shutdown();
        try {
            if (!worker.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS)) {
                ctx.log().warn("The history import did not stop within 10 s; it is interrupted and resumes at the next start");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        worker.shutdownNow();
        structure.close();
    }
}
