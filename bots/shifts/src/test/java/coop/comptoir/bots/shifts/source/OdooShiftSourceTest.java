package coop.comptoir.bots.shifts.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import coop.comptoir.api.id.UserId;
import coop.comptoir.api.plugin.ConfigException;
import coop.comptoir.bots.shifts.Shift;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.Headers;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** A coop's Odoo (coop_shift) read through the JSON-RPC API, against {@link FakeOdoo}. */
class OdooShiftSourceTest {
    private static final ZoneId PARIS = ZoneId.of("Europe/Paris");
    // The week of the October change back to winter time: Sunday 25 October 2026.
    private static final Instant FROM = ZonedDateTime.of(2026, 10, 24, 0, 0, 0, 0, PARIS).toInstant();
    private static final Instant TO = ZonedDateTime.of(2026, 11, 1, 0, 0, 0, 0, PARIS).toInstant();
    private static final Map<String, String> EMAILS = Map.of(
            "alice.martin@example.coop", "@alice:example.coop",
            "bruno@example.coop", "@bruno:example.coop");

    private final MockWebServer server = new MockWebServer();
    private final FakeOdoo odoo = new FakeOdoo();

    @BeforeEach
    void setUp() throws Exception {
        odoo.shift(1, "Samedi - 09:00 - A", "2026-10-24 09:00:00", "2026-10-24 12:00:00", 1, 11, "Samedi - 09:00 - A", "Standard", 6, "confirm")
                .shift(2, "Samedi - 09:00 - B", "2026-10-31 09:00:00", "2026-10-31 12:00:00", 2, 12, "Samedi - 09:00 - B", "Standard", 6, "confirm")
                .shift(3, "Mardi - 18:00 - B", "2026-10-27 18:00:00", "2026-10-27 21:00:00", 2, 13, "Mardi - 18:00 - B", "Standard", 4, "cancel")
                .shift(4, "Vendredi - 06:00 - A", "2026-10-23 06:00:00", "2026-10-23 09:00:00", 1, 14, "Vendredi - 06:00 - A", "Standard", 4, "confirm")
                .shift(5, "Dimanche - 10:00 - B", "2026-11-01 10:00:00", "2026-11-01 13:00:00", 2, 15, "Dimanche - 10:00 - B", "Standard", 4, "draft")
                .shift(6, "Mercredi - 14:00 - B", "2026-10-28 14:00:00", "2026-10-28 17:00:00", 2, 16, "Mercredi - 14:00 - B", "Volant", 0, "draft")
                .partner(101, "Alice Martin", "Alice.Martin@example.coop", "@alice:example.coop")
                .partner(102, "Bruno Roux", "BRUNO@example.coop", "@bruno:example.coop")
                .partner(103, "Denis Lefort", "denis@elsewhere.org", null)
                .partner(104, "Eve Moreau", "eve@example.coop", "not a matrix id")
                .registration(1001, 1, 101, "Alice Martin", "open")
                .registration(1002, 1, 102, "Bruno Roux", "done")
                .registration(1003, 1, 103, "Denis Lefort", "cancel")
                .registration(1004, 1, 105, "Fabrice Noël", "open") // a partner the bot may not read
                .registration(1005, 2, 104, "Eve Moreau", "open")
                .registration(1006, 2, 101, "Alice Martin", "draft");
        server.setDispatcher(odoo);
        server.start();
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    private OdooShiftSource source(OdooSourceConfig.Members members, OdooSourceConfig.Team team, String password, Integer timeout) {
        OdooSourceConfig config = new OdooSourceConfig(server.url("/").toString(), FakeOdoo.DATABASE, FakeOdoo.LOGIN, password,
                members, team, null, timeout);
        assertThat(config.problems("plugins[3].source")).isEmpty();
        return new OdooShiftSource(config, PARIS, new OkHttpClient(), LoggerFactory.getLogger(getClass()));
    }

    private OdooShiftSource source() {
        return source(new OdooSourceConfig.Members("email", null, EMAILS), new OdooSourceConfig.Team("week", null), FakeOdoo.PASSWORD, null);
    }

    @Test
    void shiftsOfTheWindowAreReadInTheCoopZoneAcrossTheDaylightSavingChange() throws Exception {
        List<Shift> shifts = source().fetch(FROM, TO);

        assertThat(shifts).extracting(Shift::id, Shift::title, s -> s.start().toInstant(), s -> s.start().toLocalTime(), Shift::team)
                .containsExactly(
                        tuple("odoo:shift.shift:1", "Samedi - 09:00 - A", Instant.parse("2026-10-24T07:00:00Z"), LocalTime.of(9, 0), Optional.of("A")),
                        tuple("odoo:shift.shift:6", "Mercredi - 14:00 - B", Instant.parse("2026-10-28T13:00:00Z"), LocalTime.of(14, 0), Optional.of("B")),
                        tuple("odoo:shift.shift:2", "Samedi - 09:00 - B", Instant.parse("2026-10-31T08:00:00Z"), LocalTime.of(9, 0), Optional.of("B")));
        assertThat(shifts).allSatisfy(s -> {
            assertThat(s.start().getZone()).isEqualTo(PARIS);
            assertThat(s.end()).isEqualTo(s.start().plusHours(3));
        });
    }

    @Test
    void theShiftQueryAsksForTheWindowInUtcAndLeavesCancelledShiftsOut() throws Exception {
        source().fetch(FROM, TO);

        JsonNode shiftCall = odoo.calls.stream().filter(c -> c.path("args").path(3).asText().equals("shift.shift")).findFirst().orElseThrow();
        assertThat(shiftCall.path("service").asText()).isEqualTo("object");
        assertThat(shiftCall.path("method").asText()).isEqualTo("execute_kw");
        assertThat(shiftCall.path("args").path(4).asText()).isEqualTo("search_read");
        assertThat(shiftCall.path("args").path(5).path(0)).isEqualTo(new ObjectMapper().readTree(
                "[[\"date_begin\",\">=\",\"2026-10-23 22:00:00\"],[\"date_begin\",\"<\",\"2026-10-31 23:00:00\"],[\"state\",\"!=\",\"cancel\"]]"));
        assertThat(shiftCall.path("args").path(6).path("fields").toString()).contains("date_begin_tz", "week_number",
                "shift_template_id", "seats_max", "seats_available", "shift_type_id");
        assertThat(odoo.calls.get(0).path("service").asText()).isEqualTo("common");
        assertThat(odoo.calls.get(0).path("method").asText()).isEqualTo("authenticate");
    }

    @Test
    void registeredMembersAreMappedByEmailAndCancelledRegistrationsLeftOut() throws Exception {
        List<Shift> shifts = source().fetch(FROM, TO);

        Shift samediA = shifts.get(0);
        assertThat(samediA.members()).containsExactly(
                new Shift.Member("Alice Martin", Optional.of(UserId.of("@alice:example.coop"))),
                new Shift.Member("Bruno Roux", Optional.of(UserId.of("@bruno:example.coop"))),
                new Shift.Member("Fabrice Noël", Optional.empty()));
        assertThat(samediA.seatsMax()).isEqualTo(6);
        assertThat(samediA.seatsFree()).isEqualTo(3);
        Shift samediB = shifts.get(2);
        assertThat(samediB.members()).containsExactly(new Shift.Member("Eve Moreau", Optional.empty()));
        assertThat(samediB.seatsFree()).isEqualTo(4); // Alice's draft holds a seat in coop_shift, but is not a member here
        assertThat(shifts.get(1).members()).isEmpty();
        assertThat(shifts.get(1).seatsMax()).isZero();
    }

    @Test
    void membersCanBeMappedByAPartnerField() throws Exception {
        OdooShiftSource source = source(new OdooSourceConfig.Members("field", "x_matrix_id", null),
                new OdooSourceConfig.Team("template", Map.of("Samedi - 09:00 - A", "samedi-a")), FakeOdoo.PASSWORD, null);

        List<Shift> shifts = source.fetch(FROM, TO);

        assertThat(shifts.get(0).members()).extracting(Shift.Member::displayName, Shift.Member::matrixId).containsExactly(
                tuple("Alice Martin", Optional.of(UserId.of("@alice:example.coop"))),
                tuple("Bruno Roux", Optional.of(UserId.of("@bruno:example.coop"))),
                tuple("Fabrice Noël", Optional.empty()));
        assertThat(shifts.get(2).members()).containsExactly(new Shift.Member("Eve Moreau", Optional.empty()));
        assertThat(shifts).extracting(Shift::team).containsExactly(
                Optional.of("samedi-a"), Optional.of("Mercredi - 14:00 - B"), Optional.of("Samedi - 09:00 - B"));
        JsonNode partnerCall = odoo.calls.stream().filter(c -> c.path("args").path(3).asText().equals("res.partner")).findFirst().orElseThrow();
        assertThat(partnerCall.path("args").path(6).path("fields").toString()).contains("x_matrix_id");
    }

    @Test
    void withoutUtcDatesTheLocalDatesAreReadInTheCoopZone() throws Exception {
        odoo.set("shift.shift", 1, "date_begin", false).set("shift.shift", 1, "date_end", false);
        odoo.set("shift.shift", 6, "date_end", false);
        // Shift 1 no longer matches the UTC window in Odoo's own search: only 6 and 2 come back.
        List<Shift> shifts = source().fetch(FROM, TO);

        assertThat(shifts).extracting(Shift::id, s -> s.end().toInstant()).containsExactly(
                tuple("odoo:shift.shift:6", Instant.parse("2026-10-28T16:00:00Z")),
                tuple("odoo:shift.shift:2", Instant.parse("2026-10-31T11:00:00Z")));
    }

    @Test
    void aDateThatIsNotOneNamesTheShiftAndTheField() {
        odoo.set("shift.shift", 2, "date_end", "31/10/2026 12:00");

        assertThatThrownBy(() -> source().fetch(FROM, TO)).isInstanceOf(ShiftSourceException.class)
                .hasMessage("shift.shift 2 (Samedi - 09:00 - B): date_end: \"31/10/2026 12:00\" is not a date-time (YYYY-MM-DD HH:MM:SS)");
    }

    @Test
    void theTeamCanBeTheShiftType() throws Exception {
        List<Shift> shifts = source(null, new OdooSourceConfig.Team("type", Map.of("Volant", "ftop")), FakeOdoo.PASSWORD, null)
                .fetch(FROM, TO);

        assertThat(shifts).extracting(Shift::team).containsExactly(Optional.of("Standard"), Optional.of("ftop"), Optional.of("Standard"));
    }

    @Test
    void aWrongPasswordIsAClearErrorWithoutThePassword() {
        OdooShiftSource source = source(null, null, "wrong-Pa55word", null);

        assertThatThrownBy(() -> source.fetch(FROM, TO)).isInstanceOf(ShiftSourceException.class)
                .hasMessage("Odoo http://" + server.getHostName() + ":" + server.getPort() + " (database cagette): login \""
                        + FakeOdoo.LOGIN + "\" refused (Access Denied): check the login and the password or API key")
                .hasMessageNotContaining("wrong-Pa55word");
    }

    @Test
    void aPasswordChangedSinceTheLoginIsRefusedThenTheNextPollLogsInAgain() throws Exception {
        OdooShiftSource source = source();
        source.fetch(FROM, TO);
        odoo.password = "rotated";

        assertThatThrownBy(() -> source.fetch(FROM, TO)).isInstanceOf(ShiftSourceException.class)
                .hasMessageContaining("refused (Access Denied)").hasMessageNotContaining(FakeOdoo.PASSWORD);
        odoo.password = FakeOdoo.PASSWORD;
        assertThat(source.fetch(FROM, TO)).hasSize(3);
        assertThat(odoo.calls).filteredOn(c -> c.path("method").asText().equals("authenticate")).hasSize(2);
    }

    @Test
    void anOdooWithoutCoopShiftSaysSo() throws Exception {
        server.close();
        try (MockWebServer other = new MockWebServer()) {
            other.enqueue(new MockResponse(200, Headers.of("Content-Type", "application/json"), "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":7}"));
            other.enqueue(new MockResponse(200, Headers.of("Content-Type", "application/json"), "{\"jsonrpc\":\"2.0\",\"id\":2,\"error\":"
                    + "{\"code\":200,\"message\":\"Odoo Server Error\",\"data\":{\"name\":\"builtins.KeyError\",\"debug\":\"Traceback\","
                    + "\"message\":\"'shift.shift'\",\"arguments\":[\"shift.shift\"],\"context\":{}}}}"));
            other.start();
            OdooSourceConfig config = new OdooSourceConfig(other.url("/").toString(), "cagette", FakeOdoo.LOGIN, FakeOdoo.PASSWORD,
                    null, null, null, null);
            assertThatThrownBy(() -> new OdooShiftSource(config, PARIS, new OkHttpClient(), LoggerFactory.getLogger(getClass()))
                    .fetch(FROM, TO)).isInstanceOf(ShiftSourceException.class)
                    .hasMessageEndingWith("shift.shift search_read: unknown model 'shift.shift' (is the coop_shift module installed?)");
        }
    }

    @Test
    void anOdooThatIsDownOrSlowOrNotOdooIsUnreachable() throws Exception {
        MockWebServer slow = new MockWebServer();
        slow.enqueue(new MockResponse.Builder().code(200).body("{}").headersDelay(3, TimeUnit.SECONDS).build());
        slow.enqueue(new MockResponse(404, Headers.of("Content-Type", "text/html"), "<h1>Not Found</h1>"));
        slow.enqueue(new MockResponse(200, Headers.of("Content-Type", "text/html"), "<html>Login</html>"));
        slow.start();
        try (slow) {
            OdooShiftSource source = new OdooShiftSource(new OdooSourceConfig(slow.url("/").toString(), "cagette", FakeOdoo.LOGIN,
                    FakeOdoo.PASSWORD, null, null, null, 1), PARIS, new OkHttpClient(), LoggerFactory.getLogger(getClass()));
            assertThatThrownBy(() -> source.fetch(FROM, TO)).isInstanceOf(IOException.class).hasMessageEndingWith("login: timed out");
            assertThatThrownBy(() -> source.fetch(FROM, TO)).isInstanceOf(IOException.class).hasMessageEndingWith("login: HTTP 404");
            assertThatThrownBy(() -> source.fetch(FROM, TO)).isInstanceOf(IOException.class)
                    .hasMessageEndingWith("login: not a JSON-RPC answer (is url the Odoo address?)");
        }
        OdooShiftSource down = source();
        server.close();
        assertThatThrownBy(() -> down.fetch(FROM, TO)).isInstanceOf(IOException.class)
                .hasMessageStartingWith("Odoo http://").hasMessageNotContaining(FakeOdoo.PASSWORD);
    }

    @Test
    void theCallsCarryingThePasswordFollowNoRedirect() throws Exception {
        try (MockWebServer moved = new MockWebServer()) {
            moved.enqueue(new MockResponse(307, Headers.of("Location", server.url("/jsonrpc").toString()), ""));
            moved.start();
            OdooShiftSource source = new OdooShiftSource(new OdooSourceConfig(moved.url("/").toString(), "cagette", FakeOdoo.LOGIN,
                    FakeOdoo.PASSWORD, null, null, null, 2), PARIS, new OkHttpClient(), LoggerFactory.getLogger(getClass()));
            assertThatThrownBy(() -> source.fetch(FROM, TO)).isInstanceOf(IOException.class)
                    .hasMessageEndingWith("login: HTTP 307 (a redirect, not followed with the password: set url to the final address)");
            assertThat(odoo.calls).as("the password never reached the redirect's target").isEmpty();
        }
    }

    @Test
    void thePasswordGoesOverHttpsOnlyOrToThisMachine() {
        for (String url : List.of("http://odoo.example.coop", "http://192.168.1.10:8069", "http://127.example.coop")) {
            assertThat(new OdooSourceConfig(url, "cagette", "bot", "hunter2-secret", null, null, null, null).problems("p.source"))
                    .as(url).extracting(ConfigException::getMessage).containsExactly("p.source.url: must be an https:// address: "
                            + "the password is sent with every call (http:// only to this machine)");
        }
        for (String url : List.of("https://odoo.example.coop", "http://localhost:8069", "http://127.0.0.1:8069", "http://[::1]:8069")) {
            assertThat(new OdooSourceConfig(url, "cagette", "bot", "pw", null, null, null, null).problems("p.source")).as(url).isEmpty();
        }
    }

    @Test
    void configProblemsNameTheirKeyAndNeverThePassword() {
        OdooSourceConfig empty = new OdooSourceConfig(null, null, null, null, null, null, null, null);
        assertThat(empty.problems("s")).extracting(ConfigException::path).containsExactly("s.url", "s.database", "s.login", "s.password");

        OdooSourceConfig bad = new OdooSourceConfig("odoo.example.coop", "cagette", "bot", "hunter2-secret",
                new OdooSourceConfig.Members("field", "X Matrix", Map.of("a@b.c", "@a:b")), new OdooSourceConfig.Team("weekday", null),
                List.of("open", "cancel"), 0);
        List<String> problems = bad.problems("p.source").stream().map(ConfigException::getMessage).toList();
        assertThat(problems).containsExactlyInAnyOrder(
                "p.source.url: must be an http(s) address",
                "p.source.members.field: the partner field holding the Matrix ID, e.g. x_matrix_id",
                "p.source.members.emails: only with by: email",
                "p.source.team.from: none, week, template or type",
                "p.source.registration_states[1]: cancelled registrations are never members",
                "p.source.timeout_seconds: must be at least 1s");
        assertThat(String.join("\n", problems)).doesNotContain("hunter2");
        assertThat(new OdooSourceConfig("https://odoo.example.coop", "c", "bot", "pw",
                new OdooSourceConfig.Members("phone", null, null), null, null, null).problems("s"))
                .extracting(ConfigException::getMessage).containsExactly("s.members.by: email or field");
    }

    @Test
    void everySearchReadAsksForABoundedNumberOfRecords() throws Exception {
        source().fetch(FROM, TO);

        java.util.Map<String, Integer> limits = new java.util.LinkedHashMap<>();
        odoo.calls.stream().filter(c -> c.path("method").asText().equals("execute_kw"))
                .forEach(c -> limits.put(c.path("args").path(3).asText(), c.path("args").path(6).path("limit").asInt(0)));
        // one more shift than kept, to know whether there are more; 100 registrations a shift; the partners asked for
        assertThat(limits).containsExactly(java.util.Map.entry("shift.shift", 5001), java.util.Map.entry("shift.registration", 301),
                java.util.Map.entry("res.partner", 4));
    }

    @Test
    void beyondTheLimitTheEarliestShiftsAreKeptAndTheScheduleIsCompleteUpToTheNextOne() throws Exception {
        OdooSourceConfig config = new OdooSourceConfig(server.url("/").toString(), FakeOdoo.DATABASE, FakeOdoo.LOGIN, FakeOdoo.PASSWORD,
                new OdooSourceConfig.Members("email", null, EMAILS), null, null, null);
        OdooShiftSource source = new OdooShiftSource(config, PARIS, new OkHttpClient(), LoggerFactory.getLogger(getClass()),
                new Limits(500, 2));

        Fetched read = source.read(FROM, TO);

        assertThat(read.shifts()).extracting(Shift::id).containsExactly("odoo:shift.shift:1", "odoo:shift.shift:6");
        assertThat(read.until()).isEqualTo(Instant.parse("2026-10-31T08:00:00Z"));
        assertThat(read.leftOut()).containsExactly(new LeftOut(LeftOut.Kind.TOO_MANY_SHIFTS, source.describe(), 2));
    }

    @Test
    void moreRegistrationsThanAHundredAShiftIsAnErrorNotATruncatedList() throws Exception {
        for (int i = 0; i < 101; i++) {
            odoo.registration(5000 + i, 1, 101, "Alice Martin", "open");
        }
        OdooSourceConfig config = new OdooSourceConfig(server.url("/").toString(), FakeOdoo.DATABASE, FakeOdoo.LOGIN, FakeOdoo.PASSWORD,
                null, null, null, null);
        OdooShiftSource source = new OdooShiftSource(config, PARIS, new OkHttpClient(), LoggerFactory.getLogger(getClass()),
                new Limits(500, 1));

        assertThatThrownBy(() -> source.read(FROM, TO)).isInstanceOf(ShiftSourceException.class)
                .hasMessage(source.describe() + ": shift.registration search_read: more than 100 registrations for 1 shifts "
                        + "(100 a shift at most): check registration_states");
    }
}
