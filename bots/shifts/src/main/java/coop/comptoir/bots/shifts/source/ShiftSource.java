package coop.comptoir.bots.shifts.source;

import coop.comptoir.bots.shifts.Shift;
import java.io.IOException;
import java.time.Instant;
import java.util.List;

/**
 * Where a coop's shifts come from: a YAML file of recurring templates, an iCalendar feed, or Odoo.
 * One instance per configured source; the plugin polls it on its scheduler thread.
 */
public interface ShiftSource {

    /**
     * The shifts starting in {@code [from, to)}, sorted by start, within the source's {@link Limits}:
     * what it left out is in the answer, and the shifts are complete up to {@link Fetched#until()}.
     * Called from one thread at a time; may block on the network or disk.
     *
     * @throws IOException          when the source cannot be reached or read (the plugin keeps the
     *                              last good schedule and tells the admins once)
     * @throws ShiftSourceException when the data is there but wrong: the message names the entry
     *                              (event UID, template name, record id) and the field
     */
    Fetched read(Instant from, Instant to) throws IOException, ShiftSourceException;

    /** The shifts of {@link #read}, for tools and tests. */
    default List<Shift> fetch(Instant from, Instant to) throws IOException, ShiftSourceException {
        return read(from, to).shifts();
    }

    /** A short description for logs and admin notices ("iCalendar https://…/shifts.ics"); no secrets. */
    String describe();

    /**
     * {@code text} (e.g. the message of an unexpected exception, which a library may have filled
     * with a header value) with this source's secrets replaced by {@code ***}; null stays null.
     */
    default String mask(String text) {
        return text;
    }
}
