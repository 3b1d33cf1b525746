package coop.comptoir.bots.shifts.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.contains;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import coop.comptoir.api.id.UserId;
import coop.comptoir.bots.shifts.Shift;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A coop's planning as Nextcloud or Thunderbird exports it, read from a file. */
class IcalShiftSourceTest {
    static final ZoneId PARIS = ZoneId.of("Europe/Paris");
    private static final Logger LOG = LoggerFactory.getLogger(IcalShiftSourceTest.class);

    @TempDir
    Path dir;

    static String fixture(String name) throws IOException {
        try (InputStream in = IcalShiftSourceTest.class.getResourceAsStream("/ical/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private IcalShiftSource source(String fixture, IcalSourceConfig.Team team, Map<String, String> emails, String zone,
                                   Logger log) throws IOException {
        Path file = dir.resolve("planning.ics");
        Files.writeString(file, fixture(fixture));
        IcalSourceConfig config = new IcalSourceConfig(null, file.toString(), null, zone, team, null,
                new IcalSourceConfig.Members(emails), null);
        assertThat(config.problems("plugins[2].source")).isEmpty();
        return new IcalShiftSource(config, PARIS, new OkHttpClient(), log);
    }

    private IcalShiftSource source() throws IOException {
        return source("coop-shifts.ics", null, Map.of("alice.martin@example.coop", "@alice:example.coop"), null, LOG);
    }

    private static Instant at(String instant) {
        return Instant.parse(instant);
    }

    private static List<String> summary(List<Shift> shifts) {
        return shifts.stream().map(s -> s.start().toLocalDateTime() + " " + s.title() + s.team().map(t -> " [" + t + "]").orElse(""))
                .toList();
    }

    @Test
    void anAbcdCycleComesBackEveryFourWeeksWithItsTeam() throws Exception {
        List<Shift> march = source().fetch(at("2026-03-01T00:00:00Z"), at("2026-04-01T00:00:00Z"));

        assertThat(summary(march)).containsExactly(
                "2026-03-07T09:00 Samedi matin [A]",
                "2026-03-14T09:00 Samedi matin [B]",
                "2026-03-21T09:00 Samedi matin [C]",
                "2026-03-22T09:00 Dimanche matin",
                "2026-03-28T09:00 Samedi matin [D]",
                "2026-03-29T09:00 Dimanche matin");
        assertThat(march).allSatisfy(s -> assertThat(s.start().getZone()).isEqualTo(PARIS));
        assertThat(march.get(0).id()).isEqualTo("ical:samedi-matin-a@cagette.example.coop:2026-03-07T08:00:00Z");
        assertThat(march.get(0).end().toLocalTime()).isEqualTo(LocalTime.of(12, 0));
    }

    @Test
    void aNineOClockShiftStaysAtNineAcrossBothDaylightSavingWeekends() throws Exception {
        IcalShiftSource source = source();
        List<Shift> spring = source.fetch(at("2026-03-21T23:00:00Z"), at("2026-03-30T00:00:00Z"));
        List<Shift> autumn = source.fetch(at("2026-10-17T22:00:00Z"), at("2026-10-26T00:00:00Z"));

        assertThat(spring).filteredOn(s -> s.title().equals("Dimanche matin"))
                .extracting(s -> s.start().toInstant(), s -> s.start().toLocalTime(), s -> s.end().toLocalTime())
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(at("2026-03-22T08:00:00Z"), LocalTime.of(9, 0), LocalTime.of(12, 0)),
                        org.assertj.core.groups.Tuple.tuple(at("2026-03-29T07:00:00Z"), LocalTime.of(9, 0), LocalTime.of(12, 0)));
        assertThat(autumn).filteredOn(s -> s.title().equals("Dimanche matin"))
                .extracting(s -> s.start().toInstant(), s -> s.start().toLocalTime())
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(at("2026-10-18T07:00:00Z"), LocalTime.of(9, 0)),
                        org.assertj.core.groups.Tuple.tuple(at("2026-10-25T08:00:00Z"), LocalTime.of(9, 0)));
        // Team C's Saturday after the October change is still 09:00, one hour later in UTC.
        assertThat(source.fetch(at("2026-10-31T00:00:00Z"), at("2026-11-01T00:00:00Z")))
                .singleElement().satisfies(s -> {
                    assertThat(s.start().toInstant()).isEqualTo(at("2026-10-31T08:00:00Z"));
                    assertThat(s.team()).contains("C");
                });
    }

    @Test
    void exdatesCancelledInstancesCancelledEventsAndAllDayEventsAreNotShifts() throws Exception {
        Logger log = mock(Logger.class);
        IcalShiftSource source = source("coop-shifts.ics", null, Map.of(), null, log);

        List<Shift> april = source.fetch(at("2026-04-01T00:00:00Z"), at("2026-05-01T00:00:00Z"));
        source.fetch(at("2026-04-01T00:00:00Z"), at("2026-05-01T00:00:00Z"));

        assertThat(summary(april)).containsExactly(
                "2026-04-02T07:00 Réception livraison [Logistique]",
                "2026-04-03T18:00 Inventaire",
                // 04-04, team A: EXDATE (Easter weekend)
                "2026-04-05T09:00 Dimanche matin",
                "2026-04-11T10:00 Samedi matin (décalé) [B]",
                "2026-04-12T09:00 Dimanche matin",
                // 04-18, team C: cancelled through RECURRENCE-ID
                "2026-04-19T09:00 Dimanche matin",
                "2026-04-25T09:00 Samedi matin [D]",
                "2026-04-26T09:00 Dimanche matin");
        verify(log, times(1)).info(anyString(), any(), contains("Assemblée générale"));
    }

    @Test
    void aMovedInstanceKeepsTheIdOfTheDateItReplacesAndAnRdateAddsOne() throws Exception {
        List<Shift> shifts = source().fetch(at("2026-04-11T00:00:00Z"), at("2026-05-02T00:00:00Z"));

        Shift moved = shifts.stream().filter(s -> s.team().equals(Optional.of("B"))).findFirst().orElseThrow();
        assertThat(moved.id()).isEqualTo("ical:samedi-matin-b@cagette.example.coop:2026-04-11T07:00:00Z");
        assertThat(moved.start().toLocalTime()).isEqualTo(LocalTime.of(10, 0));
        assertThat(moved.end().toLocalTime()).isEqualTo(LocalTime.of(13, 0));
        assertThat(moved.seatsMax()).isEqualTo(4);
        assertThat(moved.seatsFree()).isEqualTo(4);
        assertThat(shifts).filteredOn(s -> s.team().equals(Optional.of("D"))).extracting(s -> s.start().toLocalDate().toString())
                .containsExactly("2026-04-25", "2026-05-01");
    }

    @Test
    void utcTimesAreShownInTheCoopZoneAndFloatingTimesReadInTheConfiguredOne() throws Exception {
        IcalShiftSource montreal = source("coop-shifts.ics", null, Map.of(), "America/Montreal", LOG);

        List<Shift> shifts = montreal.fetch(at("2026-04-02T00:00:00Z"), at("2026-04-04T00:00:00Z"));

        assertThat(shifts).extracting(Shift::title, s -> s.start().toInstant())
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("Réception livraison", at("2026-04-02T05:00:00Z")),
                        org.assertj.core.groups.Tuple.tuple("Inventaire", at("2026-04-03T22:00:00Z")));
        assertThat(shifts.get(1).start().getZone()).isEqualTo(PARIS);
    }

    @Test
    void attendeesBecomeMembersWithTheirMatrixIdWhenKnownAndSeatsCountThem() throws Exception {
        Shift a = source().fetch(at("2026-03-07T00:00:00Z"), at("2026-03-08T00:00:00Z")).get(0);

        assertThat(a.members()).containsExactly(
                new Shift.Member("Alice Martin", Optional.of(UserId.of("@alice:example.coop"))),
                new Shift.Member("Bruno Roux", Optional.of(UserId.of("@bruno:example.coop"))),
                new Shift.Member("Chloé Petit", Optional.of(UserId.of("@chloe:example.coop"))),
                new Shift.Member("Denis Lefort", Optional.empty()));
        assertThat(a.seatsMax()).isEqualTo(6);
        assertThat(a.seatsFree()).isEqualTo(2);
        Shift dimanche = source().fetch(at("2026-03-22T00:00:00Z"), at("2026-03-23T00:00:00Z")).get(0);
        assertThat(dimanche.members()).isEmpty();
        assertThat(dimanche.seatsMax()).isZero();
    }

    @Test
    void theTeamCanComeFromTheSummaryOrAProperty() throws Exception {
        String feed = fixture("coop-shifts.ics")
                .replace("SUMMARY:Réception livraison", "SUMMARY:Logistique - Réception livraison\r\nX-EQUIPE:Quai");
        Files.writeString(dir.resolve("other.ics"), feed);
        IcalSourceConfig bySummary = new IcalSourceConfig(null, dir.resolve("other.ics").toString(), null, null,
                new IcalSourceConfig.Team("summary", null, null), null, null, null);
        IcalSourceConfig byProperty = new IcalSourceConfig(null, dir.resolve("other.ics").toString(), null, null,
                new IcalSourceConfig.Team("property", "x-equipe", null), "", null, null);
        Instant from = at("2026-04-02T00:00:00Z");
        Instant to = at("2026-04-03T00:00:00Z");

        assertThat(new IcalShiftSource(bySummary, PARIS, new OkHttpClient(), LOG).fetch(from, to)).singleElement()
                .satisfies(s -> {
                    assertThat(s.title()).isEqualTo("Réception livraison");
                    assertThat(s.team()).contains("Logistique");
                });
        assertThat(new IcalShiftSource(byProperty, PARIS, new OkHttpClient(), LOG).fetch(from, to)).singleElement()
                .satisfies(s -> assertThat(s.team()).contains("Quai"));
    }

    @Test
    void anInvalidRruleNamesTheEventAndTheField() throws Exception {
        IcalShiftSource source = source("bad-rrule.ics", null, Map.of(), null, LOG);

        assertThatThrownBy(() -> source.fetch(at("2026-03-01T00:00:00Z"), at("2026-04-01T00:00:00Z")))
                .isInstanceOf(ShiftSourceException.class)
                .hasMessage("event \"samedi-matin-a@cagette.example.coop\" (Samedi matin): RRULE: unknown FREQ \"WEEKY\"");
    }

    @Test
    void anInvalidStartNamesTheEventAndTheField() throws Exception {
        IcalShiftSource source = source("bad-dtstart.ics", null, Map.of(), null, LOG);

        assertThatThrownBy(() -> source.fetch(at("2026-03-01T00:00:00Z"), at("2026-04-01T00:00:00Z")))
                .isInstanceOf(ShiftSourceException.class)
                .hasMessageStartingWith("event \"samedi-matin-b@cagette.example.coop\" (Samedi matin): DTSTART: \"20260314T900\"");
    }

    @Test
    void seatsThatAreNotANumberNameTheEventAndTheProperty() throws Exception {
        Files.writeString(dir.resolve("seats.ics"), fixture("coop-shifts.ics").replace("X-COMPTOIR-SEATS:4", "X-COMPTOIR-SEATS:quatre"));
        IcalSourceConfig config = new IcalSourceConfig(null, dir.resolve("seats.ics").toString(), null, null, null, null, null, null);

        assertThatThrownBy(() -> new IcalShiftSource(config, PARIS, new OkHttpClient(), LOG)
                .fetch(at("2026-04-11T00:00:00Z"), at("2026-04-12T00:00:00Z")))
                .hasMessage("event \"samedi-matin-b@cagette.example.coop\" (Samedi matin (décalé)): X-COMPTOIR-SEATS: "
                        + "\"quatre\" is not a number of seats");
    }

    @Test
    void aFileIsReadAgainWhenItChangesAndAMissingFileIsUnreachable() throws Exception {
        IcalShiftSource source = source();
        Path file = dir.resolve("planning.ics");
        Instant from = at("2026-04-02T00:00:00Z");
        Instant to = at("2026-04-03T00:00:00Z");
        assertThat(source.fetch(from, to)).extracting(Shift::title).containsExactly("Réception livraison");

        Files.writeString(file, fixture("coop-shifts.ics").replace("SUMMARY:Réception livraison", "SUMMARY:Réception Biocoop"));
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
        assertThat(source.fetch(from, to)).extracting(Shift::title).containsExactly("Réception Biocoop");

        Files.delete(file);
        assertThatThrownBy(() -> source.fetch(from, to)).isInstanceOf(IOException.class)
                .hasMessage("iCalendar file " + file + ": no such file");
    }
}
