package coop.comptoir.bots.shifts.source;

/**
 * How much one read of a source may hold. Whoever edits the calendar (or a slip: FREQ=MINUTELY for
 * WEEKLY) must not be able to exhaust the memory, flood the database or the rooms: a read keeps at
 * most {@code shifts} shifts (the earliest), an iCalendar event with more than {@code perEvent}
 * instances in the horizon is left out, and the admins are told once.
 *
 * @param perEvent instances of one recurring event in the horizon (iCalendar); an event with more is
 *                 not a shift series but a mistake or an attack, and is left out whole
 * @param shifts   shifts of one read; beyond, only the earliest are kept, up to a start time
 */
public record Limits(int perEvent, int shifts) {
    /** 500 instances of one event, 5,000 shifts per read. */
    public static final Limits DEFAULT = new Limits(500, 5_000);
    /** The members kept per shift (a shift listing more keeps the first ones, and the admins are told). */
    public static final int MEMBERS = 100;
    /** Characters kept of a title, a team key and a member's name. */
    static final int TITLE = 200, TEAM = 200, NAME = 100;
    /** What was left out is named one by one up to this many times per read; the rest is counted. */
    public static final int NAMED = 20;

    public Limits {
        if (perEvent < 1 || shifts < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }
}
