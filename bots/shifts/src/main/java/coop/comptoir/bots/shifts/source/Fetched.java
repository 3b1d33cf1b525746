package coop.comptoir.bots.shifts.source;

import coop.comptoir.bots.shifts.Shift;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What one read of a source gave.
 *
 * @param shifts      the shifts starting in {@code [from, until)}, sorted by start
 * @param until       how far the schedule is complete: the end of the window asked for, or earlier
 *                    when {@link Limits#shifts} was reached (the shifts from there on are not known)
 * @param leftOut     what was left out, named (at most {@link Limits#NAMED})
 * @param moreLeftOut how many more things were left out, not named
 */
public record Fetched(List<Shift> shifts, Instant until, List<LeftOut> leftOut, int moreLeftOut) {
    public Fetched {
        shifts = List.copyOf(shifts);
        Objects.requireNonNull(until, "until");
        leftOut = List.copyOf(leftOut);
    }

    /** Everything up to {@code until}, nothing left out. */
    public static Fetched complete(List<Shift> shifts, Instant until) {
        return new Fetched(shifts, until, List.of(), 0);
    }
}
