package coop.comptoir.bots.shifts.source;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.Temporal;
import java.time.temporal.TemporalAmount;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import net.fortuna.ical4j.model.Parameter;
import net.fortuna.ical4j.model.Period;
import net.fortuna.ical4j.model.Property;
import net.fortuna.ical4j.model.Recur;
import net.fortuna.ical4j.model.component.VEvent;
import net.fortuna.ical4j.model.parameter.Value;
import net.fortuna.ical4j.model.property.DateListProperty;
import net.fortuna.ical4j.model.property.ExRule;
import net.fortuna.ical4j.model.property.RDate;
import net.fortuna.ical4j.model.property.RRule;

/**
 * The instances of one event in a window, computed within bounds.
 *
 * <p>ical4j's {@code calculateRecurrenceSet} expands a rule over the whole window without a limit
 * (FREQ=SECONDLY over 14 days: 1.2 million instances), and before the window it steps from DTSTART
 * one interval at a time (FREQ=SECONDLY since 2000: 800 million steps), keeping every instance of a
 * COUNT rule it passes. So each rule is costed first, from its fields alone, without running it:
 * the steps ical4j would take before and in the window, the instances one step can make (BYHOUR ×
 * BYMINUTE × … lists) and, for a COUNT rule, the instances it would keep before the window. A rule
 * within bounds is then run with a maximum count ({@code Recur.getDates(seed, start, end, max)}),
 * which ical4j honours while it runs. An event over a bound recurs too often to be a shift series
 * ({@link TooOften}); a read whose events together cost too much fails ({@link ReadTooCostly}).
 *
 * <p>One per read; not thread-safe.
 */
final class Recurrences {
    /** Steps of ical4j one event may cost (a few tenths of a second at most). */
    static final long EVENT_STEPS = 2_000_000;
    /** Steps one read may cost, all events together (a few seconds at most). */
    static final long READ_STEPS = 20_000_000;
    /** Instances one step of a rule may make (BYHOUR=0,…,23 × BYMINUTE=0,…,59 × … is refused). */
    static final long STEP_INSTANCES = 10_000;
    /** Instances before the window a COUNT rule may make ical4j keep in memory. */
    static final long KEPT_BEFORE = 50_000;
    /** ical4j gives up after this many steps in a row without an instance (its maxincrementcount). */
    private static final long EMPTY_STEPS = 1_000;
    /**
     * Instances ical4j may give just outside {@code [from, to)}: one at {@code to} (its window is
     * closed), one in the second of {@code from} (it compares to the second).
     */
    private static final int BOUNDARY = 2;

    /** The event recurs more than allowed in the window, or too densely to be expanded. */
    static final class TooOften extends Exception {
        TooOften() {
            super(null, null, false, false);
        }
    }

    /** All events of the read together would cost more than {@link #READ_STEPS}. */
    static final class ReadTooCostly extends Exception {
        ReadTooCostly() {
            super(null, null, false, false);
        }
    }

    /** A property ical4j cannot follow; the caller names it with the event. */
    static final class BadProperty extends Exception {
        final String property;

        BadProperty(String property, RuntimeException cause) {
            super(cause);
            this.property = property;
        }
    }

    /** One instance: start and end instants. */
    record Instance(Instant start, Instant end) {}

    private final int perEvent;
    private final ZoneId floating;
    private long readSteps;
    private long eventSteps;

    /**
     * @param perEvent the instances one event may have in a window
     * @param floating the zone of floating times
     */
    Recurrences(int perEvent, ZoneId floating) {
        this.perEvent = perEvent;
        this.floating = floating;
    }

    /**
     * The instances of a master event starting in {@code [from, to)}, sorted, one per start: DTSTART
     * when it has no RRULE, the instances of its RRULEs and its RDATEs, less its EXDATEs and EXRULEs
     * (matched by instant).
     *
     * @param dtstart  its DTSTART, a date-time
     * @param duration how long each instance lasts (an RDATE period has its own end)
     */
    List<Instance> of(VEvent e, Temporal dtstart, TemporalAmount duration, Instant from, Instant to)
            throws TooOften, ReadTooCostly, BadProperty {
        eventSteps = 0;
        TreeMap<Instant, Instance> found = new TreeMap<>();
        List<RRule<Temporal>> rules = e.getProperties(Property.RRULE);
        if (rules.isEmpty()) {
            add(found, dtstart, null, duration, from, to, Property.DTSTART);
        }
        for (RRule<Temporal> rule : rules) {
            for (Temporal d : dates(rule::getRecur, dtstart, from, to, Property.RRULE)) {
                add(found, d, null, duration, from, to, Property.RRULE);
            }
        }
        for (RDate<Temporal> rdate : e.<RDate<Temporal>>getProperties(Property.RDATE)) {
            try {
                if (rdate.getParameter(Parameter.VALUE).map(Value.PERIOD::equals).orElse(false)) {
                    for (Period<Temporal> p : rdate.getPeriods().orElse(Set.of())) {
                        add(found, p.getStart(), p.getEnd(), duration, from, to, Property.RDATE);
                    }
                } else {
                    for (Temporal d : rdate.getDates()) {
                        add(found, d, null, duration, from, to, Property.RDATE);
                    }
                }
            } catch (RuntimeException ex) {
                throw new BadProperty(Property.RDATE, ex);
            }
        }
        if (found.isEmpty()) {
            return List.of();
        }
        Set<Instant> excluded = new HashSet<>();
        for (DateListProperty<Temporal> exdate : e.<DateListProperty<Temporal>>getProperties(Property.EXDATE)) {
            try {
                exdate.getDates().forEach(d -> excluded.add(instant(d)));
            } catch (RuntimeException ex) {
                throw new BadProperty(Property.EXDATE, ex);
            }
        }
        for (ExRule<Temporal> rule : e.<ExRule<Temporal>>getProperties(Property.EXRULE)) {
            dates(rule::getRecur, dtstart, from, to, Property.EXRULE).forEach(d -> excluded.add(instant(d)));
        }
        found.keySet().removeAll(excluded);
        return List.copyOf(found.values());
    }

    /** An instant for a date-time of the feed: floating times in the floating zone, dates at their start of day. */
    Instant instant(Temporal t) {
        if (t instanceof LocalDateTime ldt) {
            return ldt.atZone(floating).toInstant();
        }
        if (t instanceof LocalDate d) {
            return d.atStartOfDay(floating).toInstant();
        }
        return Instant.from(t);
    }

    private void add(TreeMap<Instant, Instance> found, Temporal start, Temporal end, TemporalAmount duration, Instant from,
                     Instant to, String property) throws BadProperty, TooOften {
        try {
            Instant s = instant(start);
            if (s.isBefore(from) || !s.isBefore(to) || found.containsKey(s)) {
                return;
            }
            found.put(s, new Instance(s, instant(end != null ? end : start.plus(duration))));
        } catch (RuntimeException ex) {
            throw new BadProperty(property, ex);
        }
        if (found.size() > perEvent) {
            throw new TooOften();
        }
    }

    /** What a rule property gives, read lazily so that a parse error is named by its property. */
    private interface RuleOf {
        Recur<Temporal> get();
    }

    /**
     * A rule's dates around the window, once its cost is known to be bearable; {@link TooOften} when
     * ical4j stops at the maximum asked for: the rule has more, the list would be cut.
     */
    private List<Temporal> dates(RuleOf property, Temporal seed, Instant from, Instant to, String name)
            throws TooOften, ReadTooCostly, BadProperty {
        Recur<Temporal> recur;
        Temporal lo = like(seed, from);
        Temporal hi = like(seed, to);
        long cost;
        try {
            recur = property.get();
            if (recur.getUntil() != null && instant(recur.getUntil()).isBefore(from.minus(1, ChronoUnit.DAYS))) {
                return List.of(); // over before the window: nothing to step through
            }
            cost = cost(recur, seed, lo, hi);
        } catch (RuntimeException ex) {
            throw new BadProperty(name, ex);
        }
        eventSteps = saturated(eventSteps, cost);
        if (eventSteps > EVENT_STEPS) {
            throw new TooOften();
        }
        readSteps = saturated(readSteps, cost);
        if (readSteps > READ_STEPS) {
            throw new ReadTooCostly();
        }
        int max = perEvent + BOUNDARY + 1;
        List<Temporal> dates;
        try {
            dates = recur.getDates(seed, lo, hi, max);
        } catch (RuntimeException ex) {
            throw new BadProperty(name, ex);
        }
        if (dates.size() >= max) {
            throw new TooOften();
        }
        return dates;
    }

    /**
     * The steps ical4j would take for {@code recur} from {@code seed} through {@code [lo, hi]}, with
     * at most {@code perEvent + 1} instances (give or take the boundaries); {@link TooOften} if a step or the instances kept before
     * the window would be too many.
     */
    long cost(Recur<?> recur, Temporal seed, Temporal lo, Temporal hi) throws TooOften {
        ChronoUnit unit = switch (recur.getFrequency()) {
            case SECONDLY -> ChronoUnit.SECONDS;
            case MINUTELY -> ChronoUnit.MINUTES;
            case HOURLY -> ChronoUnit.HOURS;
            case DAILY -> ChronoUnit.DAYS;
            case WEEKLY -> ChronoUnit.WEEKS;
            case MONTHLY -> ChronoUnit.MONTHS;
            case YEARLY -> ChronoUnit.YEARS;
        };
        long interval = Math.max(1, recur.getInterval());
        LocalDateTime s = local(seed);
        LocalDateTime a = local(lo);
        LocalDateTime b = local(hi);
        long before = s.isBefore(a) ? unit.between(s, a) / interval + 1 : 0;
        LocalDateTime first = s.isAfter(a) ? s : a;
        long within = b.isBefore(first) ? 0 : unit.between(first, b) / interval + 1;
        long perStep = perStep(recur, unit);
        if (perStep > STEP_INSTANCES) {
            throw new TooOften();
        }
        long pre = before; // without COUNT, ical4j jumps to the window one interval at a time
        if (recur.getCount() > 0) {
            // with COUNT, it makes every instance before the window, and keeps them
            if (Math.min(times(before, perStep), recur.getCount()) > KEPT_BEFORE) {
                throw new TooOften();
            }
            pre = times(Math.min(before, times(recur.getCount(), EMPTY_STEPS + 1)), perStep);
        }
        long in = times(Math.min(within, times(perEvent + 1L, EMPTY_STEPS + 1)), perStep);
        return saturated(pre, in);
    }

    /** At most how many instances one step of {@code recur} makes: its expanding BY lists multiplied. */
    private static long perStep(Recur<?> recur, ChronoUnit unit) {
        boolean byDay = !recur.getDayList().isEmpty();
        long days = switch (unit) {
            case YEARS -> byDay || !recur.getMonthList().isEmpty() || !recur.getWeekNoList().isEmpty()
                    || !recur.getYearDayList().isEmpty() || !recur.getMonthDayList().isEmpty() ? 366 : 1;
            case MONTHS -> byDay || !recur.getMonthDayList().isEmpty() ? 31 : 1;
            case WEEKS -> byDay ? 7 : 1;
            default -> 1;
        };
        long hours = unit.compareTo(ChronoUnit.HOURS) > 0 ? Math.max(1, recur.getHourList().size()) : 1;
        long minutes = unit.compareTo(ChronoUnit.MINUTES) > 0 ? Math.max(1, recur.getMinuteList().size()) : 1;
        long seconds = unit.compareTo(ChronoUnit.SECONDS) > 0 ? Math.max(1, recur.getSecondList().size()) : 1;
        return times(times(days, hours), times(minutes, seconds));
    }

    /** {@code t} as the same kind of value as {@code seed}: ical4j compares like with like. */
    private Temporal like(Temporal seed, Instant t) {
        if (seed instanceof ZonedDateTime z) {
            return t.atZone(z.getZone());
        }
        if (seed instanceof OffsetDateTime o) {
            return t.atOffset(o.getOffset());
        }
        if (seed instanceof LocalDateTime) {
            return LocalDateTime.ofInstant(t, floating);
        }
        if (seed instanceof LocalDate) {
            return LocalDate.ofInstant(t, floating);
        }
        return t;
    }

    /** The wall time of a value, for counting steps. */
    private static LocalDateTime local(Temporal t) {
        if (t instanceof ZonedDateTime z) {
            return z.toLocalDateTime();
        }
        if (t instanceof OffsetDateTime o) {
            return o.toLocalDateTime();
        }
        if (t instanceof LocalDateTime ldt) {
            return ldt;
        }
        if (t instanceof LocalDate d) {
            return d.atStartOfDay();
        }
        return LocalDateTime.ofInstant(Instant.from(t), ZoneOffset.UTC);
    }

    private static long times(long a, long b) {
        long high = Math.multiplyHigh(a, b);
        return high != 0 || a * b < 0 ? Long.MAX_VALUE : a * b;
    }

    private static long saturated(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }
}
