package coop.comptoir.bots.shifts.source;

import coop.comptoir.bots.shifts.Shift;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Gathers the shifts of one read within {@link Limits}, whatever order the source finds them in:
 * keeps the earliest {@link Limits#shifts} (memory stays bounded however many are offered), cuts
 * titles, team keys, names and member lists to their limits, and notes what it left out. One per
 * read; not thread-safe.
 */
final class ShiftCollector {
    private static final Comparator<Shift> ORDER = Comparator.comparing((Shift s) -> s.start().toInstant()).thenComparing(Shift::id);

    private final Limits limits;
    private final String described;
    /** The kept shifts, the latest first: it is the one to drop when an earlier one comes. */
    private final PriorityQueue<Shift> kept;
    private Instant firstDropped;
    private final Map<String, LeftOut> leftOut = new LinkedHashMap<>();
    private int moreLeftOut;

    /** @param described the source's description, the subject of {@link LeftOut.Kind#TOO_MANY_SHIFTS} */
    ShiftCollector(Limits limits, String described) {
        this.limits = limits;
        this.described = described;
        this.kept = new PriorityQueue<>(Math.min(limits.shifts(), 1024) + 1, ORDER.reversed());
    }

    /**
     * Offers a shift.
     *
     * @param entry what the source calls the entry it comes from (an event, a template, a record),
     *              named if its members are cut
     */
    void add(Shift s, String entry) {
        if (kept.size() >= limits.shifts()) {
            Shift latest = kept.peek();
            if (ORDER.compare(s, latest) >= 0) {
                dropped(s.start().toInstant());
                return;
            }
            kept.poll();
            dropped(latest.start().toInstant());
        }
        kept.add(trimmed(s, entry));
    }

    /** Notes that {@code subject} was left out (once per kind and subject). */
    void leaveOut(LeftOut.Kind kind, String subject, int limit) {
        LeftOut l = new LeftOut(kind, cut(subject, Limits.TITLE), limit);
        if (leftOut.containsKey(l.key())) {
            return;
        }
        if (leftOut.size() < Limits.NAMED) {
            leftOut.put(l.key(), l);
        } else {
            moreLeftOut++;
        }
    }

    /** The read's result: complete up to {@code to}, or up to the first shift dropped for the total limit. */
    Fetched finish(Instant to) {
        Instant until = to;
        if (firstDropped != null && firstDropped.isBefore(to)) {
            until = firstDropped;
            leaveOut(LeftOut.Kind.TOO_MANY_SHIFTS, described, limits.shifts());
        }
        List<Shift> out = new ArrayList<>(kept.size());
        for (Shift s : kept) {
            if (s.start().toInstant().isBefore(until)) {
                out.add(s);
            }
        }
        out.sort(ORDER);
        return new Fetched(out, until, new ArrayList<>(leftOut.values()), moreLeftOut);
    }

    private void dropped(Instant start) {
        if (firstDropped == null || start.isBefore(firstDropped)) {
            firstDropped = start;
        }
    }

    private Shift trimmed(Shift s, String entry) {
        List<Shift.Member> members = s.members();
        boolean cutMembers = members.size() > Limits.MEMBERS;
        if (cutMembers) {
            leaveOut(LeftOut.Kind.TOO_MANY_MEMBERS, entry, Limits.MEMBERS);
            members = members.subList(0, Limits.MEMBERS);
        }
        boolean longName = members.stream().anyMatch(m -> m.displayName().length() > Limits.NAME);
        if (longName) {
            members = members.stream().map(m -> new Shift.Member(cut(m.displayName(), Limits.NAME), m.matrixId())).toList();
        }
        boolean longTeam = s.team().filter(t -> t.length() > Limits.TEAM).isPresent();
        if (!cutMembers && !longName && !longTeam && s.title().length() <= Limits.TITLE) {
            return s;
        }
        return new Shift(s.id(), cut(s.title(), Limits.TITLE), s.team().map(t -> cut(t, Limits.TEAM)), s.start(), s.end(),
                s.seatsMax(), s.seatsFree(), members);
    }

    /** At most {@code max} characters, the last one an ellipsis when cut (never half a surrogate pair). */
    static String cut(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        int end = Math.max(0, max - 1);
        if (end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end) + "…";
    }
}
