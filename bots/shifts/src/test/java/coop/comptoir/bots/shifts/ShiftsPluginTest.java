package coop.comptoir.bots.shifts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.id.UserId;
import coop.comptoir.api.plugin.ConfigException;
import coop.comptoir.api.plugin.Plugin;
import coop.comptoir.api.plugin.PluginConfig;
import coop.comptoir.api.text.TextSettings;
import coop.comptoir.bots.shifts.source.ShiftSource;
import coop.comptoir.testing.FakePluginContext;
import coop.comptoir.testing.FakeScheduler;
import coop.comptoir.testing.PluginConfigs;
import coop.comptoir.testing.RecordingMatrixClient;
import coop.comptoir.testing.RecordingMatrixClient.Sent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** The plugin on the plugin test kit: config checks, jobs, commands, source outages. */
class ShiftsPluginTest {
    private static final UserId ALICE = UserId.of("@alice:coop.example");
    private static final UserId ZOE = UserId.of("@zoe:coop.example");
    private static final RoomId TEAM = RoomId.of("!equipe:coop.example");
    private static final RoomId ADMINS = RoomId.of("!admins:coop.example");
    /** Where members type commands. */
    private static final RoomId TOWN = RoomId.of("!town:coop.example");
    /** Tuesday 10 March 2026, 10:00 in Paris; 2026-03-02 is a Monday of week A, so this is week B. */
    private static final Instant NOW = Instant.parse("2026-03-10T09:00:00Z");

    @TempDir
    Path dir;

    private FakePluginContext ctx;
    private RecordingMatrixClient matrix;
    private FakeScheduler jobs;

    @AfterEach
    void close() {
        if (ctx != null) {
            ctx.close();
        }
    }

    /** The section bound and checked as the runtime does, then compiled. @throws ConfigException listing every problem */
    static ShiftsPluginFactory.Settings settings(PluginConfig section) {
        ShiftsConfig c = PluginConfigs.bind(new ShiftsPluginFactory(), section);
        coop.comptoir.api.config.Problems p = coop.comptoir.api.config.Problems.root(section.path());
        ShiftsPluginFactory.Settings s = ShiftsPluginFactory.settings(c, section, p, null, null);
        p.throwIfAny();
        return s;
    }

    /** A context holding {@code yaml} as the section, the clock at {@link #NOW}. */
    private FakePluginContext context(String yaml) {
        ctx = FakePluginContext.builder("shifts", "shifts", dir).startingAt(NOW).texts(topLevel).settings(yaml).build();
        matrix = ctx.recordingMatrix();
        jobs = ctx.fakeScheduler();
        return ctx;
    }

    /** What the bot answered {@code who} typing {@code command} in {@link #TOWN}. */
    private List<String> ask(UserId who, String command) throws Exception {
        int before = matrix.postsIn(TOWN).size();
        ctx.say(TOWN, who, command);
        List<Sent> posts = matrix.postsIn(TOWN);
        return posts.subList(before, posts.size()).stream().map(Sent::body).toList();
    }

    private Path scheduleFile(String members) throws Exception {
        Path file = dir.resolve("shifts.yaml");
        Files.writeString(file, """
                templates:
                  - name: samedi-matin
                    title: Samedi matin
                    weeks: [B]
                    weekday: samedi
                    start: "09:00"
                    end: "12:00"
                    team: samedi
                    seats: 3
                    members: [%s]
                """.formatted(members));
        return file;
    }

    private String section(Path file, String extra) {
        return """
                anchor: 2026-03-02
                source: {type: yaml, file: "%s"}
                tick: 5s
                poll_interval: 1m
                teams: {samedi: "!equipe:coop.example"}
                admin_room: "!admins:coop.example"
                """.formatted(file) + extra;
    }

    /** The top-level language, address and texts the instance gets. */
    private TextSettings topLevel = TextSettings.DEFAULT;

    private Plugin start(String yaml) throws Exception {
        Plugin plugin = context(yaml).create(new ShiftsPluginFactory());
        plugin.start();
        jobs.fire("first-poll"); // as the scheduler does right after start
        return plugin;
    }

    @Test
    void theFactoryIsFoundByServiceLoaderUnderTypeShifts() {
        assertThat(ServiceLoader.load(coop.comptoir.api.plugin.PluginFactory.class).stream()
                .map(p -> p.get().type())).contains("shifts");
    }

    @Test
    void jobsAreCronJobsOnTheConfiguredCadence() throws Exception {
        start(section(scheduleFile("\"@alice:coop.example\""), ""));
        assertThat(jobs.cronOf("tick")).hasValue("0/5 * * * * ?");
        assertThat(jobs.cronOf("poll")).hasValue("0 0/1 * * * ?");
        assertThat(matrix.joinedRooms()).containsExactly(TEAM, ADMINS);
    }

    @Test
    void startReadsNoSourceButSchedulesAFirstPollNowFollowedByATick() throws Exception {
        Plugin plugin = context(section(scheduleFile("\"@alice:coop.example\""), "reminders: [48h]\n")).create(new ShiftsPluginFactory());
        ctx.fakeClock().set(Instant.parse("2026-03-12T08:00:00Z"));
        Instant before = Instant.now();
        plugin.start();
        assertThat(new ShiftsStore(ctx.database(), "shifts").shifts(Instant.EPOCH, Instant.parse("2027-01-01T00:00:00Z"), java.time.ZoneOffset.UTC))
                .as("nothing read yet").isEmpty();
        assertThat(jobs.cronOf("first-poll")).as("a one-off job").isEmpty();
        assertThat(jobs.nextFire("first-poll")).hasValueSatisfying(when -> assertThat(when).isBetween(before, Instant.now()));

        jobs.fire("first-poll");
        assertThat(matrix.postsIn(TEAM)).as("read, then what is due sent at once").hasSize(1);
        assertThat(jobs.nextFire("first-poll")).isEmpty();
    }

    @Test
    void closingOneProcessLeavesTheSharedJobsToTheOthersAndRunsNothingMore() throws Exception {
        start(section(scheduleFile("\"@alice:coop.example\""), "reminders: [48h]\n")).close();
        assertThat(jobs.keys()).as("on PostgreSQL the cluster's other processes still fire them")
                .contains("poll", "tick");
        ctx.fakeClock().set(Instant.parse("2026-03-12T08:00:00Z"));
        jobs.fire("tick");
        assertThat(matrix.sent()).isEmpty();
    }

    @Test
    void theTickSendsTheTeamReminderWhenThePluginClockReachesIt() throws Exception {
        start(section(scheduleFile("\"@alice:coop.example\""), "reminders: [48h]\n"));
        ctx.fakeClock().set(Instant.parse("2026-03-12T07:59:59Z"));
        jobs.fire("tick");
        assertThat(matrix.sent()).isEmpty();
        ctx.fakeClock().set(Instant.parse("2026-03-12T08:00:00Z"));
        jobs.fire("tick");
        jobs.fire("tick");
        assertThat(matrix.postsIn(TEAM)).singleElement().satisfies(m -> {
            assertThat(m.body()).startsWith("⏰ Rappel : service « Samedi matin » le samedi 14 mars, 9h00–12h00.");
            assertThat(m.mentions()).containsExactly(ALICE);
        });
    }

    @Test
    void anUnreadableSourceKeepsTheLastScheduleAndTellsTheAdminsOnceUntilItRecovers() throws Exception {
        Path file = scheduleFile("\"@alice:coop.example\"");
        start(section(file, "reminders: [48h]\n"));
        Files.writeString(file, "templates: [ {name: ");
        jobs.fire("poll");
        jobs.fire("poll");
        Files.delete(file);
        jobs.fire("poll");
        assertThat(matrix.postsIn(ADMINS)).singleElement().satisfies(m -> assertThat(m.body())
                .startsWith("⚠️ Source des services indisponible (YAML " + file + ") : " + file + ": not valid YAML"));

        ctx.fakeClock().set(Instant.parse("2026-03-12T08:00:30Z"));
        jobs.fire("tick");
        assertThat(matrix.postsIn(TEAM)).as("the last good schedule still reminds").hasSize(1);

        scheduleFile("\"@alice:coop.example\"");
        jobs.fire("poll");
        jobs.fire("poll");
        assertThat(matrix.postsIn(ADMINS)).hasSize(2);
        assertThat(matrix.postsIn(ADMINS).get(1).body()).isEqualTo("✅ La source des services fonctionne de nouveau (YAML " + file + ").");
    }

    @Test
    void anUnexpectedSourceErrorReachesTheAdminsWithoutItsMessageAndTheLogMasked() throws Exception {
        context(section(scheduleFile("\"@alice:coop.example\""), ""));
        ShiftsPluginFactory.Settings s = settings(ctx.config());
        ShiftSource failing = new ShiftSource() {
            @Override
            public coop.comptoir.bots.shifts.source.Fetched read(Instant from, Instant to) {
                throw new IllegalArgumentException("Unexpected char 0x0a at 6 in X-Api-Key value: s3cret-token\n");
            }

            @Override
            public String describe() {
                return "iCalendar https://cloud.example.coop";
            }

            @Override
            public String mask(String text) {
                return text.replace("s3cret-token", "***");
            }
        };
        ShiftsPluginFactory.Settings broken = new ShiftsPluginFactory.Settings(s.config(), s.zone(), s.cycle(), failing,
                s.horizon(), s.teams(), s.reminders(), s.personal(), s.helpBefore(), s.pollCron(), s.tickCron());
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) ctx.log();
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged = new ch.qos.logback.core.read.ListAppender<>();
        logged.start();
        logger.addAppender(logged);
        try {
            try (ShiftsPlugin plugin = new ShiftsPlugin(ctx, broken)) {
                plugin.start();
                jobs.fire("poll");
            }
        } finally {
            logger.detachAppender(logged);
        }
        assertThat(matrix.postsIn(ADMINS)).singleElement().satisfies(m -> assertThat(m.body()).isEqualTo(
                "⚠️ Source des services indisponible (iCalendar https://cloud.example.coop) : erreur inattendue (voir le journal). "
                        + "Je garde le dernier planning connu et vous préviendrai quand elle fonctionnera de nouveau."));
        assertThat(logged.list).extracting(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
                .anySatisfy(line -> assertThat(line).contains("IllegalArgumentException: Unexpected char 0x0a at 6 in X-Api-Key value: ***"))
                .noneSatisfy(line -> assertThat(line).contains("s3cret"));
    }

    @Test
    void theTopLevelLanguageAndAddressAreFollowedUnlessTheSectionSaysOtherwise() throws Exception {
        topLevel = TextSettings.DEFAULT.withLanguage("en");
        start(section(scheduleFile("\"@alice:coop.example\", Bob"), ""));
        assertThat(ask(ALICE, "!rappels on"))
                .containsExactly("Noted: I will send you your shift reminders by direct message. 🌱");
        assertThat(ask(ALICE, "!reminders")).containsExactly("Your personal reminders are on. Say !rappels on or !rappels off.");
        assertThat(ask(ZOE, "!shifts")).containsExactly("This week is week B.\nI cannot find you in any shift in the next 14 days.");
        ctx.close();

        topLevel = TextSettings.DEFAULT.withLanguage("en").withAddress("tu");
        start(section(scheduleFile("\"@alice:coop.example\", Bob"), "language: fr\n"));
        assertThat(ask(ALICE, "!rappels off")).as("the section's language, the top-level address")
                .containsExactly("C’est noté : plus de rappels en message privé (!rappels on pour les réactiver).");
        assertThat(ask(ALICE, "!services").get(0)).contains("Tes prochains services :");
    }

    @Test
    void optInOpensADirectChatAndTheShiftsCommandListsMyShiftsAndTheWeekLetter() throws Exception {
        start(section(scheduleFile("\"@alice:coop.example\", Bob"), "address: tu\n"));
        assertThat(ask(ALICE, "!rappels on")).containsExactly("C’est noté : je t’enverrai tes rappels de service en message privé. 🌱");
        assertThat(matrix.createdRooms()).hasSize(1);
        assertThat(ask(ALICE, "!reminders")).as("the alias").containsExactly("Tes rappels personnels sont activés. Écris !rappels on ou !rappels off.");

        assertThat(ask(ALICE, "!services")).singleElement().isEqualTo("""
                Nous sommes en semaine B.
                Tes prochains services :
                • samedi 14 mars, 9h00–12h00 — Samedi matin (semaine B)""");
        assertThat(ask(ZOE, "!shifts")).as("the alias")
                .containsExactly("Nous sommes en semaine B.\nJe ne te trouve inscrit·e à aucun service dans les 14 prochains jours.");

        // the personal reminder, 24h before
        ctx.fakeClock().set(Instant.parse("2026-03-13T08:00:00Z"));
        jobs.fire("tick");
        RoomId dm = matrix.createdRooms().get(0).room();
        assertThat(matrix.postsIn(dm)).extracting(Sent::body).last().asString()
                .startsWith("Coucou ! Petit rappel : tu es inscrit·e au service « Samedi matin » le samedi 14 mars");

        assertThat(ask(ALICE, "!rappels off")).containsExactly("C’est noté : plus de rappels en message privé (!rappels on pour les réactiver).");
    }

    @Test
    void vousAndEnglishTexts() throws Exception {
        start(section(scheduleFile("\"@alice:coop.example\""), "address: vous\n"));
        assertThat(ask(ALICE, "!rappels on"))
                .containsExactly("C’est noté : je vous enverrai vos rappels de service en message privé. 🌱");
        assertThat(ask(ALICE, "!services").get(0)).contains("Vos prochains services :");
        Texts en = Texts.of("en", "tu");
        assertThat(en.teamReminder(ReminderEngineTest.shift("x", ReminderEngineTest.START, 3, ALICE), java.time.Duration.ofMinutes(12)).body())
                .isEqualTo("⏰ Reminder: shift “Samedi matin” on Saturday 14 March, 9:00–12:00.\nSigned up: alice. 2 seats are still free.\n"
                        + "If you cannot come, please tell the team as soon as possible. Thank you! (reminder sent 12 min late)");
    }

    @Test
    void theLateNoteComesBeforeHowToOptOutAndNoShiftsCountsDaysOrHours() {
        Shift s = ReminderEngineTest.shift("x", ReminderEngineTest.START, 3, ALICE);
        assertThat(Texts.of("fr", "vous").personalReminder(s, "rappels", java.time.Duration.ofMinutes(12)).body()).isEqualTo(
                "Bonjour ! Petit rappel : vous êtes inscrit·e au service « Samedi matin » le samedi 14 mars, 9h00–12h00. "
                        + "Merci et à bientôt au magasin ! (rappel envoyé avec 12 min de retard)\n"
                        + "(Pour ne plus recevoir ces messages : !rappels off)");
        assertThat(Texts.of("en", "tu").personalReminder(s, "reminders", null).body()).isEqualTo(
                "Hello! A little reminder: you are signed up for the shift “Samedi matin” on Saturday 14 March, 9:00–12:00. "
                        + "Thank you, see you at the shop!\n(To stop these messages: !reminders off)");
        Texts fr = Texts.of("fr", "tu");
        assertThat(fr.noShifts(java.time.Duration.ofDays(14))).isEqualTo("Je ne te trouve inscrit·e à aucun service dans les 14 prochains jours.");
        assertThat(fr.noShifts(java.time.Duration.ofDays(1))).isEqualTo("Je ne te trouve inscrit·e à aucun service dans les 24 prochaines heures.");
        assertThat(fr.noShifts(java.time.Duration.ofHours(1))).isEqualTo("Je ne te trouve inscrit·e à aucun service dans la prochaine heure.");
        assertThat(Texts.of("en", "tu").noShifts(java.time.Duration.ofHours(36))).isEqualTo("I cannot find you in any shift in the next 36 hours.");
        assertThat(Texts.of("fr", "vous").teamReminder(s, null).body()).as("a team is addressed as a group whatever the address")
                .isEqualTo(fr.teamReminder(s, null).body()).contains("Si vous ne pouvez pas venir");
    }

    private static String error(String yaml) {
        try {
            settings(PluginConfigs.of("shifts", yaml));
            return "no error";
        } catch (ConfigException e) {
            return e.problems().stream().map(ConfigException::getMessage).collect(java.util.stream.Collectors.joining("\n"));
        }
    }

    @Test
    void configErrorsNameTheKeyAndTheReason() {
        String base = "source: {type: yaml, templates: []}\n";
        assertThat(error(base + "anchor: 2026-03-04")).isEqualTo(
                "plugins[0].anchor: 2026-03-04 is a wednesday, not a Monday (the Monday of that week is 2026-03-02)");
        assertThat(error(base + "anchor: mars")).startsWith("plugins[0].anchor: \"mars\" is not a date");
        assertThat(error(base + "anchor: 2026-03-02\nreminders: [48h, 2 heures]"))
                .isEqualTo("plugins[0].reminders[1]: \"2 heures\" is not a duration: expected a number and a unit: 90s, 10m, 48h, 14d (or 2h30m)");
        assertThat(error(base + "anchor: 2026-03-02\nreminders: [48h, PT48H]"))
                .isEqualTo("plugins[0].reminders[1]: 48h is listed twice");
        assertThat(error(base + "anchor: 2026-03-02\ntick: 7s")).isEqualTo(
                "plugins[0].tick: 7s does not divide a minute, an hour or a day evenly (e.g. 5s, 30s, 1m, 5m, 15m, 1h)");
        assertThat(error(base + "anchor: 2026-03-02\nzone: Paris")).startsWith("plugins[0].zone: \"Paris\" is not a time zone");
        assertThat(error(base + "anchor: 2026-03-02\naddress: toi\nlanguage: de")).isEqualTo(
                "plugins[0].language: fr or en, not \"de\"\nplugins[0].address: tu or vous, not \"toi\"");
        assertThat(error(base + "anchor: 2026-03-02\nteams: {a: equipe-a}\nunderstaffed: {room: benevoles}")).isEqualTo(
                "plugins[0].teams.a: \"equipe-a\" is not a room ID (!abc:example.org) or alias (#name:example.org)\n"
                        + "plugins[0].understaffed.room: \"benevoles\" is not a room ID (!abc:example.org) or alias (#name:example.org)");
        assertThat(error(base + "anchor: 2026-03-02\npoll_interval: 300\nhorizon: 14")).isEqualTo(
                "plugins[0].poll_interval: \"300\" has no unit: write 300s, 300m, 300h or 300d\n"
                        + "plugins[0].horizon: \"14\" has no unit: write 14s, 14m, 14h or 14d");
        assertThat(error("anchor: 2026-03-02\nsource: {type: ical, url: x}"))
                .isEqualTo("plugins[0].source.url: must be an http(s) address");
        assertThat(error("anchor: 2026-03-02\nsource: {type: odoo, url: \"https://odoo.example\", login: x, password: y}"))
                .startsWith("plugins[0].source.database: ");
        assertThat(error("anchor: 2026-03-02\nsource: {type: yaml, templates: [{name: a, weeks: A, weekday: lundi, start: 9h, end: 8h}]}"))
                .isEqualTo("plugins[0].source.templates[0].end: 08:00 is not after start 09:00");
        assertThat(error(base + "anchor: 2026-03-02\ncommands: {reminders: [rappels], shifts: [rappels]}"))
                .isEqualTo("plugins[0].commands.shifts[0]: rappels is used twice");
        assertThat(error(base + "anchor: 2026-03-02\nunderstaffed: {room: \"#benevoles:coop.example\", before: 36h}")).isEqualTo("no error");
    }

    @Test
    void aSourceSecretNeverShowsInConfigErrorsOrInTheConfigRecords() {
        Map<String, String> env = Map.of("ICAL_TOKEN", "s3cret-token", "ODOO_PASSWORD", "s3cret-password");
        var section = coop.comptoir.bots.shifts.source.Sections.parse("""
                anchor: 2026-03-02
                source: {type: ical, url: "https://cloud.example.coop/x.ics", auth: "${ICAL_TOKEN}"}
                """, env);
        assertThatThrownBy(() -> settings(section)).isInstanceOf(ConfigException.class)
                .hasMessage("plugins[0].source.auth: expected a mapping, got a string (value hidden)");

        var ical = coop.comptoir.bots.shifts.source.Sections.parse("""
                anchor: 2026-03-02
                source: {type: ical, url: "https://cloud.example.coop/x.ics", auth: {token: "${ICAL_TOKEN}"}}
                """, env);
        assertThat(ical.bind(ShiftsConfig.class).toString()).contains("source={type=ical}")
                .doesNotContain("s3cret");
        var auth = new coop.comptoir.bots.shifts.source.IcalSourceConfig.Auth("me", "s3cret-password", "s3cret-token", null);
        assertThat(auth.toString()).isEqualTo("Auth[username=me, password=***, token=***, header=null]");
        var odoo = new coop.comptoir.bots.shifts.source.OdooSourceConfig("https://odoo.example.coop", "cagette", "bot",
                "s3cret-password", null, null, null, null);
        assertThat(odoo.toString()).contains("login=bot, password=***").doesNotContain("s3cret");
    }

    @Test
    void theExampleConfigAndScheduleAreValid() throws Exception {
        var root = PluginConfigs.yaml(Files.readString(Path.of("../../config/shifts.example.yaml")));
        var section = (com.fasterxml.jackson.databind.node.ObjectNode) root.path("plugins").get(0).deepCopy();
        section.remove(List.of("type", "id"));
        Path schedule = Path.of("../../config/shifts-schedule.example.yaml").toAbsolutePath();
        ((com.fasterxml.jackson.databind.node.ObjectNode) section.get("source")).put("file", schedule.toString());
        ShiftsPluginFactory.Settings s = settings(coop.comptoir.bots.shifts.source.Sections.of("plugins[0]", section));
        assertThat(s.reminders()).containsExactly(java.time.Duration.ofHours(48), java.time.Duration.ofHours(2));
        List<Shift> shifts = s.source().fetch(Instant.parse("2026-03-30T00:00:00Z"), Instant.parse("2026-04-13T00:00:00Z"));
        // 2026-03-30 is a Monday of week A (12 weeks after the anchor): mardi-soir twice, samedi-matin
        // on 4 April is cancelled, 11 April is week B
        assertThat(shifts).extracting(Shift::id).containsExactly("yaml:mardi-soir:2026-03-31", "yaml:mardi-soir:2026-04-07");
        assertThat(shifts.get(0).seatsFree()).isEqualTo(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"shifts-ical.example.yaml", "shifts-odoo.example.yaml"})
    void theIcalAndOdooExamplesAreCompleteSections(String file) throws Exception {
        var root = PluginConfigs.yaml(Files.readString(Path.of("../../config", file)));
        var section = (com.fasterxml.jackson.databind.node.ObjectNode) root.path("plugins").get(0).deepCopy();
        section.remove(List.of("type", "id"));

        ShiftsPluginFactory.Settings s = settings(coop.comptoir.bots.shifts.source.Sections.of("plugins[0]", section));

        assertThat(s.source().describe()).containsAnyOf("iCalendar", "Odoo");
        assertThat(s.source().describe()).doesNotContain("${");
    }
}
