package coop.comptoir.bots.shifts.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import coop.comptoir.api.plugin.ConfigException;
import coop.comptoir.bots.shifts.Shift;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Headers;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The feed read over HTTP: conditional GET, credentials, failures. */
class IcalFeedHttpTest {
    private static final Instant FROM = Instant.parse("2026-03-01T00:00:00Z");
    private static final Instant TO = Instant.parse("2026-04-01T00:00:00Z");

    private final MockWebServer server = new MockWebServer();

    @BeforeEach
    void setUp() throws Exception {
        server.start();
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    private IcalShiftSource source(IcalSourceConfig.Auth auth) {
        String url = server.url("/remote.php/dav/public-calendars/S3cretShareToken?export").toString();
        IcalSourceConfig config = new IcalSourceConfig(url, null, auth, null, null, null, null, 2);
        assertThat(config.problems("plugins[0].source")).isEmpty();
        return new IcalShiftSource(config, IcalShiftSourceTest.PARIS, new OkHttpClient(), LoggerFactory.getLogger(getClass()));
    }

    @Test
    void anUnchangedFeedIsA304AndTheLastScheduleIsReused() throws Exception {
        server.enqueue(new MockResponse(200, Headers.of("Content-Type", "text/calendar; charset=utf-8", "ETag", "\"v1\"",
                "Last-Modified", "Wed, 25 Nov 2026 10:00:00 GMT"), IcalShiftSourceTest.fixture("coop-shifts.ics")));
        server.enqueue(new MockResponse(304, Headers.of(), ""));
        IcalShiftSource source = source(new IcalSourceConfig.Auth("planning", "correct horse", null, null));

        List<Shift> first = source.fetch(FROM, TO);
        List<Shift> second = source.fetch(FROM, TO);

        assertThat(first).hasSize(6);
        assertThat(second).isEqualTo(first);
        RecordedRequest r1 = server.takeRequest(5, TimeUnit.SECONDS);
        assertThat(r1.getHeaders().get("If-None-Match")).isNull();
        assertThat(r1.getHeaders().get("Authorization")).isEqualTo(okhttp3.Credentials.basic("planning", "correct horse"));
        RecordedRequest r2 = server.takeRequest(5, TimeUnit.SECONDS);
        assertThat(r2.getHeaders().get("If-None-Match")).isEqualTo("\"v1\"");
        assertThat(r2.getHeaders().get("If-Modified-Since")).isEqualTo("Wed, 25 Nov 2026 10:00:00 GMT");
    }

    @Test
    void aTokenGoesInTheNamedHeader() throws Exception {
        server.enqueue(new MockResponse(200, Headers.of(), IcalShiftSourceTest.fixture("coop-shifts.ics")));
        server.enqueue(new MockResponse(200, Headers.of(), IcalShiftSourceTest.fixture("coop-shifts.ics")));

        source(new IcalSourceConfig.Auth(null, null, "tok-123", null)).fetch(FROM, TO);
        source(new IcalSourceConfig.Auth(null, null, "tok-456", "X-Api-Key")).fetch(FROM, TO);

        assertThat(server.takeRequest(5, TimeUnit.SECONDS).getHeaders().get("Authorization")).isEqualTo("Bearer tok-123");
        RecordedRequest second = server.takeRequest(5, TimeUnit.SECONDS);
        assertThat(second.getHeaders().get("X-Api-Key")).isEqualTo("tok-456");
        assertThat(second.getHeaders().get("Authorization")).isNull();
    }

    @Test
    void anHttpErrorOrATimeoutIsUnreachableWithoutTheAddressSecrets() throws Exception {
        IcalShiftSource source = source(new IcalSourceConfig.Auth("planning", "correct horse", null, null));
        server.enqueue(new MockResponse(401, Headers.of(), "Unauthorized"));
        server.enqueue(new MockResponse.Builder().code(200).body("BEGIN:VCALENDAR")
                .headersDelay(4, TimeUnit.SECONDS).build());
        String origin = "http://" + server.getHostName() + ":" + server.getPort();

        assertThat(source.describe()).isEqualTo("iCalendar " + origin);
        assertThatThrownBy(() -> source.fetch(FROM, TO)).isInstanceOf(IOException.class)
                .hasMessage("iCalendar " + origin + ": HTTP 401");
        assertThatThrownBy(() -> source.fetch(FROM, TO)).isInstanceOf(IOException.class)
                .hasMessage("iCalendar " + origin + ": timed out");
    }

    @Test
    void aServerThatIsDownIsUnreachable() {
        IcalShiftSource source = source(null);
        server.close();

        assertThatThrownBy(() -> source.fetch(FROM, TO)).isInstanceOf(IOException.class)
                .hasMessageStartingWith("iCalendar http://").hasMessageNotContaining("S3cret");
    }

    @Test
    void aBrokenFeedIsReadAgainAtTheNextPoll() throws Exception {
        IcalShiftSource source = source(null);
        server.enqueue(new MockResponse(200, Headers.of("ETag", "\"bad\""), IcalShiftSourceTest.fixture("bad-rrule.ics")));
        server.enqueue(new MockResponse(200, Headers.of("ETag", "\"good\""), IcalShiftSourceTest.fixture("coop-shifts.ics")));

        assertThatThrownBy(() -> source.fetch(FROM, TO)).isInstanceOf(ShiftSourceException.class).hasMessageContaining("RRULE");
        assertThat(source.fetch(FROM, TO)).hasSize(6);
        server.takeRequest(5, TimeUnit.SECONDS);
        assertThat(server.takeRequest(5, TimeUnit.SECONDS).getHeaders().get("If-None-Match")).isNull();
    }

    @Test
    void aTokenThatCannotBeAHeaderValueIsRefusedWithoutQuotingIt() {
        String url = server.url("/shifts.ics").toString();
        for (String token : List.of("tok-secret\n", "tok secret", "tok-sécret")) {
            IcalSourceConfig config = new IcalSourceConfig(url, null, new IcalSourceConfig.Auth(null, null, token, "X-Api-Key"),
                    null, null, null, null, 2);
            assertThat(config.problems("plugins[0].source")).extracting(ConfigException::getMessage).singleElement().asString()
                    .startsWith("plugins[0].source.auth.token: has a space, a line break").doesNotContain("secret").doesNotContain("sécret");
            assertThat(Safe.mask("value: " + token, token)).isEqualTo("value: ***");
            if (token.contains(" ")) {
                continue; // OkHttp itself accepts a space in a header value
            }
            // and should such a source be built anyway, its error does not quote the token either
            IcalShiftSource source = new IcalShiftSource(config, IcalShiftSourceTest.PARIS, new OkHttpClient(),
                    LoggerFactory.getLogger(getClass()));
            assertThatThrownBy(() -> source.fetch(FROM, TO)).isInstanceOf(ShiftSourceException.class)
                    .hasMessageContaining("auth: the token has a character not allowed").hasMessageNotContaining("secret")
                    .hasMessageNotContaining("sécret");
            assertThat(source.mask("value: " + token)).isEqualTo("value: ***");
        }
    }

    @Test
    void withCredentialsARedirectIsNotFollowed() throws Exception {
        server.enqueue(new MockResponse(302, Headers.of("Location", server.url("/elsewhere.ics").toString()), ""));
        IcalShiftSource source = source(new IcalSourceConfig.Auth(null, null, "tok-123", null));

        assertThatThrownBy(() -> source.fetch(FROM, TO)).isInstanceOf(IOException.class).hasMessageEndingWith(
                ": HTTP 302 (a redirect, not followed with credentials: set url to the feed's final address)");
        assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void credentialsGoOverHttpsOnlyOrToThisMachine() {
        IcalSourceConfig.Auth token = new IcalSourceConfig.Auth(null, null, "tok-secret", null);
        IcalSourceConfig.Auth basic = new IcalSourceConfig.Auth("me", "hunter2-secret", null, null);
        for (IcalSourceConfig.Auth auth : List.of(token, basic)) {
            assertThat(new IcalSourceConfig("http://cloud.example.coop/x.ics", null, auth, null, null, null, null, null)
                    .problems("plugins[0].source")).extracting(ConfigException::getMessage).containsExactly(
                            "plugins[0].source.auth: credentials are sent over https only: url is an http:// address "
                                    + "(use the feed's https:// address)");
            assertThat(new IcalSourceConfig("https://cloud.example.coop/x.ics", null, auth, null, null, null, null, null)
                    .problems("s")).isEmpty();
            assertThat(new IcalSourceConfig("http://127.0.0.1:8080/x.ics", null, auth, null, null, null, null, null)
                    .problems("s")).isEmpty();
        }
        assertThat(new IcalSourceConfig("http://cloud.example.coop/x.ics", null, null, null, null, null, null, null)
                .problems("s")).as("a public feed over http").isEmpty();
    }

    @Test
    void configProblemsNameTheirKeyAndNeverTheSecret() {
        IcalSourceConfig neither = new IcalSourceConfig(null, " ", null, null, null, null, null, null);
        assertThat(neither.problems("s")).extracting(ConfigException::getMessage)
                .containsExactly("s: missing url or file (the feed's address, or a local .ics file)");
        IcalSourceConfig both = new IcalSourceConfig("https://cloud.example.coop/x.ics", "/etc/x.ics", null, null, null, null, null, null);
        assertThat(both.problems("s")).extracting(ConfigException::getMessage).containsExactly("s: give either url or file, not both");

        IcalSourceConfig bad = new IcalSourceConfig("ftp://cloud.example.coop/x.ics", null,
                new IcalSourceConfig.Auth("me", "hunter2-secret", "tok-secret", null), "Europe/Pariss",
                new IcalSourceConfig.Team("colour", "X EQUIPE", null), "seats!",
                new IcalSourceConfig.Members(Map.of("Alice@Example.coop", "alice")), 0);
        List<String> problems = bad.problems("plugins[1].source").stream().map(ConfigException::getMessage).toList();
        assertThat(problems).containsExactlyInAnyOrder(
                "plugins[1].source.url: must be an http(s) address",
                "plugins[1].source.auth: give username and password, or a token",
                "plugins[1].source.zone: unknown time zone \"Europe/Pariss\" (e.g. Europe/Paris)",
                "plugins[1].source.team.from: categories, summary, property or none",
                "plugins[1].source.team.property: not a property name (e.g. X-COMPTOIR-TEAM)",
                "plugins[1].source.seats_property: not a property name (e.g. X-COMPTOIR-SEATS)",
                "plugins[1].source.members.emails.alice@example.coop: expected a Matrix user ID (@name:server)",
                "plugins[1].source.timeout_seconds: must be at least 1s");
        assertThat(String.join("\n", problems)).doesNotContain("hunter2").doesNotContain("tok-secret");
        assertThat(new IcalSourceConfig("https://me:pw@cloud.example.coop/x.ics", null, null, null, null, null, null, null)
                .problems("s")).extracting(ConfigException::getMessage)
                .containsExactly("s.url: put credentials in auth, not in the address");
    }
}
