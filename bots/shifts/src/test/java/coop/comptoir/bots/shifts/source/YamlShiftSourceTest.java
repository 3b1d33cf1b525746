package coop.comptoir.bots.shifts.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import coop.comptoir.api.id.UserId;
import coop.comptoir.api.plugin.ConfigException;
import coop.comptoir.bots.shifts.Shift;
import coop.comptoir.bots.shifts.WeekCycle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class YamlShiftSourceTest {
    private static final ZoneId PARIS = ZoneId.of("Europe/Paris");
    /** 2026-03-02 is a Monday of week A: 2026-03-28/29 (the spring change) are in week D, 2026-10-24/25 in week A. */
    private static final WeekCycle CYCLE = WeekCycle.anchoredAt(LocalDate.of(2026, 3, 2));
    private static final YAMLMapper YAML = new YAMLMapper();

    @TempDir
    Path dir;

    private static ShiftSources.Context ctx() {
        return Sections.context(PARIS, CYCLE);
    }

    private static ShiftSource inline(String yaml) throws IOException {
        return ShiftSources.create(YAML.readTree(yaml), ctx());
    }

    private static Instant paris(String localDateTime) {
        return java.time.LocalDateTime.parse(localDateTime).atZone(PARIS).toInstant();
    }

    @Test
    void aTemplateExpandsToItsWeeksAndWeekdayWithMembersAndFreeSeats() throws Exception {
        ShiftSource source = inline("""
                type: yaml
                templates:
                  - name: samedi-matin
                    title: Samedi matin
                    weeks: [A, C]
                    weekday: samedi
                    start: 9:00
                    end: 12h
                    team: equipe-samedi
                    seats: 4
                    members: ["@alice:coop.example", {name: Bob, matrix_id: "@bob:coop.example"}, Carla]
                """);
        List<Shift> shifts = source.fetch(paris("2026-03-01T00:00"), paris("2026-04-30T00:00"));

        assertThat(shifts).extracting(s -> s.start().toLocalDate()).containsExactly(
                LocalDate.of(2026, 3, 7), LocalDate.of(2026, 3, 21), LocalDate.of(2026, 4, 4), LocalDate.of(2026, 4, 18));
        Shift first = shifts.get(0);
        assertThat(first.id()).isEqualTo("yaml:samedi-matin:2026-03-07");
        assertThat(first.title()).isEqualTo("Samedi matin");
        assertThat(first.team()).contains("equipe-samedi");
        assertThat(first.start()).isEqualTo(ZonedDateTime.of(2026, 3, 7, 9, 0, 0, 0, PARIS));
        assertThat(first.end().toLocalTime()).isEqualTo(LocalTime.NOON);
        assertThat(first.seatsMax()).isEqualTo(4);
        assertThat(first.seatsFree()).isEqualTo(1);
        assertThat(first.members()).containsExactly(
                new Shift.Member("@alice:coop.example", Optional.of(UserId.of("@alice:coop.example"))),
                new Shift.Member("Bob", Optional.of(UserId.of("@bob:coop.example"))),
                new Shift.Member("Carla", Optional.empty()));
        assertThat(source.describe()).contains("YAML");
    }

    @Test
    void nineOClockStaysNineOClockLocalAcrossBothDaylightSavingChanges() throws Exception {
        ShiftSource source = inline("""
                type: yaml
                templates:
                  - {name: dimanche, weeks: ABCD, weekday: sunday, start: "09:00", end: "12:00"}
                  - {name: nuit, weeks: ABCD, weekday: dimanche, start: "02:30", end: "04:00"}
                """);
        List<Shift> spring = source.fetch(paris("2026-03-21T00:00"), paris("2026-04-06T00:00")).stream()
                .filter(s -> s.id().startsWith("yaml:dimanche")).toList();
        assertThat(spring).extracting(s -> s.start().toLocalTime()).containsOnly(LocalTime.of(9, 0));
        assertThat(spring).extracting(s -> s.start().getOffset().getTotalSeconds() / 3600).containsExactly(1, 2, 2);
        assertThat(Duration.between(spring.get(0).start(), spring.get(1).start())).isEqualTo(Duration.ofHours(7 * 24 - 1));

        List<Shift> autumn = source.fetch(paris("2026-10-18T00:00"), paris("2026-11-02T00:00")).stream()
                .filter(s -> s.id().startsWith("yaml:dimanche")).toList();
        assertThat(autumn).extracting(s -> s.start().toInstant()).containsExactly(
                Instant.parse("2026-10-18T07:00:00Z"), Instant.parse("2026-10-25T08:00:00Z"), Instant.parse("2026-11-01T08:00:00Z"));

        // 02:30 does not exist on 2026-03-29: the shift moves forward by the gap, to 03:30 CEST
        Shift gap = source.fetch(paris("2026-03-29T00:00"), paris("2026-03-30T00:00")).stream()
                .filter(s -> s.id().startsWith("yaml:nuit")).findFirst().orElseThrow();
        assertThat(gap.start().toLocalTime()).isEqualTo(LocalTime.of(3, 30));
        assertThat(gap.end().toLocalTime()).isEqualTo(LocalTime.of(4, 0));
    }

    @Test
    void cancelledDatesAndValidityAreLeftOutAndTheWindowIsHalfOpen() throws Exception {
        ShiftSource source = inline("""
                type: yaml
                templates:
                  - name: mardi
                    weeks: ABCD
                    weekday: tue
                    start: "14:00"
                    end: "17:00"
                    cancelled: [2026-03-10]
                    from: 2026-03-03
                    until: 2026-03-24
                """);
        List<Shift> shifts = source.fetch(paris("2026-03-01T00:00"), paris("2026-03-24T14:00"));
        assertThat(shifts).extracting(Shift::id).containsExactly("yaml:mardi:2026-03-03", "yaml:mardi:2026-03-17");
        assertThat(source.fetch(paris("2026-03-03T14:00"), paris("2026-03-03T14:01"))).hasSize(1);
        assertThat(source.fetch(paris("2026-03-03T14:01"), paris("2026-03-04T00:00"))).isEmpty();
    }

    @Test
    void aRelativeFileIsTakenFromTheConfigFilesFolderNotTheWorkingDirectory() throws Exception {
        Path configFolder = Files.createDirectories(dir.resolve("etc-comptoir"));
        Files.writeString(configFolder.resolve("planning.yaml"), """
                templates:
                  - {name: lundi, weeks: A, weekday: lundi, start: "18:00", end: "21:00", seats: 2}
                """);
        var section = coop.comptoir.testing.PluginConfigs.firstPlugin("""
                homeserver: {server_name: coop.example}
                plugins:
                  - type: shifts
                    source: {type: yaml, file: planning.yaml}
                """, configFolder, java.util.Map.of());
        ShiftSource source = ShiftSources.create(section.raw().get("source"),
                new ShiftSources.Context(section, "plugins[0].source", PARIS, CYCLE, null));

        assertThat(source.fetch(paris("2026-03-01T00:00"), paris("2026-03-03T00:00"))).hasSize(1);
    }

    @Test
    void aFileIsReadAtEveryFetch() throws Exception {
        Path file = dir.resolve("shifts.yaml");
        Files.writeString(file, """
                templates:
                  - {name: lundi, weeks: A, weekday: lundi, start: "18:00", end: "21:00", seats: 2, members: ["@a:x.y"]}
                """);
        ShiftSource source = inline("{type: yaml, file: \"" + file + "\"}");
        Instant from = paris("2026-03-01T00:00"), to = paris("2026-03-03T00:00");
        assertThat(source.fetch(from, to)).singleElement().satisfies(s -> assertThat(s.seatsFree()).isEqualTo(1));

        Files.writeString(file, """
                templates:
                  - {name: lundi, weeks: A, weekday: lundi, start: "18:00", end: "21:00", seats: 2, members: ["@a:x.y", "@b:x.y"]}
                """);
        assertThat(source.fetch(from, to)).singleElement().satisfies(s -> assertThat(s.seatsFree()).isZero());

        Files.writeString(file, "templates:\n  - {name: lundi, weeks: A, weekday: lundi, start: 25h, end: \"21:00\"}\n");
        assertThatThrownBy(() -> source.fetch(from, to)).isInstanceOf(ShiftSourceException.class)
                .hasMessage(file + ": templates[0].start (template \"lundi\"): \"25h\" is not a time (write 09:00, 9h or 9h30)");

        Files.writeString(file, "templates: [ {name: ");
        assertThatThrownBy(() -> source.fetch(from, to)).isInstanceOf(ShiftSourceException.class).hasMessageContaining("not valid YAML");

        Files.delete(file);
        assertThatThrownBy(() -> source.fetch(from, to)).isInstanceOf(IOException.class);
    }

    @Test
    void badTemplatesNameTheTemplateAndTheField() {
        assertThatThrownBy(() -> inline("{type: yaml, templates: [{name: x, weeks: AE, weekday: lundi, start: '9h', end: '12h'}]}"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("plugins[0].source.templates[0].weeks: \"AE\": week letters are A, B, C and D");
        assertThatThrownBy(() -> inline("{type: yaml, templates: [{name: x, weeks: A, weekday: samdi, start: '9h', end: '12h'}]}"))
                .hasMessageContaining("templates[0].weekday: \"samdi\" is not a day");
        assertThatThrownBy(() -> inline("{type: yaml, templates: [{name: x, weeks: A, weekday: lundi, start: '12h', end: '9h'}]}"))
                .hasMessage("plugins[0].source.templates[0].end: 09:00 is not after start 12:00");
        assertThatThrownBy(() -> inline("{type: yaml, templates: [{name: x, weeks: A, weekday: lundi, start: '9h', end: '12h', members: ['@bad']}]}"))
                .hasMessage("plugins[0].source.templates[0].members[0]: \"@bad\" is not a Matrix user ID (@name:server)");
        assertThatThrownBy(() -> inline("{type: yaml, templates: [{name: x, weeks: A, weekday: lundi, start: '9h', end: '12h', room: '#a:b'}]}"))
                .hasMessageStartingWith("plugins[0].source.templates[0].room: unknown key (known keys: cancelled, end,");
        assertThatThrownBy(() -> inline("{type: yaml, templates: [{weeks: A}]}"))
                .hasMessage("plugins[0].source.templates[0].name: missing");
        assertThatThrownBy(() -> inline("{type: yaml, templates: [{name: x, weekday: lundi, start: '9h', end: '12h'}]}"))
                .hasMessageContaining("templates[0].weeks: missing");
        assertThatThrownBy(() -> inline("{type: yaml, templates: [{name: x, weeks: A, weekday: lundi, start: '9h', end: '12h', seats: -1}]}"))
                .hasMessageContaining("templates[0].seats: expected a whole number");
        assertThatThrownBy(() -> inline("{type: yaml, templates: [{name: x, weeks: A, weekday: lundi, start: '9h', end: '12h', cancelled: [demain]}]}"))
                .hasMessage("plugins[0].source.templates[0].cancelled[0]: \"demain\" is not a date (write 2026-04-04)");
        assertThatThrownBy(() -> inline("""
                {type: yaml, templates: [{name: x, weeks: A, weekday: lundi, start: '9h', end: '12h'},
                                         {name: x, weeks: B, weekday: lundi, start: '9h', end: '12h'}]}"""))
                .hasMessage("plugins[0].source.templates[1].name: the name is used twice");
    }

    @Test
    void theSourceSectionIsCheckedByType() {
        assertThatThrownBy(() -> inline("{type: yaml}"))
                .hasMessage("plugins[0].source: give either file (a YAML file of templates) or templates, not neither");
        assertThatThrownBy(() -> inline("{type: yaml, file: a.yaml, templates: []}")).hasMessageEndingWith("not both");
        assertThatThrownBy(() -> inline("{type: yaml, file: a.yaml, url: x}"))
                .hasMessageStartingWith("plugins[0].source.url: unknown key");
        assertThatThrownBy(() -> inline("{type: csv}")).hasMessage("plugins[0].source.type: \"csv\" is not one of yaml, ical, odoo");
        assertThatThrownBy(() -> inline("{file: a.yaml}")).hasMessage("plugins[0].source.type: missing: one of yaml, ical, odoo");
    }

    @Test
    void aWholeDocumentParsesLikeTheFile() throws Exception {
        assertThat(YamlShiftSource.parseDocument("templates: []")).isEmpty();
        assertThatThrownBy(() -> YamlShiftSource.parseDocument("shifts: []"))
                .hasMessage("YAML: shifts: unknown key (known keys: templates)");
        JsonNode unused = YAML.readTree("a: 1");
        assertThat(unused).isNotNull();
    }

    @Test
    void aScheduleFileOfMoreThanAMegabyteIsRefusedBeforeItIsParsed() throws Exception {
        Path file = dir.resolve("shifts.yaml");
        Files.writeString(file, "templates:\n  - {name: lundi, weeks: A, weekday: lundi, start: \"18:00\", end: \"21:00\"}\n"
                + ("# " + "x".repeat(1000) + "\n").repeat(1100));
        ShiftSource source = inline("{type: yaml, file: \"" + file + "\"}");

        assertThatThrownBy(() -> source.fetch(paris("2026-03-01T00:00"), paris("2026-03-03T00:00")))
                .isInstanceOf(ShiftSourceException.class)
                .hasMessage(file + ": larger than 1024 KiB: not a schedule of templates");
    }

    @Test
    void manyTemplatesOverALongHorizonKeepTheEarliestShiftsWithinTheLimit() throws Exception {
        StringBuilder yaml = new StringBuilder("type: yaml\ntemplates:\n");
        for (int i = 0; i < 50; i++) {
            yaml.append("  - {name: t").append(i).append(", weeks: ABCD, weekday: lundi, start: \"")
                    .append(String.format("%02d", i % 24)).append(":00\", end: \"").append(String.format("%02d", i % 24)).append(":30\"}\n");
        }
        ShiftSources.Context ctx = ctx();
        ShiftSources.Context limited = new ShiftSources.Context(ctx.section(), ctx.path(), ctx.zone(), ctx.cycle(), ctx.http(), ctx.log(),
                new Limits(500, 120));
        ShiftSource source = ShiftSources.create(YAML.readTree(yaml.toString()), limited);

        Fetched read = source.read(paris("2026-03-01T00:00"), paris("2027-03-01T00:00"));

        // 50 a Monday: two Mondays, then Monday 16 up to 8:00 (hours 0 and 1 three times, the others twice)
        assertThat(read.shifts()).hasSize(120).extracting(s -> s.start().toLocalDate())
                .containsOnly(LocalDate.of(2026, 3, 2), LocalDate.of(2026, 3, 9), LocalDate.of(2026, 3, 16));
        assertThat(read.until()).isEqualTo(paris("2026-03-16T09:00"));
        assertThat(read.leftOut()).extracting(LeftOut::kind).containsExactly(LeftOut.Kind.TOO_MANY_SHIFTS);
    }
}
