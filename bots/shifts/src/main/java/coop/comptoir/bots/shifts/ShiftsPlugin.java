package coop.comptoir.bots.shifts;

import coop.comptoir.api.config.ConfigDurations;
import coop.comptoir.api.command.Command;
import coop.comptoir.api.command.CommandInvocation;
import coop.comptoir.api.id.UserId;
import coop.comptoir.api.matrix.Html;
import coop.comptoir.api.matrix.MatrixException;
import coop.comptoir.api.matrix.OutgoingMessage;
import coop.comptoir.api.plugin.Plugin;
import coop.comptoir.api.plugin.PluginContext;
import coop.comptoir.bots.shifts.source.Fetched;
import coop.comptoir.bots.shifts.source.LeftOut;
import coop.comptoir.bots.shifts.source.ShiftSource;
import coop.comptoir.bots.shifts.source.ShiftSourceException;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
    private final ShiftsFlags flags;
    private final Told told;
    private final ReminderEngine engine;
    private final Object pollLock = new Object();
    private volatile boolean started;
    private volatile boolean closed;

    ShiftsPlugin(PluginContext ctx, ShiftsPluginFactory.Settings settings) {
        this.ctx = ctx;
        this.settings = settings;
        this.config = settings.config();
        this.log = ctx.log();
        this.texts = Texts.of(ctx.texts().withLanguage(config.language()).withAddress(config.address()));
        this.store = new ShiftsStore(ctx.database(), ctx.instanceId());
        this.flags = new ShiftsFlags(ctx.database(), ctx.instanceId());
        this.told = new Told(flags);
        String optIn = config.commands().reminders().isEmpty() ? "rappels" : config.commands().reminders().get(0);
        this.engine = new ReminderEngine(store, ctx.matrix(), ctx.clock(), texts,
                new ReminderEngine.Settings(ctx.instanceId(), settings.zone(), settings.reminders(), settings.personal(),
                        config.understaffed() == null ? null : config.understaffed().room().value(), settings.helpBefore(), optIn,
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

    /**
     * The room of a shift's team: the room configured for its key under {@code teams}, else the
     * default room, else none (null). Only configured rooms: whoever edits the source (a calendar, a
     * template, Odoo) chooses the team, never the room, so a room address written there is a team key
     * like any other, never a destination.
     */
    String teamRoom(Shift s) {
        String mapped = s.team().map(settings.teams()::get).orElse(null);
        return mapped != null ? mapped : address(config.defaultRoom());
    }

    private void registerCommands() {
        List<String> r = config.commands().reminders();
        if (!r.isEmpty()) {
            register(Command.of(r.get(0), texts.in("fr").optInHelp(r.get(0)),
                    texts.in("en").optInHelp(r.get(0)), this::remindersCommand)
                    .withAliases(r.subList(1, r.size()).toArray(String[]::new)));
        }
        List<String> s = config.commands().shifts();
        if (!s.isEmpty()) {
            register(Command.of(s.get(0), texts.in("fr").shiftsHelp(), texts.in("en").shiftsHelp(),
                    this::shiftsCommand).withAliases(s.subList(1, s.size()).toArray(String[]::new)));
        }
    }

    /** A clash with another instance's command stops start-up (check-config reports it first). */
    private void register(Command c) {
        ctx.commands().register(c);
    }

    @Override
    public void start() {
        Set<String> rooms = new LinkedHashSet<>(settings.teams().values());
        if (config.defaultRoom() != null) {
            rooms.add(config.defaultRoom().value());
        }
        if (config.understaffed() != null) {
            rooms.add(config.understaffed().room().value());
        }
        if (config.adminRoom() != null) {
            rooms.add(config.adminRoom().value());
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
                settings.source().describe(), settings.reminders().stream().map(ConfigDurations::format).toList(),
                settings.personal().stream().map(ConfigDurations::format).toList(),
                config.understaffed() == null ? "" : ", calls for help " + ConfigDurations.format(settings.helpBefore()) + " before in "
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
            Fetched fetched;
            try {
                fetched = settings.source().read(from, to);
            } catch (IOException | ShiftSourceException | RuntimeException e) {
                sourceDown(e);
                return;
            }
            // Up to where the read is complete: beyond, the stored schedule and its reminders stay as they were.
            engine.plan(fetched.shifts(), from, fetched.until());
            flags.lower(SOURCE_DOWN).ifPresent(since -> {
                log.info("Shift source {} works again; reminders follow its schedule", settings.source().describe());
                tellAdmins(texts.sourceBack(settings.source().describe()), "back|" + since);
            });
            tellProblems(fetched, from);
        }
    }

    /**
     * What the read left out, and the teams whose shifts have no room: the admins (and the log) hear
     * of each once, while it lasts.
     */
    private void tellProblems(Fetched fetched, Instant from) {
        Map<String, Problem> problems = new LinkedHashMap<>();
        for (LeftOut l : fetched.leftOut()) {
            problems.put(l.key(), new Problem(texts.leftOut(l, settings.horizon(), fetched.until().atZone(settings.zone())),
                    l.kind() + " " + l.subject() + " (limit " + l.limit() + ")"));
        }
        int more = fetched.moreLeftOut();
        Set<String> teams = new LinkedHashSet<>();
        for (Shift s : fetched.shifts()) {
            if (teamRoom(s) == null && teams.add(s.team().orElse(""))) {
                if (teams.size() > coop.comptoir.bots.shifts.source.Limits.NAMED) {
                    more++;
                    continue;
                }
                String team = s.team().orElse("");
                problems.put("team|" + team, new Problem(texts.teamWithoutRoom(team),
                        "no room for team '" + team + "' (not under teams, and no default_room)"));
            }
        }
        if (more > 0) {
            problems.put("more", new Problem(texts.moreLeftOut(more), more + " more"));
        }
        List<Problem> fresh = told.fresh(problems);
        if (fresh.isEmpty()) {
            return;
        }
        log.warn("Shift source {}: left out or without a room (the admins are told once): {}", settings.source().describe(),
                String.join("; ", fresh.stream().map(Problem::logged).toList()));
        tellAdmins(texts.problems(settings.source().describe(), fresh.stream().map(Problem::told).toList()), "problems|" + from);
    }

    /** A problem of the schedule: what the admins read, and the log line (in English). */
    private record Problem(String told, String logged) {}

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
        if (flags.raise(SOURCE_DOWN, ctx.clock().instant().toString())) {
            log.warn("Shift source {} unavailable, keeping the last good schedule until it works again: {}",
                    source.describe(), reason);
            String since = flags.flag(SOURCE_DOWN).orElse("");
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
            ctx.matrix().send(engine.resolve(config.adminRoom().value()), OutgoingMessage.notice(text), engine.txnId("admin|" + key, ""));
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

    /**
     * The section's {@code language:} when it has one; else the invocation's (the router's language,
     * which follows the top-level one).
     */
    private Texts textsFor(CommandInvocation inv) {
        if (config.language() != null) {
            return texts;
        }
        return inv.locale().getLanguage().equals("en") ? texts.in("en") : texts;
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

    private static String address(coop.comptoir.api.config.RoomRef room) {
        return room == null ? null : room.value();
    }
}
