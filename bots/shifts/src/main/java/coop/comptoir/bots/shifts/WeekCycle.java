package coop.comptoir.bots.shifts;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The coop's ABCD cycle: every member works once every four weeks, in week A, B, C or D. The letter
 * comes from an anchor date, a Monday of a week A: {@code "ABCD"[floor(days since anchor / 7) mod 4]}.
 * ISO week numbers play no part (a year has 52 or 53 of them, which would break the cycle at New
 * Year). Dates before the anchor are fine: the division rounds down and the modulo stays positive,
 * so the Sunday before the anchor is in week D.
 *
 * <p>Immutable; dates are the coop's local dates (take them in its time zone).
 */
public final class WeekCycle {
    public static final String LETTERS = "ABCD";

    private final LocalDate anchor;

    private WeekCycle(LocalDate anchor) {
        this.anchor = anchor;
    }

    /**
     * @param anchor a Monday of a week A
     * @throws IllegalArgumentException when {@code anchor} is not a Monday (naming its day)
     */
    public static WeekCycle anchoredAt(LocalDate anchor) {
        Objects.requireNonNull(anchor, "anchor");
        if (anchor.getDayOfWeek() != DayOfWeek.MONDAY) {
            LocalDate monday = anchor.with(TemporalAdjusters.previous(DayOfWeek.MONDAY));
            throw new IllegalArgumentException(anchor + " is a " + anchor.getDayOfWeek().toString().toLowerCase(java.util.Locale.ROOT)
                    + ", not a Monday (the Monday of that week is " + monday + ")");
        }
        return new WeekCycle(anchor);
    }

    public LocalDate anchor() {
        return anchor;
    }

    /** The week letter of a date: A, B, C or D. */
    public char letter(LocalDate date) {
        long days = ChronoUnit.DAYS.between(anchor, date);
        long week = Math.floorDiv(days, 7);
        return LETTERS.charAt((int) Math.floorMod(week, 4L));
    }

    /** The Monday starting the week of {@code date}. */
    public static LocalDate monday(LocalDate date) {
        return date.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
    }

    /** The first date on or after {@code from} that is a {@code day} of a week {@code letter}. */
    public LocalDate next(char letter, DayOfWeek day, LocalDate from) {
        int wanted = index(letter);
        LocalDate d = from.with(TemporalAdjusters.nextOrSame(day));
        int current = LETTERS.indexOf(letter(d));
        return d.plusWeeks(Math.floorMod(wanted - current, 4));
    }

    /** Every {@code day} of a week {@code letter} in {@code [from, until)}, in order. */
    public List<LocalDate> dates(char letter, DayOfWeek day, LocalDate from, LocalDate until) {
        List<LocalDate> out = new ArrayList<>();
        for (LocalDate d = next(letter, day, from); d.isBefore(until); d = d.plusWeeks(4)) {
            out.add(d);
        }
        return out;
    }

    /** Checks a letter: A, B, C or D (upper case). */
    public static int index(char letter) {
        int i = LETTERS.indexOf(letter);
        if (i < 0) {
            throw new IllegalArgumentException("week letter must be A, B, C or D, not " + letter);
        }
        return i;
    }

    @Override
    public String toString() {
        return "WeekCycle[A from " + anchor + "]";
    }
}
