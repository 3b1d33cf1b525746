package coop.comptoir.bots.shifts.source;

/**
 * Something a read left out to stay within its {@link Limits}, for the admins.
 *
 * @param kind    what happened
 * @param subject what it is about, from the source's data (an event's UID and summary, a template, a
 *                record; for {@link Kind#TOO_MANY_SHIFTS} the source's description): never a secret
 * @param limit   the limit that was reached
 */
public record LeftOut(Kind kind, String subject, int limit) {
    public enum Kind {
        /** An event recurs too often (more than {@link Limits#perEvent} in the horizon, or too densely to expand): left out whole. */
        RECURS_TOO_OFTEN,
        /** More shifts than {@link Limits#shifts}: the earliest are kept, up to {@link Fetched#until()}. */
        TOO_MANY_SHIFTS,
        /** A shift lists more than {@link Limits#MEMBERS} members: the first are kept. */
        TOO_MANY_MEMBERS
    }

    /** Stable while the same thing stays left out: the admins are told once per key. */
    public String key() {
        return kind == Kind.TOO_MANY_SHIFTS ? kind.name() : kind.name() + "|" + subject;
    }
}
