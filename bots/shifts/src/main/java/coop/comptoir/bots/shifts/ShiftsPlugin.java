package coop.comptoir.bots.shifts;

import coop.comptoir.api.command.Command;
import coop.comptoir.api.command.CommandInvocation;
import coop.comptoir.api.id.UserId;
import coop.comptoir.api.matrix.Html;
import coop.comptoir.api.matrix.MatrixException;
import coop.comptoir.api.matrix.OutgoingMessage;
import coop.comptoir.api.plugin.Plugin;
import coop.comptoir.api.plugin.PluginContext;
import coop.comptoir.bots.shifts.source.ShiftSource;
import coop.comptoir.bots.shifts.source.ShiftSourceException;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;

/**
 * One shifts instance: a poll job reads the source and plans the reminders, a tick job sends those
 * due ({@link ReminderEngine}); the commands opt in to personal reminders and list one's shifts.
 *
 * <p>Both jobs are cron jobs on the runtime's scheduler (on PostgreSQL each firing runs in one
 * process of a cluster). The tick runs on real time every few seconds and compares the plugin's
 * clock with the due times, so a test that moves the clock sees reminders go at the new time.
 */
final class ShiftsPlugin implements Plugin {
    private static final String POLL = "poll", TICK = "tick", FIRST_POLL = "first-poll";
    private static final String SOURCE_DOWN = "source-down";

    private final PluginContext ctx;
    private final ShiftsPluginFactory.Settings settings;
    private final ShiftsConfig config;
    private final Logger log;
    private final Texts texts;
    private final ShiftsStore store;
    private final ReminderEngine engine;
    private final Object pollLock = new Object();
    private volatile boolean started;
    private volatile boolean closed;

    ShiftsPlugin(PluginContext ctx, ShiftsPluginFactory.Settings settings) {
        this.ctx = ctx;
        this.settings = settings;
        this.config = settings.config();
        this.log = ctx.log();
        this.texts = Texts.of(config.language(), config.address());
        this.store = new ShiftsStore(ctx.database(), ctx.instanceId());
        String optIn = config.commands().reminders().isEmpty() ? "rappels" : config.commands().reminders().get(0);
        this.engine = new ReminderEngine(store, ctx.matrix(), ctx.clock(), texts,
                new ReminderEngine.Settings(ctx.instanceId(), settings.zone(), settings.reminders(), settings.personal(),
                        config.understaffed() == null ? null : config.understaffed().room(), settings.helpBefore(), optIn,
                        this::teamRoom),
                log);
        ctx.scheduler().handler(POLL, (key, due, data) -> poll());
        ctx.scheduler().handler(TICK, (key, due, data) -> tick());
        ctx.scheduler().handler(FIRST_POLL, (key, due, data) -> {
            poll();
            tick();
        });
        ctx.scheduler().cron(POLL, POLL, settings.pollCron(), ZoneOffset.UTC, Map.of());
        ctx.scheduler().cron(TICK, TICK, settings.tickCron(), ZoneOffset.UTC, Map.of());
        registerCommands();
    }

    /** The room of a shift's team: its mapping, the team key itself when it is a room address, else the default room. */
    String teamRoom(Shift s) {
        if (s.team().isPresent()) {
            String team = s.team().get();
            String mapped = settings.teams().get(team);
            if (mapped != null) {
                return mapped;
            }
            if (ShiftsPluginFactory.isRoomAddress(team)) {
                return team;
            }
        }
        return config.defaultRoom();
    }

    private void registerCommands() {
        List<String> r = config.commands().reminders();
        if (!r.isEmpty()) {
            register(Command.of(r.get(0), Texts.of("fr", config.address()).optInHelp(r.get(0)),
                    Texts.of("en", "tu").optInHelp(r.get(0)), this::remindersCommand)
                    .withAliases(r.subList(1, r.size()).toArray(String[]::new)));
        }
        List<String> s = config.commands().shifts();
        if (!s.isEmpty()) {
            register(Command.of(s.get(0), Texts.of("fr", config.address()).shiftsHelp(), Texts.of("en", "tu").shiftsHelp(),
                    this::shiftsCommand).withAliases(s.subList(1, s.size()).toArray(String[]::new)));
        }
    }

    private void register(Command c) {
        try {
            ctx.commands().register(c);
        } catch (IllegalArgumentException e) {
            log.warn("Command !{} not registered for this instance: {}", c.name(), e.getMessage());
        }
    }

    @Override
    public void start() {
        Set<String> rooms = new LinkedHashSet<>(settings.teams().values());
        if (config.defaultRoom() != null) {
            rooms.add(config.defaultRoom());
        }
        if (config.understaffed() != null) {
            rooms.add(config.understaffed().room());
        }
        if (config.adminRoom() != null) {
            rooms.add(config.adminRoom());
        }
        for (String room : rooms) {
            try {
                ctx.matrix().join(room);
            } catch (MatrixException e) {
                log.warn("Could not join {} (invite the bot there): {}", room, e.getMessage());
            }
        }
        started = true;
        log.info("Shift reminders from {}: {} before in team rooms, {} by direct message{}; zone {}, week A from {}",
                settings.source().describe(), settings.reminders().stream().map(Durations::format).toList(),
                settings.personal().stream().map(Durations::format).toList(),
                config.understaffed() == null ? "" : ", calls for help " + Durations.format(settings.helpBefore()) + " before in "
                        + config.understaffed().room(), settings.zone(), settings.cycle().anchor());
        // Not here: a source may take long (Odoo: several calls, each up to its timeout) and would
        // hold up the plugins started after this one. A one-off job now (on the scheduler's real
        // time), then a tick, so that what is due goes out right after the schedule is read.
        ctx.scheduler().once(FIRST_POLL, FIRST_POLL, Instant.now(), Map.of());
    }

    /**
     * Stops this process's handlers. The jobs stay: on PostgreSQL they belong to every process of
     * the cluster (cancelling them here would stop the reminders of the others), and on SQLite they
     * live in memory and end with the process.
     */
    @Override
    public void close() {
        closed = true;
    }

    // ---- jobs

    void poll() {
        if (!started || closed) {
            return;
        }
        synchronized (pollLock) {
            Instant from = ctx.clock().instant();
            Instant to = from.plus(settings.horizon());
            List<Shift> shifts;
            try {
                shifts = settings.source().fetch(from, to);
            } catch (IOException | ShiftSourceException | RuntimeException e) {
                sourceDown(e);
                return;
            }
            engine.plan(shifts, from, to);
            store.lower(SOURCE_DOWN).ifPresent(since -> {
                log.info("Shift source {} works again; reminders follow its schedule", settings.source().describe());
                tellAdmins(texts.sourceBack(settings.source().describe()), "back|" + since);
            });
        }
    }

    /**
     * The source failed. Its own errors (ShiftSourceException, IOException) are worded by the source
     * without secrets; any other exception's message may come from a library and quote a credential
     * (OkHttp quotes a bad header value): the admins read "unexpected error", the log its class and
     * its message with the source's secrets masked.
     */
    private void sourceDown(Exception e) {
        ShiftSource source = settings.source();
        String masked = source.mask(e.getMessage());
        String reason = e instanceof ShiftSourceException ? masked
                : e.getClass().getSimpleName() + (masked == null ? "" : ": " + masked);
        String told = e instanceof RuntimeException ? texts.unexpectedError() : reason;
        if (store.raise(SOURCE_DOWN, ctx.clock().instant().toString())) {
            log.warn("Shift source {} unavailable, keeping the last good schedule until it works again: {}",
                    source.describe(), reason);
            String since = store.flag(SOURCE_DOWN).orElse("");
            tellAdmins(texts.sourceDown(source.describe(), told), "down|" + since);
        } else {
            log.debug("Shift source still unavailable: {}", reason);
        }
    }

    private void tellAdmins(String text, String key) {
        if (config.adminRoom() == null) {
            return;
        }
        try {
            ctx.matrix().send(engine.resolve(config.adminRoom()), OutgoingMessage.notice(text), engine.txnId("admin|" + key, ""));
        } catch (MatrixException | IllegalArgumentException e) {
            log.warn("Could not tell the admins' room {}: {}", config.adminRoom(), e.getMessage());
        }
    }

    void tick() {
        if (!started || closed) {
            return;
        }
        engine.tick();
    }

    // ---- commands

    private Texts textsFor(CommandInvocation inv) {
        return inv.locale().getLanguage().equals("en") ? Texts.of("en", config.address()) : texts;
    }

    private void remindersCommand(CommandInvocation inv) {
        Texts t = textsFor(inv);
        String name = config.commands().reminders().get(0);
        String arg = inv.argumentText().toLowerCase(Locale.ROOT);
        UserId user = inv.sender();
        switch (arg) {
            case "on", "oui", "yes" -> {
                store.optIn(user, true);
                inv.reply(t.optedIn());
                try {
                    engine.directRoom(user);
                } catch (MatrixException e) {
                    log.warn("Could not open a direct chat with {}: {}", user, e.getMessage());
                }
                replan();
            }
            case "off", "non", "no" -> {
                store.optIn(user, false);
                inv.reply(t.optedOut(name));
                replan();
            }
            default -> inv.reply(t.optInStatus(store.isOptedIn(user), name));
        }
    }

    private void replan() {
        Instant from = ctx.clock().instant();
        engine.replan(from, from.plus(settings.horizon()));
    }

    private void shiftsCommand(CommandInvocation inv) {
        Texts t = textsFor(inv);
        Instant now = ctx.clock().instant();
        LocalDate today = now.atZone(settings.zone()).toLocalDate();
        UserId user = inv.sender();
        List<Shift> mine = new ArrayList<>();
        for (Shift s : store.shifts(now, now.plus(settings.horizon()), settings.zone())) {
            if (s.members().stream().anyMatch(m -> m.matrixId().filter(user::equals).isPresent())) {
                mine.add(s);
            }
        }
        StringBuilder plain = new StringBuilder(t.weekToday(settings.cycle().letter(today)));
        StringBuilder html = new StringBuilder("<p>").append(Html.escape(t.weekToday(settings.cycle().letter(today)))).append("</p>");
        if (mine.isEmpty()) {
            plain.append('\n').append(t.noShifts(settings.horizon()));
            html.append("<p>").append(Html.escape(t.noShifts(settings.horizon()))).append("</p>");
        } else {
            plain.append('\n').append(t.nextShiftsTitle());
            html.append("<p>").append(Html.escape(t.nextShiftsTitle())).append("</p><ul>");
            for (Shift s : mine) {
                String line = t.shiftLine(s, settings.cycle().letter(s.start().toLocalDate()));
                plain.append("\n• ").append(line);
                html.append("<li>").append(Html.escape(line)).append("</li>");
            }
            html.append("</ul>");
        }
        inv.replyHtml(plain.toString(), html.toString());
    }
}
