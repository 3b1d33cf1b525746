package coop.comptoir.bots.shifts;

import coop.comptoir.api.command.CommandName;
import coop.comptoir.api.config.ConfigDurations;
import coop.comptoir.api.config.Problems;
import coop.comptoir.api.config.RoomRef;
import coop.comptoir.api.plugin.Plugin;
import coop.comptoir.api.plugin.PluginConfig;
import coop.comptoir.api.plugin.PluginContext;
import coop.comptoir.api.plugin.PluginFactory;
import coop.comptoir.bots.shifts.source.ShiftSource;
import coop.comptoir.bots.shifts.source.ShiftSources;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code type: shifts}: shift reminders in team rooms and by direct message, calls for help, {@code !services}. */
public final class ShiftsPluginFactory implements PluginFactory<ShiftsConfig> {
    @Override
    public String type() {
        return "shifts";
    }

    @Override
    public Class<ShiftsConfig> configType() {
        return ShiftsConfig.class;
    }

    @Override
    public void validate(ShiftsConfig config, PluginConfig section, Problems problems) {
        settings(config, section, problems, null, null);
    }

    /** The names under {@code commands.reminders} and {@code commands.shifts}: a second instance gives its own. */
    @Override
    public List<CommandName> commands(ShiftsConfig config, PluginConfig section) {
        ShiftsConfig.Commands c = config.commands();
        Problems at = Problems.root(section.path()).at("commands");
        List<CommandName> names = new ArrayList<>();
        for (int i = 0; i < c.reminders().size(); i++) {
            names.add(CommandName.of(c.reminders().get(i), at.at("reminders").at(i).path()));
        }
        for (int i = 0; i < c.shifts().size(); i++) {
            names.add(CommandName.of(c.shifts().get(i), at.at("shifts").at(i).path()));
        }
        return names;
    }

    @Override
    public Plugin create(ShiftsConfig config, PluginContext context) {
        Problems problems = Problems.root(context.config().path());
        Settings settings = settings(config, context.config(), problems, context.http(), context.log());
        problems.throwIfAny();
        return new ShiftsPlugin(context, settings);
    }

    /** The section checked and compiled. */
    record Settings(ShiftsConfig config, ZoneId zone, WeekCycle cycle, ShiftSource source, Duration horizon, Map<String, String> teams, List<Duration> reminders, List<Duration> personal,
                    Duration helpBefore, String pollCron, String tickCron) {}

    /**
     * Checks a bound section and makes its source; every problem goes to {@code problems}, each
     * naming its key path. No I/O.
     */
    static Settings settings(ShiftsConfig c, PluginConfig section, Problems problems, okhttp3.OkHttpClient http,
                             org.slf4j.Logger log) {
        ZoneId zone = c.zone();
        if (c.language() != null && !coop.comptoir.api.text.Catalogue.speaks(Texts.BUNDLE, c.language(), Texts.class)) {
            problems.add("language", "fr or en, not \"" + c.language() + "\"");
        }
        if (c.address() != null && !coop.comptoir.api.text.TextSettings.isAddress(c.address())) {
            problems.add("address", "tu or vous, not \"" + c.address() + "\"");
        }
        WeekCycle cycle = null;
        try {
            cycle = WeekCycle.anchoredAt(LocalDate.parse(c.anchor().strip()));
        } catch (DateTimeParseException e) {
            problems.add("anchor", "\"" + c.anchor() + "\" is not a date (a Monday of a week A, e.g. 2026-01-05)");
        } catch (IllegalArgumentException e) {
            problems.add("anchor", e.getMessage());
        }
        String pollCron = cron(c.pollInterval(), problems.at("poll_interval"));
        String tickCron = cron(c.tick(), problems.at("tick"));
        Duration horizon = c.horizon();
        if (horizon.compareTo(Duration.ofHours(1)) < 0 || horizon.compareTo(Duration.ofDays(366)) > 0) {
            problems.add("horizon", "between 1h and 366d");
        }
        List<Duration> reminders = offsets(c.reminders(), problems.at("reminders"));
        List<Duration> personal = offsets(c.personalReminders(), problems.at("personal_reminders"));
        Map<String, String> teams = new LinkedHashMap<>();
        c.teams().forEach((team, room) -> {
            if (room == null) {
                problems.at("teams").add(team, "missing: " + RoomRef.HOW);
            } else {
                teams.put(team, room.value());
            }
        });
        Duration helpBefore = null;
        if (c.understaffed() != null) {
            helpBefore = c.understaffed().before();
            if (helpBefore.isZero() || helpBefore.isNegative()) {
                problems.add("understaffed.before", "must be positive");
            }
        }
        coop.comptoir.bots.shifts.source.Limits limits = limits(c.limits(), problems.at("limits"));
        Set<String> names = new HashSet<>();
        commands(c.commands().reminders(), problems.at("commands").at("reminders"), names);
        commands(c.commands().shifts(), problems.at("commands").at("shifts"), names);
        ShiftSource source = null;
        if (cycle != null) {
            source = ShiftSources.create(c.source(), new ShiftSources.Context(section, problems.pathOf("source"),
                    zone, cycle, http, log == null ? org.slf4j.LoggerFactory.getLogger(ShiftSources.class) : log, limits),
                    problems.at("source"));
        }
        return new Settings(c, zone, cycle, source, horizon, java.util.Collections.unmodifiableMap(teams), reminders, personal,
                helpBefore, pollCron, tickCron);
    }

    /** At most this many shifts or instances a read: the limits guard memory, they are not a switch to turn off. */
    static final int MAX_LIMIT = 100_000;

    private static coop.comptoir.bots.shifts.source.Limits limits(ShiftsConfig.Limits l, Problems problems) {
        int perEvent = l.occurrencesPerEvent();
        int shifts = l.shifts();
        if (perEvent < 1 || perEvent > MAX_LIMIT) {
            problems.add("occurrences_per_event", "between 1 and " + MAX_LIMIT);
            perEvent = coop.comptoir.bots.shifts.source.Limits.DEFAULT.perEvent();
        }
        if (shifts < 1 || shifts > MAX_LIMIT) {
            problems.add("shifts", "between 1 and " + MAX_LIMIT);
            shifts = coop.comptoir.bots.shifts.source.Limits.DEFAULT.shifts();
        }
        return new coop.comptoir.bots.shifts.source.Limits(perEvent, shifts);
    }

    private static String cron(Duration d, Problems at) {
        try {
            return Cadence.cron(d);
        } catch (IllegalArgumentException e) {
            at.add(null, e.getMessage());
            return null;
        }
    }

    private static List<Duration> offsets(List<Duration> offsets, Problems at) {
        List<Duration> out = new ArrayList<>();
        for (int i = 0; i < offsets.size(); i++) {
            Duration d = offsets.get(i);
            if (d == null) {
                at.at(i).add(null, "missing: " + ConfigDurations.HOW);
            } else if (d.isNegative() || d.isZero()) {
                at.at(i).add(null, "must be positive (how long before the shift)");
            } else if (out.contains(d)) {
                at.at(i).add(null, ConfigDurations.format(d) + " is listed twice");
            } else {
                out.add(d);
            }
        }
        return List.copyOf(out);
    }

    private static void commands(List<String> names, Problems at, Set<String> seen) {
        for (int i = 0; i < names.size(); i++) {
            String n = names.get(i);
            if (n == null || !n.matches("[a-z0-9][a-z0-9_-]*")) {
                at.at(i).add(null, "lower-case letters, digits, - or _");
            } else if (!seen.add(n)) {
                at.at(i).add(null, n + " is used twice");
            }
        }
    }
}
