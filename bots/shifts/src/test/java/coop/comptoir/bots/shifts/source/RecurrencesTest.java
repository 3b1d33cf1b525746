package coop.comptoir.bots.shifts.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.Temporal;
import java.util.List;
import net.fortuna.ical4j.data.CalendarBuilder;
import net.fortuna.ical4j.model.Component;
import net.fortuna.ical4j.model.Period;
import net.fortuna.ical4j.model.Property;
import net.fortuna.ical4j.model.TemporalAmountAdapter;
import net.fortuna.ical4j.model.component.VEvent;
import net.fortuna.ical4j.model.property.DateProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The bounded expansion gives what ical4j's own, unbounded one gives, for the rules a coop writes:
 * the bounds change nothing below them.
 */
class RecurrencesTest {
    private static final ZoneId PARIS = ZoneId.of("Europe/Paris");
    /** Three months across the spring daylight-saving change. */
    private static final Instant FROM = Instant.parse("2026-03-01T00:00:00Z");
    private static final Instant TO = Instant.parse("2026-06-01T00:00:00Z");

    @ParameterizedTest
    @ValueSource(strings = {
            "DTSTART;TZID=Europe/Paris:20260307T090000|DTEND;TZID=Europe/Paris:20260307T120000|RRULE:FREQ=WEEKLY;INTERVAL=4;BYDAY=SA;UNTIL=20261231T225959Z",
            "DTSTART;TZID=Europe/Paris:20250104T090000|DURATION:PT3H|RRULE:FREQ=MONTHLY;BYDAY=1SA",
            "DTSTART;TZID=Europe/Paris:20250131T180000|DURATION:PT2H|RRULE:FREQ=MONTHLY;BYMONTHDAY=31",
            "DTSTART;TZID=Europe/Paris:20200329T090000|DURATION:PT2H|RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
            "DTSTART;TZID=Europe/Paris:20260215T070000|DURATION:PT3H|RRULE:FREQ=DAILY;COUNT=30",
            "DTSTART;TZID=Europe/Paris:20200101T070000|DURATION:PT3H|RRULE:FREQ=DAILY;INTERVAL=3",
            "DTSTART:20260302T090000|DTEND:20260302T110000|RRULE:FREQ=WEEKLY;BYDAY=MO,WE,FR;BYHOUR=9,14",
            "DTSTART:20251201T060000Z|DURATION:PT1H|RRULE:FREQ=HOURLY;INTERVAL=6;COUNT=800",
            "DTSTART;TZID=Europe/Paris:20260322T090000|DURATION:PT3H|RRULE:FREQ=WEEKLY;BYDAY=SU"
                    + "|EXDATE;TZID=Europe/Paris:20260405T090000|RDATE;TZID=Europe/Paris:20260406T090000",
            "DTSTART;TZID=Europe/Paris:20260328T090000|DTEND;TZID=Europe/Paris:20260328T120000|RDATE;VALUE=PERIOD:20260502T070000Z/20260502T100000Z",
            "DTSTART;TZID=Europe/Paris:20260301T020000|DURATION:PT1H|RRULE:FREQ=DAILY;COUNT=40|EXRULE:FREQ=WEEKLY;BYDAY=SU",
    })
    void theBoundedExpansionGivesWhatIcal4jGives(String lines) throws Exception {
        VEvent e = event(lines);
        Temporal start = e.<DateProperty<Temporal>>getProperty(Property.DTSTART).orElseThrow().getDate();
        var duration = e.getProperty(Property.DURATION).isPresent()
                ? e.<net.fortuna.ical4j.model.property.Duration>getProperty(Property.DURATION).orElseThrow().getDuration()
                : TemporalAmountAdapter.between(start, e.<DateProperty<Temporal>>getProperty(Property.DTEND).orElseThrow().getDate())
                        .getDuration();
        Recurrences bounded = new Recurrences(500, PARIS);

        List<Recurrences.Instance> mine = bounded.of(e, start, duration, FROM, TO);

        Period<Temporal> window = start instanceof LocalDateTime
                ? cast(new Period<>(LocalDateTime.ofInstant(FROM, PARIS).minusDays(1), LocalDateTime.ofInstant(TO, PARIS).plusDays(1)))
                : cast(new Period<>(FROM.atZone(ZoneOffset.UTC).minusDays(1), TO.atZone(ZoneOffset.UTC).plusDays(1)));
        List<Recurrences.Instance> theirs = e.calculateRecurrenceSet(window).stream()
                .map(p -> new Recurrences.Instance(bounded.instant(p.getStart()), bounded.instant(p.getEnd())))
                .filter(i -> !i.start().isBefore(FROM) && i.start().isBefore(TO))
                .sorted(java.util.Comparator.comparing(Recurrences.Instance::start)).toList();
        assertThat(theirs).as("the rule has instances in the window").isNotEmpty();
        assertThat(mine).isEqualTo(theirs);
    }

    @SuppressWarnings("unchecked")
    private static Period<Temporal> cast(Period<?> p) {
        return (Period<Temporal>) p;
    }

    private static VEvent event(String lines) throws Exception {
        String ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//FR\r\nBEGIN:VEVENT\r\nUID:x@coop.example\r\n"
                + String.join("\r\n", lines.split("\\|")) + "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        return new CalendarBuilder().build(new StringReader(ics)).<VEvent>getComponents(Component.VEVENT).get(0);
    }
}
