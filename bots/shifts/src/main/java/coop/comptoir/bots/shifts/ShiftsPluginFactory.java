package coop.comptoir.bots.shifts;

import coop.comptoir.api.command.CommandName;
import coop.comptoir.api.plugin.ConfigException;
import coop.comptoir.api.plugin.Plugin;
import coop.comptoir.api.plugin.PluginConfig;
import coop.comptoir.api.plugin.PluginContext;
import coop.comptoir.api.plugin.PluginFactory;
import coop.comptoir.bots.shifts.source.ShiftSource;
import coop.comptoir.bots.shifts.source.ShiftSources;
import java.time.DateTimeException;
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
public final class ShiftsPluginFactory implements PluginFactory {
    @Override
    public String type() {
        return "shifts";
    }

    @Override
    public void validate(PluginConfig config) {
        settings(config, null, null);
    }

    /** The names under {@code commands.reminders} and {@code commands.shifts}: a second instance gives its own. */
    @Override
    public List<CommandName> commands(PluginConfig config) {
        ShiftsConfig.Commands c = config.bind(ShiftsConfig.class).commands();
        List<CommandName> names = new ArrayList<>();
        for (int i = 0; i < c.reminders().size(); i++) {
            names.add(CommandName.of(c.reminders().get(i), config.path() + ".commands.reminders[" + i + "]"));
        }
        for (int i = 0; i < c.shifts().size(); i++) {
            names.add(CommandName.of(c.shifts().get(i), config.path() + ".commands.shifts[" + i + "]"));
        }
        return names;
    }

    @Override
    public Plugin create(PluginContext context) {
        return new ShiftsPlugin(context, settings(context.config(), context.http(), context.log()));
    }

    /** The section checked and compiled. */
    record Settings(ShiftsConfig config, ZoneId zone, WeekCycle cycle, ShiftSource source, Duration horizon, Map<String, String> teams, List<Duration> reminders, List<Duration> personal,
                    Duration helpBefore, String pollCron, String tickCron) {}

    /**
     * Binds and checks the section; throws the first problem with the others suppressed, each
     * naming its key path. No I/O.
     */
    static Settings settings(PluginConfig section, okhttp3.OkHttpClient http, org.slf4j.Logger log) {
        ShiftsConfig c = section.bind(ShiftsConfig.class);
        String path = section.path();
        List<ConfigException> errors = new ArrayList<>();
        ZoneId zone = ZoneId.of("Europe/Paris");
        try {
            zone = ZoneId.of(c.zone());
        } catch (DateTimeException e) {
            errors.add(new ConfigException(path + ".zone", "\"" + c.zone() + "\" is not a time zone (e.g. Europe/Paris)"));
        }
        if (c.language() != null && !coop.comptoir.api.text.Catalogue.speaks(Texts.BUNDLE, c.language(), Texts.class)) {
            errors.add(new ConfigException(path + ".language", "fr or en, not \"" + c.language() + "\""));
        }
        if (c.address() != null && !coop.comptoir.api.text.TextSettings.isAddress(c.address())) {
            errors.add(new ConfigException(path + ".address", "tu or vous, not \"" + c.address() + "\""));
        }
        WeekCycle cycle = null;
        try {
            cycle = WeekCycle.anchoredAt(LocalDate.parse(c.anchor().strip()));
        } catch (DateTimeParseException e) {
            errors.add(new ConfigException(path + ".anchor", "\"" + c.anchor() + "\" is not a date (a Monday of a week A, e.g. 2026-01-05)"));
        } catch (IllegalArgumentException e) {
            errors.add(new ConfigException(path + ".anchor", e.getMessage()));
        }
        Duration poll = duration(c.pollInterval(), path + ".poll_interval", errors);
        Duration tick = duration(c.tick(), path + ".tick", errors);
        Duration horizon = duration(c.horizon(), path + ".horizon", errors);
        String pollCron = cron(poll, path + ".poll_interval", errors);
        String tickCron = cron(tick, path + ".tick", errors);
        if (horizon != null && (horizon.compareTo(Duration.ofHours(1)) < 0 || horizon.compareTo(Duration.ofDays(366)) > 0)) {
            errors.add(new ConfigException(path + ".horizon", "between 1h and 366d"));
        }
        List<Duration> reminders = offsets(c.reminders(), path + ".reminders", errors);
        List<Duration> personal = offsets(c.personalReminders(), path + ".personal_reminders", errors);
        Map<String, String> teams = new LinkedHashMap<>();
        c.teams().forEach((team, room) -> {
            if (!isRoomAddress(room)) {
                errors.add(new ConfigException(path + ".teams." + team, "not a room ID (!…) or alias (#…:server)"));
            } else {
                teams.put(team, room);
            }
        });
        room(c.defaultRoom(), path + ".default_room", errors);
        room(c.adminRoom(), path + ".admin_room", errors);
        Duration helpBefore = null;
        if (c.understaffed() != null) {
            room(c.understaffed().room(), path + ".understaffed.room", errors);
            helpBefore = duration(c.understaffed().before(), path + ".understaffed.before", errors);
            if (helpBefore != null && (helpBefore.isZero() || helpBefore.isNegative())) {
                errors.add(new ConfigException(path + ".understaffed.before", "must be positive"));
            }
        }
        coop.comptoir.bots.shifts.source.Limits limits = limits(c.limits(), path + ".limits", errors);
        Set<String> names = new HashSet<>();
        commands(c.commands().reminders(), path + ".commands.reminders", names, errors);
        commands(c.commands().shifts(), path + ".commands.shifts", names, errors);
        ShiftSource source = null;
        if (cycle != null) {
            try {
                // From raw(): values from the environment stay marked, hence hidden in the binder's errors.
                source = ShiftSources.create(section.raw().get("source"), new ShiftSources.Context(section, path + ".source",
                        zone, cycle, http, log == null ? org.slf4j.LoggerFactory.getLogger(ShiftSources.class) : log, limits));
            } catch (ConfigException e) {
                errors.add(e);
            }
        }
        if (!errors.isEmpty()) {
            ConfigException first = errors.get(0);
            errors.subList(1, errors.size()).forEach(first::addSuppressed);
            throw first;
        }
        return new Settings(c, zone, cycle, source, horizon, Map.copyOf(teams), reminders, personal, helpBefore,
                pollCron, tickCron);
    }

    /** At most this many shifts or instances a read: the limits guard memory, they are not a switch to turn off. */
    static final int MAX_LIMIT = 100_000;

    private static coop.comptoir.bots.shifts.source.Limits limits(ShiftsConfig.Limits l, String path, List<ConfigException> errors) {
        int perEvent = l.occurrencesPerEvent();
        int shifts = l.shifts();
        if (perEvent < 1 || perEvent > MAX_LIMIT) {
            errors.add(new ConfigException(path + ".occurrences_per_event", "between 1 and " + MAX_LIMIT));
            perEvent = coop.comptoir.bots.shifts.source.Limits.DEFAULT.perEvent();
        }
        if (shifts < 1 || shifts > MAX_LIMIT) {
            errors.add(new ConfigException(path + ".shifts", "between 1 and " + MAX_LIMIT));
            shifts = coop.comptoir.bots.shifts.source.Limits.DEFAULT.shifts();
        }
        return new coop.comptoir.bots.shifts.source.Limits(perEvent, shifts);
    }

    private static Duration duration(String text, String path, List<ConfigException> errors) {
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            errors.add(new ConfigException(path, e.getMessage()));
            return null;
        }
    }

    private static String cron(Duration d, String path, List<ConfigException> errors) {
        if (d == null) {
            return null;
        }
        try {
            return Cadence.cron(d);
        } catch (IllegalArgumentException e) {
            errors.add(new ConfigException(path, e.getMessage()));
            return null;
        }
    }

    private static List<Duration> offsets(List<String> texts, String path, List<ConfigException> errors) {
        List<Duration> out = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            Duration d = duration(texts.get(i), path + "[" + i + "]", errors);
            if (d == null) {
                continue;
            }
            if (d.isNegative() || d.isZero()) {
                errors.add(new ConfigException(path + "[" + i + "]", "must be positive (how long before the shift)"));
            } else if (out.contains(d)) {
                errors.add(new ConfigException(path + "[" + i + "]", Durations.format(d) + " is listed twice"));
            } else {
                out.add(d);
            }
        }
        return List.copyOf(out);
    }

    private static void room(String room, String path, List<ConfigException> errors) {
        if (room != null && !isRoomAddress(room)) {
            errors.add(new ConfigException(path, "not a room ID (!…) or alias (#…:server)"));
        }
    }

    private static void commands(List<String> names, String path, Set<String> seen, List<ConfigException> errors) {
        for (int i = 0; i < names.size(); i++) {
            String n = names.get(i);
            if (n == null || !n.matches("[a-z0-9][a-z0-9_-]*")) {
                errors.add(new ConfigException(path + "[" + i + "]", "lower-case letters, digits, - or _"));
            } else if (!seen.add(n)) {
                errors.add(new ConfigException(path + "[" + i + "]", n + " is used twice"));
            }
        }
    }

    static boolean isRoomAddress(String s) {
        return s != null && (s.matches("![^\\s]+") || s.matches("#[^\\s:]+:[^\\s]+"));
    }
}
