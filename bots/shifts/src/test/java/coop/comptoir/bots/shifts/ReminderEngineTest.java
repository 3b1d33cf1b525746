package coop.comptoir.bots.shifts;

import static org.assertj.core.api.Assertions.assertThat;

import coop.comptoir.api.id.EventId;
import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.id.UserId;
import coop.comptoir.api.store.Database;
import coop.comptoir.testing.FakeClock;
import coop.comptoir.testing.RecordingMatrixClient;
import coop.comptoir.testing.RecordingMatrixClient.Sent;
import coop.comptoir.bots.shifts.ShiftsStore.Row;
import coop.comptoir.testing.TestDatabase;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The reminder engine with a real SQLite store, a fake homeserver and a hand-moved clock. */
class ReminderEngineTest {
    static final ZoneId PARIS = ZoneId.of("Europe/Paris");
    static final RoomId TEAM_ROOM = RoomId.of("!equipe:coop.example");
    static final RoomId HELP_ROOM = RoomId.of("!benevoles:coop.example");
    static final UserId ALICE = UserId.of("@alice:coop.example");
    static final UserId BOB = UserId.of("@bob:coop.example");
    /** Saturday 14 March 2026, 9:00 in Paris (UTC+1). */
    static final ZonedDateTime START = ZonedDateTime.of(2026, 3, 14, 9, 0, 0, 0, PARIS);
    static final Instant DUE_48H = Instant.parse("2026-03-12T08:00:00Z");
    static final Instant DUE_2H = Instant.parse("2026-03-14T06:00:00Z");

    @TempDir
    Path dir;

    private final List<TestDatabase> opened = new ArrayList<>();
    private TestDatabase db;
    private final RecordingMatrixClient matrix = new RecordingMatrixClient(UserId.of("@comptoir:coop.example"));
    private final FakeClock clock = new FakeClock(Instant.parse("2026-03-01T10:00:00Z"), java.time.ZoneOffset.UTC);

    @BeforeEach
    void open() {
        db = TestDatabase.sqlite(dir);
        opened.add(db);
    }

    @AfterEach
    void close() {
        opened.forEach(TestDatabase::close);
    }

    static Shift shift(String id, ZonedDateTime start, int seats, UserId... members) {
        List<Shift.Member> ms = Arrays.stream(members).map(u -> new Shift.Member(u.localpart(), Optional.of(u))).toList();
        return new Shift(id, "Samedi matin", Optional.of("samedi"), start, start.plusHours(3), seats,
                Math.max(0, seats - ms.size()), ms);
    }

    static ReminderEngine engine(Database db, RecordingMatrixClient matrix, java.time.Clock clock, String helpRoom) {
        return engine(db, matrix, clock, helpRoom, TEAM_ROOM);
    }

    static ReminderEngine engine(Database db, RecordingMatrixClient matrix, java.time.Clock clock, String helpRoom, RoomId teamRoom) {
        return engine(db, matrix, clock, helpRoom, s -> teamRoom.value());
    }

    static ReminderEngine engine(Database db, RecordingMatrixClient matrix, java.time.Clock clock, String helpRoom,
                                 java.util.function.Function<Shift, String> teamRoom) {
        return new ReminderEngine(new ShiftsStore(db, "shifts"), matrix, clock, Texts.of("fr", "tu"),
                new ReminderEngine.Settings("shifts", PARIS, List.of(Duration.ofHours(48), Duration.ofHours(2)),
                        List.of(Duration.ofHours(24)), helpRoom, Duration.ofHours(48), "rappels", teamRoom),
                LoggerFactory.getLogger("shifts-test"));
    }

    private ReminderEngine engine() {
        return engine(db, matrix, clock, null);
    }

    /** A poll at the clock's time, 14 days ahead. */
    private void poll(ReminderEngine e, Shift... shifts) {
        Instant now = clock.instant();
        e.plan(List.of(shifts), now, now.plus(Duration.ofDays(14)));
    }

    private void at(Instant t, ReminderEngine e) {
        clock.set(t);
        e.tick();
    }

    @Test
    void dueTimesKeepTheWallClockHourAcrossDaylightSavingChanges() {
        // Sunday 29 March 2026, clocks go forward at 2:00: 48h before 9:00 is Friday 9:00 local, 47 real hours.
        ZonedDateTime spring = ZonedDateTime.of(2026, 3, 29, 9, 0, 0, 0, PARIS);
        assertThat(ReminderEngine.due(spring, Duration.ofHours(48)).atZone(PARIS).toLocalDateTime())
                .isEqualTo(LocalDateTime.of(2026, 3, 27, 9, 0));
        assertThat(ReminderEngine.due(spring, Duration.ofHours(2)).atZone(PARIS).toLocalDateTime())
                .isEqualTo(LocalDateTime.of(2026, 3, 29, 7, 0));
        assertThat(ReminderEngine.due(spring, Duration.ofHours(48))).isEqualTo(Instant.parse("2026-03-27T08:00:00Z"));
        // Sunday 25 October 2026, clocks go back at 3:00: 49 real hours, still Friday 9:00 local.
        ZonedDateTime autumn = ZonedDateTime.of(2026, 10, 25, 9, 0, 0, 0, PARIS);
        assertThat(ReminderEngine.due(autumn, Duration.ofHours(48))).isEqualTo(Instant.parse("2026-10-23T07:00:00Z"));
        assertThat(ReminderEngine.due(autumn, Duration.ofHours(2))).isEqualTo(Instant.parse("2026-10-25T06:00:00Z"));
        // a shift on the night of the change: hours count on the time line, so 2h before 4:00 CEST is 1:00 CET
        ZonedDateTime night = ZonedDateTime.of(2026, 3, 29, 4, 0, 0, 0, PARIS);
        assertThat(ReminderEngine.due(night, Duration.ofHours(2))).isEqualTo(Instant.parse("2026-03-29T00:00:00Z"));
        assertThat(ReminderEngine.due(night, Duration.ofHours(2)).atZone(PARIS).toLocalTime()).isEqualTo(java.time.LocalTime.of(1, 0));
        // and a day and 2 hours before is the day before at 2:00 (04:00 CET that day, minus 2 h)
        assertThat(ReminderEngine.due(night, Duration.ofDays(1).plusHours(2)).atZone(PARIS).toLocalDateTime())
                .isEqualTo(LocalDateTime.of(2026, 3, 28, 2, 0));
    }

    @Test
    void aTeamReminderIsSentAtItsDueTimeOnceWithMentions() {
        ReminderEngine e = engine();
        Shift s = shift("yaml:samedi:2026-03-14", START, 4, ALICE, BOB);
        poll(e, s);
        at(DUE_48H.minusSeconds(1), e);
        assertThat(matrix.sent()).isEmpty();

        at(DUE_48H, e);
        assertThat(matrix.postsIn(TEAM_ROOM)).singleElement().satisfies(m -> {
            assertThat(m.text()).isEqualTo("⏰ Rappel : service « Samedi matin » le samedi 14 mars, 9h00–12h00.\n"
                    + "Inscrit·es : alice, bob. Il reste 2 places libres.\n"
                    + "Si vous ne pouvez pas venir, prévenez l’équipe au plus vite. Merci !");
            assertThat(m.html()).contains("<a href=\"https://matrix.to/#/@alice:coop.example\">alice</a>");
            assertThat(m.mentions()).containsExactlyInAnyOrder(ALICE, BOB);
            assertThat(m.content().path("msgtype").asText()).isEqualTo("m.notice");
        });

        at(DUE_48H.plusSeconds(30), e);
        poll(e, s);
        at(DUE_48H.plusSeconds(60), e);
        assertThat(matrix.postsIn(TEAM_ROOM)).hasSize(1);

        at(DUE_2H, e);
        assertThat(matrix.postsIn(TEAM_ROOM)).hasSize(2);
        assertThat(matrix.postsIn(TEAM_ROOM).get(1).text()).doesNotContain("retard");
    }

    @Test
    void aRestartNeitherResendsNorLosesAReminder() {
        Shift s = shift("yaml:samedi:2026-03-14", START, 4, ALICE);
        poll(engine(), s);
        at(DUE_48H, engine());
        // a new process: new engine and store over the same database file
        ReminderEngine after = engine(reopen(), matrix, clock, null);
        poll(after, s);
        at(DUE_48H.plusSeconds(5), after);
        assertThat(matrix.postsIn(TEAM_ROOM)).hasSize(1);

        // down at the minute the 2h reminder was due: sent when back, with the delay
        clock.set(DUE_2H.plus(Duration.ofMinutes(17)));
        ReminderEngine late = engine(reopen(), matrix, clock, null);
        late.tick();
        assertThat(matrix.postsIn(TEAM_ROOM)).hasSize(2);
        assertThat(matrix.postsIn(TEAM_ROOM).get(1).text()).endsWith("Merci ! (rappel envoyé avec 17 min de retard)");
    }

    @Test
    void aCrashBetweenSendingAndRecordingIsDeduplicatedByTheTransactionId() {
        ReminderEngine e = engine();
        poll(e, shift("yaml:samedi:2026-03-14", START, 4, ALICE));
        matrix.loseNextAnswers(1);
        at(DUE_48H, e);
        assertThat(matrix.postsIn(TEAM_ROOM)).hasSize(1);
        // the row went back to pending: the retry uses the same transaction ID, the homeserver answers with the same event
        at(DUE_48H.plusSeconds(30), e);
        assertThat(matrix.postsIn(TEAM_ROOM)).hasSize(1);

        // a process that died with the row claimed: another one takes it after the lease
        poll(e, shift("yaml:samedi:2026-03-14", START, 4, ALICE));
        ShiftsStore store = new ShiftsStore(db, "shifts");
        clock.set(DUE_2H);
        assertThat(store.move("team|yaml:samedi:2026-03-14|7200", ShiftsStore.PENDING, ShiftsStore.SENDING, DUE_2H)).isTrue();
        e.tick();
        assertThat(matrix.postsIn(TEAM_ROOM)).hasSize(1);
        at(DUE_2H.plus(ReminderEngine.LEASE).plusSeconds(1), e);
        assertThat(matrix.postsIn(TEAM_ROOM)).hasSize(2);
        assertThat(matrix.postsIn(TEAM_ROOM).get(1).text()).contains("2 min de retard");
    }

    @Test
    void aFailedSendIsRetriedAtTheNextTick() {
        ReminderEngine e = engine();
        poll(e, shift("yaml:samedi:2026-03-14", START, 4, ALICE));
        matrix.failNext(1);
        at(DUE_48H, e);
        assertThat(matrix.sent()).isEmpty();
        at(DUE_48H.plusSeconds(30), e);
        assertThat(matrix.postsIn(TEAM_ROOM)).hasSize(1);
    }

    @Test
    void anUnexpectedErrorForOneReminderNeitherStopsTheOthersNorLeavesItClaimed() {
        RoomId other = RoomId.of("!autre:coop.example");
        ReminderEngine e = engine(db, matrix, clock, null, s -> s.id().startsWith("yaml:a") ? other.value() : TEAM_ROOM.value());
        poll(e, shift("yaml:a:2026-03-14", START, 4, ALICE), shift("yaml:b:2026-03-14", START.plusMinutes(1), 4, ALICE));
        matrix.failIn(other, new IllegalStateException("a bug"));
        at(DUE_48H.plusSeconds(60), e);
        assertThat(matrix.postsIn(TEAM_ROOM)).as("the other reminder still goes").hasSize(1);
        assertThat(new ShiftsStore(db, "shifts").reminder("team|yaml:a:2026-03-14|172800"))
                .hasValueSatisfying(r -> assertThat(r.state()).isEqualTo(ShiftsStore.PENDING));

        matrix.clearFaults();
        at(DUE_48H.plusSeconds(90), e);
        assertThat(matrix.postsIn(other)).hasSize(1);
    }

    @Test
    void aReminderWhoseClaimsNeverFinishIsGivenUpAfterTheLastAttempt() {
        ShiftsStore store = new ShiftsStore(db, "shifts");
        ReminderEngine e = engine();
        poll(e, shift("yaml:samedi:2026-03-14", START, 4, ALICE));
        String key = "team|yaml:samedi:2026-03-14|172800";
        Instant t = DUE_48H;
        for (int i = 1; i <= ReminderEngine.MAX_ATTEMPTS; i++) {
            assertThat(store.move(key, ShiftsStore.PENDING, ShiftsStore.SENDING, t)).as("claim %d", i).isTrue();
            t = t.plus(ReminderEngine.LEASE).plusSeconds(1);
            ShiftsStore.Released released = store.releaseStale(t.minus(ReminderEngine.LEASE), ReminderEngine.MAX_ATTEMPTS);
            if (i < ReminderEngine.MAX_ATTEMPTS) {
                assertThat(released).isEqualTo(new ShiftsStore.Released(1, List.of()));
            } else {
                assertThat(released).isEqualTo(new ShiftsStore.Released(0, List.of(key)));
            }
        }
        assertThat(store.reminder(key)).hasValueSatisfying(r -> assertThat(r.state()).isEqualTo(ShiftsStore.FAILED));
        at(t, e);
        assertThat(matrix.postsIn(TEAM_ROOM)).isEmpty();
    }

    @Test
    void aReminderStillDueWhenTheShiftHasStartedIsDropped() {
        ReminderEngine e = engine();
        poll(e, shift("yaml:samedi:2026-03-14", START, 4, ALICE));
        at(START.toInstant().plusSeconds(60), e);
        assertThat(matrix.sent()).isEmpty();
        at(START.toInstant().plusSeconds(120), e);
        assertThat(matrix.sent()).isEmpty();
    }

    @Test
    void ofSeveralLateRemindersOnlyTheLatestIsSent() {
        ReminderEngine e = engine();
        poll(e, shift("yaml:samedi:2026-03-14", START, 4, ALICE));
        at(START.toInstant().minus(Duration.ofMinutes(90)), e);
        assertThat(matrix.postsIn(TEAM_ROOM)).singleElement()
                .satisfies(m -> assertThat(m.text()).endsWith("(rappel envoyé avec 30 min de retard)"));
        at(START.toInstant().minus(Duration.ofMinutes(80)), e);
        assertThat(matrix.postsIn(TEAM_ROOM)).hasSize(1);
    }

    @Test
    void aMovedShiftMovesItsRemindersAndACancelledOneSendsNothing() {
        ReminderEngine e = engine();
        poll(e, shift("yaml:samedi:2026-03-14", START, 4, ALICE), shift("yaml:dimanche:2026-03-15", START.plusDays(1), 4, BOB));
        clock.set(Instant.parse("2026-03-05T10:00:00Z"));
        poll(e, shift("yaml:samedi:2026-03-14", START.plusHours(1), 4, ALICE));
        at(DUE_48H, e);
        assertThat(matrix.sent()).isEmpty();
        at(DUE_48H.plus(Duration.ofHours(1)), e);
        assertThat(matrix.postsIn(TEAM_ROOM)).singleElement().satisfies(m -> assertThat(m.text()).contains("10h00–13h00"));
        at(DUE_48H.plus(Duration.ofDays(1)), e);
        assertThat(matrix.postsIn(TEAM_ROOM)).as("the cancelled Sunday shift").hasSize(1);

        // moved after its reminder went out: reminded again for the new time
        poll(e, shift("yaml:samedi:2026-03-14", START.plusHours(2), 4, ALICE));
        at(DUE_48H.plus(Duration.ofHours(26)), e);
        assertThat(matrix.postsIn(TEAM_ROOM)).hasSize(2);
        assertThat(matrix.postsIn(TEAM_ROOM).get(1).text()).contains("11h00–14h00");
    }

    @Test
    void aShiftMovedAwayAndBackIsRemindedAgainEachTime() {
        ReminderEngine e = engine();
        poll(e, shift("yaml:samedi:2026-03-14", START, 4, ALICE));
        at(DUE_48H, e);
        poll(e, shift("yaml:samedi:2026-03-14", START.plusHours(1), 4, ALICE));
        at(DUE_48H.plus(Duration.ofHours(1)), e);
        poll(e, shift("yaml:samedi:2026-03-14", START, 4, ALICE));
        at(DUE_48H.plus(Duration.ofHours(1)).plusSeconds(30), e);
        assertThat(matrix.postsIn(TEAM_ROOM)).extracting(Sent::text).hasSize(3)
                .satisfiesExactly(m -> assertThat(m).contains("9h00–12h00"), m -> assertThat(m).contains("10h00–13h00"),
                        m -> assertThat(m).contains("9h00–12h00").contains("de retard"));
    }

    @Test
    void theCallForHelpIsPostedOnceThenEditedAsSeatsFill() {
        ReminderEngine e = engine(db, matrix, clock, HELP_ROOM.value());
        Shift s = shift("yaml:samedi:2026-03-14", START, 3, ALICE);
        poll(e, s);
        at(DUE_48H, e);
        assertThat(matrix.postsIn(HELP_ROOM)).singleElement().satisfies(m -> assertThat(m.text())
                .isEqualTo("🙋 Il manque 2 personnes le samedi 14 mars, 9h00–12h00 (« Samedi matin »). "
                        + "Tu peux venir ? Inscris-toi et préviens l’équipe !"));
        EventId original = matrix.postsIn(HELP_ROOM).get(0).eventId();

        clock.advance(Duration.ofHours(1));
        poll(e, shift("yaml:samedi:2026-03-14", START, 3, ALICE, BOB));
        e.tick();
        e.tick();
        assertThat(matrix.editsIn(HELP_ROOM)).singleElement().satisfies(m -> {
            assertThat(m.replaces()).isEqualTo(original);
            assertThat(m.text()).startsWith("🙋 Il manque 1 personne le samedi");
        });

        clock.advance(Duration.ofHours(1));
        poll(e, shift("yaml:samedi:2026-03-14", START, 3, ALICE, BOB, UserId.of("@carla:coop.example")));
        e.tick();
        poll(e, shift("yaml:samedi:2026-03-14", START, 3, ALICE, BOB, UserId.of("@carla:coop.example")));
        e.tick();
        assertThat(matrix.editsIn(HELP_ROOM)).hasSize(2);
        assertThat(matrix.editsIn(HELP_ROOM).get(1).text()).isEqualTo("✅ Complet, merci ! samedi 14 mars, 9h00–12h00 (« Samedi matin »)");
        assertThat(matrix.postsIn(HELP_ROOM)).as("never re-posted").hasSize(1);
    }

    @Test
    void aCallForHelpRetriedAfterALostAnswerIsEditedToTheCurrentSeats() {
        ReminderEngine e = engine(db, matrix, clock, HELP_ROOM.value());
        poll(e, shift("yaml:samedi:2026-03-14", START, 3, ALICE));
        matrix.loseNextAnswers(1);
        at(DUE_48H, e);
        assertThat(matrix.postsIn(HELP_ROOM)).singleElement().satisfies(m -> assertThat(m.text()).contains("Il manque 2 personnes"));

        // Bob signs up before the retry: the homeserver answers it with the first event, which says 2
        poll(e, shift("yaml:samedi:2026-03-14", START, 3, ALICE, BOB));
        at(DUE_48H.plusSeconds(30), e);
        at(DUE_48H.plusSeconds(60), e);
        assertThat(matrix.postsIn(HELP_ROOM)).hasSize(1);
        assertThat(matrix.editsIn(HELP_ROOM)).singleElement().satisfies(m -> assertThat(m.text()).contains("Il manque 1 personne"));
    }

    @Test
    void anEditThatKeepsFailingIsGivenUpUntilTheSeatsChangeAgain() {
        ReminderEngine e = engine(db, matrix, clock, HELP_ROOM.value());
        poll(e, shift("yaml:samedi:2026-03-14", START, 4, ALICE));
        at(DUE_48H, e);
        assertThat(matrix.postsIn(HELP_ROOM)).hasSize(1);

        poll(e, shift("yaml:samedi:2026-03-14", START, 4, ALICE, BOB));
        matrix.failNext(100);
        for (int i = 0; i < 12; i++) {
            clock.advance(Duration.ofSeconds(30));
            e.tick();
        }
        assertThat(100 - matrix.failuresLeft()).as("edit attempts").isEqualTo(ReminderEngine.MAX_ATTEMPTS);

        matrix.clearFaults();
        poll(e, shift("yaml:samedi:2026-03-14", START, 4, ALICE, BOB, UserId.of("@carla:coop.example")));
        e.tick();
        assertThat(matrix.editsIn(HELP_ROOM)).singleElement().satisfies(m -> assertThat(m.text()).startsWith("🙋 Il manque 1 personne"));
    }

    @Test
    void aCallForHelpIsNotPostedForAShiftFullByItsDueTimeAndSaysSoWhenCancelled() {
        ReminderEngine e = engine(db, matrix, clock, HELP_ROOM.value());
        poll(e, shift("yaml:samedi:2026-03-14", START, 2, ALICE), shift("yaml:dimanche:2026-03-15", START.plusDays(1), 2, BOB));
        clock.set(DUE_48H.minusSeconds(60));
        poll(e, shift("yaml:samedi:2026-03-14", START, 2, ALICE, BOB), shift("yaml:dimanche:2026-03-15", START.plusDays(1), 2, BOB));
        at(DUE_48H.plus(Duration.ofDays(1)), e);
        assertThat(matrix.postsIn(HELP_ROOM)).singleElement().satisfies(m -> assertThat(m.text()).contains("dimanche 15 mars"));

        poll(e, shift("yaml:samedi:2026-03-14", START, 2, ALICE, BOB));
        e.tick();
        assertThat(matrix.editsIn(HELP_ROOM)).singleElement().satisfies(m -> assertThat(m.text())
                .isEqualTo("❌ Service annulé : dimanche 15 mars, 9h00–12h00 (« Samedi matin »). Plus besoin de renfort, merci !"));
    }

    @Test
    void personalRemindersGoToMembersWhoOptedInInADirectChat() {
        ShiftsStore store = new ShiftsStore(db, "shifts");
        store.optIn(ALICE, true);
        ReminderEngine e = engine();
        poll(e, shift("yaml:samedi:2026-03-14", START, 4, ALICE, BOB));
        at(START.toInstant().minus(Duration.ofHours(24)), e);

        assertThat(matrix.createdRooms()).singleElement().satisfies(r -> {
            assertThat(r.request().path("is_direct").asBoolean()).isTrue();
            assertThat(r.request().path("invite").get(0).asText()).isEqualTo(ALICE.value());
        });
        RoomId dm = store.directRoom(ALICE).orElseThrow();
        assertThat(matrix.postsIn(dm)).extracting(Sent::text).containsExactly(
                "Coucou ! C’est ici que je t’enverrai tes rappels de service. 🌱",
                "Coucou ! Petit rappel : tu es inscrit·e au service « Samedi matin » le samedi 14 mars, 9h00–12h00. "
                        + "Merci et à bientôt au magasin !\n(Pour ne plus recevoir ces messages : !rappels off)");
        assertThat(store.directRoom(BOB)).isEmpty();

        // opted out before the next shift's reminder: nothing more
        poll(e, shift("yaml:samedi:2026-03-14", START, 4, ALICE, BOB), shift("yaml:s2:2026-03-21", START.plusDays(7), 4, ALICE));
        store.optIn(ALICE, false);
        at(START.toInstant().plus(Duration.ofDays(6)), e);
        assertThat(matrix.postsIn(dm)).hasSize(2);
    }

    /**
     * Process A's view of the database: {@link #beforeNextClaim} runs (as process B) just before A's
     * next claim, between A's read of the due rows and its compare-and-set.
     */
    static final class Interleaved implements Database {
        private final Database real;
        volatile Runnable beforeNextClaim;

        Interleaved(Database real) {
            this.real = real;
        }

        private Connection watch(Connection c) {
            return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                    (proxy, method, args) -> {
                        Runnable hook = beforeNextClaim;
                        if (method.getName().equals("prepareStatement") && hook != null
                                && ((String) args[0]).contains("claimed_ms = ?")) {
                            beforeNextClaim = null;
                            hook.run();
                        }
                        try {
                            return method.invoke(c, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }

        @Override public Dialect dialect() { return real.dialect(); }
        @Override public void migrate(String component, List<Migration> migrations) { real.migrate(component, migrations); }
        @Override public <T> T inTransaction(SqlFunction<T> work) { return real.inTransaction(c -> work.apply(watch(c))); }
        @Override public <T> T withConnection(SqlFunction<T> work) { return real.withConnection(c -> work.apply(watch(c))); }
    }

    @Test
    void aClaimTakesARowOnlyWhileDueAndGivesItAsItIsNow() {
        ShiftsStore store = new ShiftsStore(db, "shifts");
        poll(engine(), shift("yaml:samedi:2026-03-14", START, 4, ALICE));
        Row read = store.duePending(DUE_48H, 10).get(0);
        // re-planned by another process after the read: an hour later, so no longer due
        Row later = new Row(read.key(), read.kind(), read.shiftId(), read.target(), read.title(), read.due().plusSeconds(3600),
                read.start().plusSeconds(3600), read.end().plusSeconds(3600), read.state(), 0, null, null, null, 0, 0);
        assertThat(store.update(read.key(), ShiftsStore.PENDING, ShiftsStore.PENDING, later)).isTrue();
        assertThat(store.claim(read.key(), ShiftsStore.PENDING, ShiftsStore.SENDING, DUE_48H)).isEmpty();
        assertThat(store.dropIfUnchanged(read)).isFalse();
        // re-planned to another room, still due: the claim gives the new room
        Row elsewhere = new Row(read.key(), read.kind(), read.shiftId(), "!ailleurs:coop.example", read.title(), read.due(),
                read.start(), read.end(), read.state(), 0, null, null, null, 0, 0);
        assertThat(store.update(read.key(), ShiftsStore.PENDING, ShiftsStore.PENDING, elsewhere)).isTrue();
        assertThat(store.claim(read.key(), ShiftsStore.PENDING, ShiftsStore.SENDING, DUE_48H)).hasValueSatisfying(r -> {
            assertThat(r.target()).isEqualTo("!ailleurs:coop.example");
            assertThat(r.state()).isEqualTo(ShiftsStore.SENDING);
            assertThat(r.attempts()).isEqualTo(1);
        });
        assertThat(store.claim(read.key(), ShiftsStore.PENDING, ShiftsStore.SENDING, DUE_48H)).as("taken once").isEmpty();
    }

    /** Two processes need PostgreSQL (SQLite allows one per file). */
    @Test
    void aReminderReplannedByAnotherProcessBetweenReadAndClaimGoesOutAsReplanned() throws Exception {
        try (TestDatabase.PostgresSchema schema = TestDatabase.postgresSchema()) {
            TestDatabase mine = schema.open();
            TestDatabase other = schema.open();
            opened.add(mine);
            opened.add(other);
            replannedBetweenReadAndClaim(new Interleaved(mine), other);
        }
    }

    private void replannedBetweenReadAndClaim(Interleaved viewOfA, TestDatabase other) {
        ReminderEngine a = engine(viewOfA, matrix, clock, null);
        ReminderEngine b = engine(other, matrix, clock, null);
        poll(a, shift("yaml:samedi:2026-03-14", START, 4, ALICE));

        // B moves the shift an hour later while A is about to claim the 48h reminder: no longer due, not sent
        clock.set(DUE_48H);
        viewOfA.beforeNextClaim = () -> poll(b, shift("yaml:samedi:2026-03-14", START.plusHours(1), 4, ALICE));
        a.tick();
        assertThat(matrix.sent()).isEmpty();

        // due again; B (with a new room for the team) moves it 10 minutes earlier, still due: A sends
        // what B planned (room and time), not the row it read
        poll(a, shift("yaml:samedi:2026-03-14", START, 4, ALICE));
        clock.set(DUE_48H.plus(Duration.ofMinutes(5)));
        RoomId newRoom = RoomId.of("!nouvelle-equipe:coop.example");
        ReminderEngine moved = engine(other, matrix, clock, null, newRoom);
        viewOfA.beforeNextClaim = () -> poll(moved, shift("yaml:samedi:2026-03-14", START.minusMinutes(10), 4, ALICE));
        a.tick();
        assertThat(matrix.postsIn(TEAM_ROOM)).isEmpty();
        assertThat(matrix.postsIn(newRoom)).singleElement().satisfies(m -> assertThat(m.text())
                .contains("8h50–11h50").endsWith("(rappel envoyé avec 15 min de retard)"));
        assertThat(viewOfA.beforeNextClaim).as("the hook ran").isNull();
    }

    /** Closes the database (SQLite allows one process per file) and opens it again, as a restart does. */
    private TestDatabase reopen() {
        db.close();
        db = TestDatabase.sqlite(dir);
        opened.add(db);
        return db;
    }

    @Test
    void twoEnginesOnOneSqliteDatabaseSendEachReminderOnce() throws Exception {
        racingEngines(() -> db);
    }

    @Test
    void twoEnginesOnOnePostgresDatabaseSendEachReminderOnce() throws Exception {
        try (TestDatabase.PostgresSchema schema = TestDatabase.postgresSchema()) {
            racingEngines(schema::open);
        }
    }

    /** Two "processes" plan and tick at the same moments; every reminder reaches its room once. */
    private void racingEngines(java.util.function.Supplier<TestDatabase> open) throws Exception {
        TestDatabase one = open.get();
        TestDatabase two = open.get();
        opened.add(one);
        opened.add(two);
        ReminderEngine a = engine(one, matrix, clock, HELP_ROOM.value());
        ReminderEngine b = engine(two, matrix, clock, HELP_ROOM.value());
        List<Shift> shifts = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            shifts.add(shift("yaml:s" + i + ":2026-03-14", START.plusMinutes(i), 4, ALICE));
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (Instant t : List.of(clock.instant(), DUE_48H.plusSeconds(1800), DUE_2H.plusSeconds(1800))) {
                clock.set(t);
                CountDownLatch go = new CountDownLatch(1);
                List<Future<?>> runs = new ArrayList<>();
                for (ReminderEngine e : List.of(a, b)) {
                    runs.add(pool.submit(() -> {
                        go.await();
                        e.plan(shifts, t, t.plus(Duration.ofDays(14)));
                        e.tick();
                        return null;
                    }));
                }
                go.countDown();
                for (Future<?> f : runs) {
                    f.get(60, TimeUnit.SECONDS);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(matrix.postsIn(TEAM_ROOM)).hasSize(40);
        assertThat(matrix.postsIn(TEAM_ROOM).stream().map(Sent::txnId).distinct()).hasSize(40);
        assertThat(matrix.postsIn(HELP_ROOM)).hasSize(20);
        assertThat(matrix.sent()).as("one event per transaction: a repeated one is answered with the first")
                .hasSize(60).extracting(Sent::txnId).doesNotHaveDuplicates();
    }
}
