package coop.comptoir.bots.shifts;

import coop.comptoir.api.id.UserId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One concrete shift ("service", "créneau") as a source sees it at one poll: a team working from
 * {@code start} to {@code end}, with the members registered and the seats still free.
 *
 * @param id        stable across polls and restarts, unique within one plugin instance; reminders
 *                  are remembered by it (e.g. {@code yaml:samedi-matin-A:2026-11-28},
 *                  {@code ical:<UID>:<recurrence instant>}, {@code odoo:shift.shift:123})
 * @param title     a short human name ("Samedi matin", the Odoo template name, the event summary)
 * @param team      the team key used to route reminders to a room (config), if the source knows it
 * @param start     start, in the coop's time zone
 * @param end       end, after {@code start}
 * @param seatsMax  seats in total, or 0 when the source does not know
 * @param seatsFree seats still free (never negative), 0 when unknown
 * @param members   who is registered, in the source's order
 */
public record Shift(String id, String title, Optional<String> team, ZonedDateTime start, ZonedDateTime end,
                    int seatsMax, int seatsFree, List<Member> members) {

    public Shift {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(team, "team");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        if (!end.isAfter(start)) {
            throw new IllegalArgumentException("shift " + id + ": end " + end + " is not after start " + start);
        }
        if (seatsMax < 0 || seatsFree < 0) {
            throw new IllegalArgumentException("shift " + id + ": negative seats");
        }
        members = List.copyOf(members);
    }

    /**
     * A registered member: a name to show, and a Matrix ID when the coop's mapping knows it (only
     * those are mentioned and can get personal reminders).
     */
    public record Member(String displayName, Optional<UserId> matrixId) {
        public Member {
            Objects.requireNonNull(displayName, "displayName");
            Objects.requireNonNull(matrixId, "matrixId");
        }
    }
}
