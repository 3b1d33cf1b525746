package coop.comptoir.bots.shifts.source;

import static org.assertj.core.api.Assertions.assertThat;

import coop.comptoir.bots.shifts.Shift;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Whoever may edit the coop's calendar writes a rule that recurs every second or every minute, over
 * the whole horizon, with a huge COUNT or since long ago. The read stays quick and small, the
 * event is left out, and the other events are read as usual.
 */
class IcalHostileRulesTest {
    private static final ZoneId PARIS = ZoneId.of("Europe/Paris");
    /** A horizon of 14 days from Sunday 1 March 2026. */
    private static final Instant FROM = Instant.parse("2026-03-01T00:00:00Z");
    private static final Instant TO = FROM.plus(Duration.ofDays(14));
    /** Every Saturday at 9:00, nothing odd. */
    static final String SATURDAYS = """
            BEGIN:VEVENT
            UID:samedi@coop.example
            SUMMARY:Samedi matin
            CATEGORIES:A
            DTSTART;TZID=Europe/Paris:20260103T090000
            DTEND;TZID=Europe/Paris:20260103T120000
            RRULE:FREQ=WEEKLY;BYDAY=SA
            END:VEVENT
            """;

    @TempDir
    Path dir;

    static String feed(String... events) {
        return ("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//test//hostile//FR\n" + String.join("", events) + "END:VCALENDAR\n")
                .replace("\n", "\r\n");
    }

    static String event(String uid, String summary, String start, String rule) {
        return """
                BEGIN:VEVENT
                UID:%s
                SUMMARY:%s
                CATEGORIES:A
                DTSTART:%s
                DURATION:PT1H
                RRULE:%s
                END:VEVENT
                """.formatted(uid, summary, start, rule);
    }

    private IcalShiftSource source(String feed, Limits limits) throws Exception {
        Path file = dir.resolve("planning.ics");
        Files.writeString(file, feed);
        IcalSourceConfig config = new IcalSourceConfig(null, file.toString(), null, null, null, null, null, null);
        return new IcalShiftSource(config, PARIS, new OkHttpClient(), LoggerFactory.getLogger(getClass()), limits);
    }

    /** What one read costs the reading thread: time and bytes allocated. */
    private record Cost(List<Shift> shifts, Duration took, long allocatedBytes) {}

    private static Cost measure(ShiftSource source) throws Exception {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        long bytes = threads.getThreadAllocatedBytes(id);
        long start = System.nanoTime();
        List<Shift> shifts = source.fetch(FROM, TO);
        return new Cost(shifts, Duration.ofNanos(System.nanoTime() - start), threads.getThreadAllocatedBytes(id) - bytes);
    }

    private static List<String> ids(List<Shift> shifts) {
        return shifts.stream().map(Shift::id).toList();
    }

    private static final List<String> SATURDAY_IDS = List.of(
            "ical:samedi@coop.example:2026-03-07T08:00:00Z", "ical:samedi@coop.example:2026-03-14T08:00:00Z");

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void everySecondOverTheWholeHorizonIsLeftOutQuicklyWithFewObjects() throws Exception {
        // 1,209,600 instances in 14 days; the rule starts an hour before the window, without an end
        ShiftSource source = source(feed(SATURDAYS, event("flood@coop.example", "Ping", "20260228T230000Z", "FREQ=SECONDLY")),
                Limits.DEFAULT);
        measure(source); // parsed once: what follows is the expansion of a poll

        Cost cost = measure(source);

        assertThat(ids(cost.shifts())).isEqualTo(SATURDAY_IDS);
        assertThat(cost.took()).as("time of a read").isLessThan(Duration.ofSeconds(2));
        assertThat(cost.allocatedBytes()).as("bytes allocated by a read").isLessThan(64L << 20);
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void everySecondSinceLongAgoIsLeftOutWithoutSteppingThroughTheYears() throws Exception {
        // ical4j would step from 2000 to the window one second at a time: 825 million steps
        ShiftSource source = source(feed(event("since-2000@coop.example", "Ping", "20000101T000000Z", "FREQ=SECONDLY"),
                SATURDAYS), Limits.DEFAULT);

        Cost cost = measure(source);

        assertThat(ids(cost.shifts())).isEqualTo(SATURDAY_IDS);
        assertThat(cost.took()).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aHugeCountOrEveryMinuteOfEveryHourIsLeftOutWithFewObjects() throws Exception {
        // COUNT rules keep every instance they pass before the window; BY lists multiply instances per step
        ShiftSource source = source(feed(SATURDAYS,
                event("count@coop.example", "Ping", "20260101T000000Z", "FREQ=MINUTELY;COUNT=2000000000"),
                event("byall@coop.example", "Ping", "20260101T000000Z",
                        "FREQ=YEARLY;BYMONTH=1,2,3,4,5,6,7,8,9,10,11,12;BYHOUR=" + range(24) + ";BYMINUTE=" + range(60)
                                + ";BYSECOND=" + range(60))), Limits.DEFAULT);
        measure(source);

        Cost cost = measure(source);

        assertThat(ids(cost.shifts())).isEqualTo(SATURDAY_IDS);
        assertThat(cost.took()).isLessThan(Duration.ofSeconds(2));
        assertThat(cost.allocatedBytes()).isLessThan(64L << 20);
    }

    private static String range(int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : ",").append(i);
        }
        return b.toString();
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void manyCostlyRulesTogetherFailTheReadInsteadOfRunningForMinutes() throws Exception {
        // each steps through 15 days of seconds before the window (1.3 million steps, allowed alone);
        // forty of them would keep the poll busy for minutes
        String[] events = new String[40];
        for (int i = 0; i < events.length; i++) {
            events[i] = event("costly-" + i + "@coop.example", "Ping", "20260214T000000Z", "FREQ=SECONDLY;BYMONTH=1");
        }
        ShiftSource source = source(feed(events), Limits.DEFAULT);
        long start = System.nanoTime();

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> source.fetch(FROM, TO)).isInstanceOf(ShiftSourceException.class)
                .hasMessageStartingWith("the recurring events are too many or too dense to expand in one read (over 20000000 steps, "
                        + "reached at event \"costly-");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void whatIsLeftOutNamesTheEventAndTheLimit() throws Exception {
        IcalShiftSource source = source(feed(SATURDAYS, event("flood@coop.example", "Ping pong", "20260228T230000Z", "FREQ=MINUTELY"),
                event("hourly@coop.example", "Chaque heure", "20260301T000000Z", "FREQ=HOURLY")), new Limits(300, 5000));

        Fetched read = source.read(FROM, TO);

        assertThat(ids(read.shifts())).as("336 hourly instances are over 300; every minute too").isEqualTo(SATURDAY_IDS);
        assertThat(read.until()).isEqualTo(TO);
        assertThat(read.leftOut()).containsExactly(
                new LeftOut(LeftOut.Kind.RECURS_TOO_OFTEN, "event \"flood@coop.example\" (Ping pong)", 300),
                new LeftOut(LeftOut.Kind.RECURS_TOO_OFTEN, "event \"hourly@coop.example\" (Chaque heure)", 300));
        assertThat(source.read(FROM, TO).leftOut()).as("the same at every read: the plugin tells once").hasSize(2);
        assertThat(source(feed(event("hourly@coop.example", "Chaque heure", "20260301T000000Z", "FREQ=HOURLY")), new Limits(336, 5000))
                .read(FROM, TO).shifts()).as("at the limit, all are kept").hasSize(336);
    }

    @Test
    void aWindowStartingWithinTheSecondOfAnInstanceDoesNotLetTheFirstFiveHundredThrough() throws Exception {
        // ical4j compares to the second: an instance at 06:00:00 counts as in a window from 06:00:00.131
        IcalShiftSource source = source(feed(event("flood@coop.example", "Ping", "20260605T000000Z", "FREQ=MINUTELY")),
                Limits.DEFAULT);
        Instant from = Instant.parse("2026-06-06T05:59:57.020Z");
        for (int poll = 0; poll < 40; poll++, from = from.plusMillis(1000 + 37 * poll)) {
            Fetched read = source.read(from, from.plus(Duration.ofDays(2)));
            assertThat(read.shifts()).as("read from " + from).isEmpty();
            assertThat(read.leftOut()).as("read from " + from).hasSize(1);
        }
    }

    @Test
    void aMovedInstanceOfAnEventLeftOutIsLeftOutToo() throws Exception {
        String moved = """
                BEGIN:VEVENT
                UID:flood@coop.example
                RECURRENCE-ID:20260302T000000Z
                SUMMARY:Ping
                DTSTART:20260302T100000Z
                DURATION:PT1H
                END:VEVENT
                """;
        IcalShiftSource source = source(feed(event("flood@coop.example", "Ping", "20260301T000000Z", "FREQ=MINUTELY"), moved),
                Limits.DEFAULT);

        assertThat(source.read(FROM, TO).shifts()).isEmpty();
    }

    @Test
    void beyondTheShiftsOfOneReadTheEarliestAreKeptAndTheScheduleIsCompleteUpToTheFirstLeftOut() throws Exception {
        // three daily series at 9:00, 10:00 and 11:00 UTC: 42 shifts, 10 allowed
        IcalShiftSource source = source(feed(
                event("a@coop.example", "A", "20260301T090000Z", "FREQ=DAILY"),
                event("b@coop.example", "B", "20260301T100000Z", "FREQ=DAILY"),
                event("c@coop.example", "C", "20260301T110000Z", "FREQ=DAILY")), new Limits(500, 10));

        Fetched read = source.read(FROM, TO);

        assertThat(read.shifts()).hasSize(10).extracting(s -> s.start().toInstant()).isSorted();
        assertThat(read.shifts().get(9).id()).isEqualTo("ical:a@coop.example:2026-03-04T09:00:00Z");
        assertThat(read.until()).isEqualTo(Instant.parse("2026-03-04T10:00:00Z"));
        assertThat(read.leftOut()).containsExactly(new LeftOut(LeftOut.Kind.TOO_MANY_SHIFTS, source.describe(), 10));
    }

    @Test
    void anEventListingThousandsOfAttendeesKeepsTheFirstHundredAndSaysSo() throws Exception {
        StringBuilder attendees = new StringBuilder();
        for (int i = 0; i < 3000; i++) {
            attendees.append("ATTENDEE;CN=Membre ").append(i).append(":matrix:u/m").append(i).append(":coop.example\n");
        }
        String crowded = SATURDAYS.replace("END:VEVENT", attendees + "X-COMPTOIR-SEATS:6\nEND:VEVENT");
        IcalShiftSource source = source(feed(crowded), Limits.DEFAULT);

        Fetched read = source.read(FROM, TO);

        assertThat(read.shifts()).hasSize(2).allSatisfy(s -> {
            assertThat(s.members()).hasSize(Limits.MEMBERS);
            assertThat(s.seatsFree()).isZero();
        });
        assertThat(read.leftOut()).containsExactly(
                new LeftOut(LeftOut.Kind.TOO_MANY_MEMBERS, "event \"samedi@coop.example\" (Samedi matin)", Limits.MEMBERS));
    }

    @Test
    void anOverlongSummaryIsCutSoThatNeitherTheDatabaseNorAMessageGrowsWithIt() throws Exception {
        String longTitle = "x".repeat(100_000);
        IcalShiftSource source = source(feed(SATURDAYS.replace("SUMMARY:Samedi matin", "SUMMARY:" + longTitle)), Limits.DEFAULT);

        assertThat(source.fetch(FROM, TO)).allSatisfy(s -> assertThat(s.title()).hasSize(200).endsWith("…"));
    }
}
