package coop.comptoir.bots.shifts;

import com.fasterxml.jackson.annotation.JsonProperty;
import coop.comptoir.api.config.RoomRef;
import coop.comptoir.bots.shifts.source.SourceConfig;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

/**
 * One shifts instance's section ({@code plugins: [{type: shifts, …}]}). Durations are written
 * {@code 48h}, {@code 2h30m}, {@code 30s}, {@code 14d}; rooms as an ID or alias. Bound by the
 * runtime, checked by {@link ShiftsPluginFactory#validate}.
 *
 * @param zone              the coop's time zone (default {@code Europe/Paris})
 * @param language          {@code fr} or {@code en}; null: the top-level {@code language:}
 * @param address           {@code tu} or {@code vous}, in French; null: the top-level {@code address:} (vous by default)
 * @param anchor            a Monday of a week A, e.g. {@code 2026-01-05}
 * @param source            where shifts come from: a mapping with {@code type: yaml|ical|odoo} and that type's keys
 * @param pollInterval      how often the source is read (default 5m)
 * @param tick              how often due reminders are looked for (default 30s); divides a minute or an hour
 * @param horizon           how far ahead shifts are read (default 14d)
 * @param teams             team key → room ID or alias of the team: the only rooms team reminders go to
 *                          (a room address written in the source is never used as one)
 * @param defaultRoom       the room of shifts whose team is not a key of {@code teams} (optional: without
 *                          it, they get no team reminder and the admins are told)
 * @param reminders         before each shift, reminders in the team's room (default [48h, 2h])
 * @param personalReminders before each shift, direct messages to members who opted in (default [24h])
 * @param understaffed      calls for help when seats are still free (optional)
 * @param adminRoom         where source outages are reported, once until they end (optional)
 * @param commands          command names (first) and aliases: {@code reminders} and {@code shifts}
 * @param limits            how much one read of the source may hold
 */
public record ShiftsConfig(
        ZoneId zone,
        String language,
        String address,
        @JsonProperty(required = true) String anchor,
        @JsonProperty(required = true) SourceConfig source,
        Duration pollInterval,
        Duration tick,
        Duration horizon,
        Map<String, RoomRef> teams,
        RoomRef defaultRoom,
        List<Duration> reminders,
        List<Duration> personalReminders,
        Understaffed understaffed,
        RoomRef adminRoom,
        Commands commands,
        Limits limits) {

    public ShiftsConfig {
        zone = zone == null ? ZoneId.of("Europe/Paris") : zone;
        pollInterval = pollInterval == null ? Duration.ofMinutes(5) : pollInterval;
        tick = tick == null ? Duration.ofSeconds(30) : tick;
        horizon = horizon == null ? Duration.ofDays(14) : horizon;
        teams = teams == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(teams));
        reminders = reminders == null ? List.of(Duration.ofHours(48), Duration.ofHours(2))
                : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(reminders));
        personalReminders = personalReminders == null ? List.of(Duration.ofHours(24))
                : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(personalReminders));
        commands = commands == null ? new Commands(null, null) : commands;
        limits = limits == null ? new Limits(null, null) : limits;
    }

    /** The source by its type only: its values may be credentials. */
    @Override
    public String toString() {
        String src = source == null ? "null" : "{type=" + (source instanceof coop.comptoir.bots.shifts.source.IcalSourceConfig ? "ical"
                : source instanceof coop.comptoir.bots.shifts.source.OdooSourceConfig ? "odoo" : "yaml") + "}";
        return "ShiftsConfig[zone=" + zone + ", language=" + language + ", address=" + address + ", anchor=" + anchor
                + ", source=" + src + ", pollInterval=" + pollInterval + ", tick=" + tick + ", horizon=" + horizon
                + ", teams=" + teams + ", defaultRoom=" + defaultRoom + ", reminders=" + reminders
                + ", personalReminders=" + personalReminders + ", understaffed=" + understaffed + ", adminRoom=" + adminRoom
                + ", commands=" + commands + ", limits=" + limits + "]";
    }

    /**
     * @param room   the volunteers room, where the call is posted and then edited
     * @param before how long before a shift free seats call for help (default 48h)
     */
    public record Understaffed(@JsonProperty(required = true) RoomRef room, Duration before) {
        public Understaffed {
            before = before == null ? Duration.ofHours(48) : before;
        }
    }

    /**
     * What one read of the source may hold, so that a calendar editor (or a slip: FREQ=MINUTELY for
     * WEEKLY) cannot exhaust memory or flood the database and the rooms. The admins are told once
     * what was left out.
     *
     * @param occurrencesPerEvent instances of one recurring event within the horizon (default 500): an
     *                            iCalendar event with more is left out whole
     * @param shifts              shifts of one read (default 5000): beyond, the earliest are kept
     */
    public record Limits(Integer occurrencesPerEvent, Integer shifts) {
        public Limits {
            occurrencesPerEvent = occurrencesPerEvent == null
                    ? coop.comptoir.bots.shifts.source.Limits.DEFAULT.perEvent() : occurrencesPerEvent;
            shifts = shifts == null ? coop.comptoir.bots.shifts.source.Limits.DEFAULT.shifts() : shifts;
        }
    }

    /**
     * @param reminders the opt-in command, then its aliases (default [rappels, reminders]; empty: none)
     * @param shifts    the "my next shifts" command, then its aliases (default [services, shifts]; empty: none)
     */
    public record Commands(List<String> reminders, List<String> shifts) {
        public Commands {
            reminders = reminders == null ? List.of("rappels", "reminders") : List.copyOf(reminders);
            shifts = shifts == null ? List.of("services", "shifts") : List.copyOf(shifts);
        }
    }
}
