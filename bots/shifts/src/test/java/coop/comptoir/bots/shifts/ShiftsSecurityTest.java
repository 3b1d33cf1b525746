package coop.comptoir.bots.shifts;

import static org.assertj.core.api.Assertions.assertThat;

import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.id.UserId;
import coop.comptoir.api.plugin.ConfigException;
import coop.comptoir.api.id.RoomAlias;
import coop.comptoir.testing.FakePluginContext;
import coop.comptoir.testing.FakeScheduler;
import coop.comptoir.testing.PluginConfigs;
import coop.comptoir.testing.RecordingMatrixClient;
import coop.comptoir.testing.RecordingMatrixClient.Sent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What whoever edits the shift source can make the bot do, and what not: post only in the rooms of
 * the config, never in a room named in the calendar; a rule that recurs every minute is left out
 * and the admins are told once; a reminder pings a bounded number of people.
 */
class ShiftsSecurityTest {
    private static final RoomId TEAM_A = RoomId.of("!equipe-a:coop.example");
    private static final RoomId SERVICES = RoomId.of("!services:coop.example");
    private static final RoomId ADMINS = RoomId.of("!admins:coop.example");
    /** A room the bot is in for another reason (a bridge, another plugin), never meant for shifts. */
    private static final RoomId SECRET = RoomId.of("!secret:coop.example");

    @TempDir
    Path dir;

    /** Thursday 12 March 2026, 8:00 in Paris: the 48h reminders of Saturday 9:00 are due in an hour. */
    private static final Instant NOW = Instant.parse("2026-03-12T07:00:00Z");
    private int edits;
    private FakePluginContext ctx;
    private RecordingMatrixClient matrix;
    private FakeScheduler jobs;

    @AfterEach
    void close() {
        if (ctx != null) {
            ctx.close();
        }
    }

    /** The instance of {@code yaml} started, its first poll done; {@code homeserver} sets up rooms first. */
    private void start(String yaml, java.util.function.Consumer<RecordingMatrixClient> homeserver) throws Exception {
        ctx = FakePluginContext.builder("shifts", "shifts", dir).startingAt(NOW).settings(yaml).build();
        matrix = ctx.recordingMatrix();
        jobs = ctx.fakeScheduler();
        homeserver.accept(matrix);
        ctx.create(new ShiftsPluginFactory()).start();
        jobs.fire("first-poll");
    }

    private void start(String yaml) throws Exception {
        start(yaml, m -> {});
    }

    private Path calendar(String... events) throws Exception {
        Path file = dir.resolve("planning.ics");
        Files.writeString(file, ("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//test//FR\n" + String.join("", events) + "END:VCALENDAR\n")
                .replace("\n", "\r\n"));
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.from(Instant.now().plusSeconds(10L * edits++)));
        return file;
    }

    /** Saturday 14 March 2026 at 9:00 in Paris, with a team read from CATEGORIES. */
    private static String saturday(String uid, String team) {
        return """
                BEGIN:VEVENT
                UID:%s
                SUMMARY:Samedi %s
                CATEGORIES:%s
                DTSTART;TZID=Europe/Paris:20260314T090000
                DTEND;TZID=Europe/Paris:20260314T120000
                ATTENDEE;CN=Alice:matrix:u/alice:coop.example
                END:VEVENT
                """.formatted(uid, uid, team);
    }

    private static String section(Path file, String extra) {
        return """
                anchor: 2026-03-02
                source: {type: ical, file: "%s"}
                horizon: 4d
                reminders: [48h]
                personal_reminders: []
                teams: {A: "!equipe-a:coop.example"}
                admin_room: "!admins:coop.example"
                """.formatted(file) + extra;
    }

    private List<RoomId> roomsReached() {
        List<RoomId> rooms = new ArrayList<>();
        matrix.sent().forEach(s -> rooms.add(s.room()));
        return rooms;
    }

    @Test
    void aRoomWrittenInTheCalendarIsATeamNameNotADestination() throws Exception {
        Path file = calendar(saturday("a", "A"), saturday("id", "!secret:coop.example"), saturday("alias", "#secret:coop.example"));
        start(section(file, "default_room: \"!services:coop.example\"\n"),
                m -> m.addAlias(RoomAlias.of("#secret:coop.example"), SECRET));

        ctx.fakeClock().set(Instant.parse("2026-03-12T08:00:00Z"));
        jobs.fire("tick");

        assertThat(matrix.postsIn(TEAM_A)).hasSize(1);
        assertThat(matrix.postsIn(SERVICES)).extracting(Sent::body)
                .anySatisfy(b -> assertThat(b).contains("« Samedi id »"))
                .anySatisfy(b -> assertThat(b).contains("« Samedi alias »"))
                .hasSize(2);
        assertThat(roomsReached()).doesNotContain(SECRET);
        assertThat(matrix.joinedRooms()).doesNotContain(SECRET);
    }

    @Test
    void withoutADefaultRoomAnUnknownTeamGetsNoTeamReminderAndTheAdminsAreToldOnce() throws Exception {
        Path file = calendar(saturday("a", "A"), saturday("id", "!secret:coop.example"));
        start(section(file, ""));
        jobs.fire("poll");
        jobs.fire("poll");

        ctx.fakeClock().set(Instant.parse("2026-03-12T08:00:00Z"));
        jobs.fire("tick");

        assertThat(roomsReached()).doesNotContain(SECRET);
        assertThat(matrix.postsIn(TEAM_A)).hasSize(1);
        assertThat(matrix.postsIn(ADMINS)).singleElement().satisfies(m -> assertThat(m.body()).isEqualTo("""
                ⚠️ Planning des services (iCalendar file %s), à vérifier :
                • équipe « !secret:coop.example » : absente de teams et pas de default_room : ses services n’ont pas de rappel d’équipe.
                Le reste du planning est suivi normalement.""".formatted(file)));
    }

    /** Every minute from Monday 9 March, without an end: 5,760 instances in a horizon of four days. */
    private static final String EVERY_MINUTE = """
            BEGIN:VEVENT
            UID:flood@coop.example
            SUMMARY:Rappel
            CATEGORIES:A
            DTSTART:20260309T000000Z
            DURATION:PT1M
            RRULE:FREQ=MINUTELY
            END:VEVENT
            """;

    @Test
    void aRuleRecurringEveryMinuteIsLeftOutAndTheAdminsAreToldOnceNamingIt() throws Exception {
        Path file = calendar(saturday("a", "A"), EVERY_MINUTE);
        start(section(file, ""));
        jobs.fire("poll");
        jobs.fire("poll");

        var stored = new ShiftsStore(ctx.database(), "shifts").shifts(Instant.EPOCH, Instant.parse("2027-01-01T00:00:00Z"), ZoneOffset.UTC);
        assertThat(stored).extracting(Shift::id).containsExactly("ical:a:2026-03-14T08:00:00Z");
        assertThat(matrix.postsIn(ADMINS)).singleElement().satisfies(m -> assertThat(m.body()).isEqualTo("""
                ⚠️ Planning des services (iCalendar file %s), à vérifier :
                • event "flood@coop.example" (Rappel) : se répète plus de 500 fois dans les 4 prochains jours \
                (ou trop serré pour être calculé) : ignoré. Merci de vérifier sa répétition (RRULE).
                Le reste du planning est suivi normalement.""".formatted(file)));
        ctx.fakeClock().set(Instant.parse("2026-03-12T08:00:00Z"));
        jobs.fire("tick");
        assertThat(matrix.postsIn(TEAM_A)).as("the other events are reminded").hasSize(1);

        // fixed, then broken again: told again, once
        calendar(saturday("a", "A"), EVERY_MINUTE.replace("FREQ=MINUTELY", "FREQ=WEEKLY"));
        jobs.fire("poll");
        calendar(saturday("a", "A"), EVERY_MINUTE);
        jobs.fire("poll");
        jobs.fire("poll");
        assertThat(matrix.postsIn(ADMINS)).hasSize(2);
    }

    @Test
    void beyondTheShiftsOfOneReadTheEarliestAreKeptAndTheAdminsAreToldOnce() throws Exception {
        Path file = calendar(saturday("a", "A"), saturday("b", "A"), saturday("c", "A").replace("20260314T", "20260315T"));
        start(section(file, "limits: {shifts: 2}\n"));
        jobs.fire("poll");

        var stored = new ShiftsStore(ctx.database(), "shifts").shifts(Instant.EPOCH, Instant.parse("2027-01-01T00:00:00Z"), ZoneOffset.UTC);
        assertThat(stored).extracting(Shift::title).containsExactly("Samedi a", "Samedi b");
        assertThat(matrix.postsIn(ADMINS)).singleElement().satisfies(m -> assertThat(m.body())
                .contains("• plus de 2 services dans les 4 prochains jours : je ne suis que ceux qui commencent avant le "
                        + "dimanche 15 mars, 9h00."));
    }

    @Test
    void theLimitsAreCheckedWithTheConfig() {
        String base = "anchor: 2026-03-02\nsource: {type: yaml, templates: []}\n";
        for (String bad : List.of("limits: {shifts: 0}", "limits: {occurrences_per_event: 1000000}")) {
            try {
                ShiftsPluginTest.settings(PluginConfigs.of("shifts", base + bad));
                throw new AssertionError("accepted: " + bad);
            } catch (ConfigException e) {
                assertThat(e.getMessage()).matches("plugins\\[0\\]\\.limits\\.(shifts|occurrences_per_event): between 1 and 100000");
            }
        }
    }

    @Test
    void aTeamReminderMentionsTwentyPeopleAtMostAndCountsTheOthers() {
        List<Shift.Member> crowd = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            crowd.add(new Shift.Member("m" + i, Optional.of(UserId.of("@m" + i + ":coop.example"))));
        }
        Shift s = new Shift("x", "Samedi matin", Optional.empty(), ReminderEngineTest.START, ReminderEngineTest.START.plusHours(3),
                0, 0, crowd);

        var message = Texts.of("fr", "tu").teamReminder(s, null);

        assertThat(message.mentions()).hasSize(20);
        assertThat(message.body()).contains("Inscrit·es : m0, m1,").contains("m19 et 40 autres.").doesNotContain("m20");
        assertThat(message.htmlBody()).doesNotContain("@m20:coop.example");
    }
}
