package coop.comptoir.bots.shifts.source;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import coop.comptoir.bots.shifts.Shift;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.junit.jupiter.api.Timeout;
import org.slf4j.helpers.NOPLogger;

/**
 * Coverage-guided fuzzing of what the shift sources read from outside: any iCalendar bytes and any
 * Odoo JSON-RPC answers give shifts or a {@link ShiftSourceException} (an {@link IOException} naming
 * the source for an answer that is not JSON-RPC), never another exception, never a hang: recurrence
 * expansion is bounded. The Odoo password never shows in a refusal as the plugin shows it
 * ({@code mask}). Kept inputs and past crashes
 * under {@code src/test/resources/…/ShiftSourceFuzzTestInputs} run in every build
 * ({@code scripts/fuzz.sh} fuzzes).
 */
class ShiftSourceFuzzTest {
    private static final ZoneId PARIS = ZoneId.of("Europe/Paris");
    private static final Instant FROM = Instant.parse("2026-03-01T00:00:00Z");
    private static final Instant TO = FROM.plus(Duration.ofDays(14));
    private static final String PASSWORD = "odoo-fuzz-password-4821";
    /** Separates the answers to the successive Odoo calls in an input. */
    private static final String NEXT_ANSWER = "\n---\n";
    private static final String EMPTY_ANSWER = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":[]}";
    private static final Path DIR;

    static {
        try {
            DIR = Files.createTempDirectory("ical-fuzz");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest(maxDuration = "30s")
    @Timeout(60) // seconds (the first input also loads and instruments the classes): a slower one is a hang
    void anyCalendarGivesShiftsOrARefusal(byte[] feed) throws IOException {
        Path file = DIR.resolve("planning.ics");
        Files.write(file, feed);
        IcalSourceConfig config = new IcalSourceConfig(null, file.toString(), null, null, null, null, null, null);
        IcalShiftSource source = new IcalShiftSource(config, PARIS, new OkHttpClient(), NOPLogger.NOP_LOGGER, new Limits(50, 500));
        try {
            Fetched fetched = source.read(FROM, TO);
            assertThat(fetched.shifts().size()).isLessThanOrEqualTo(500);
            for (Shift s : fetched.shifts()) {
                assertThat(s.end()).as("%s", s).isAfter(s.start());
                assertThat(s.id()).startsWith("ical:");
            }
        } catch (ShiftSourceException refused) {
            assertThat(refused.getMessage()).isNotBlank();
        }
    }

    @FuzzTest(maxDuration = "30s")
    @Timeout(60) // seconds (the first input also loads and instruments the classes): a slower one is a hang
    void anyOdooAnswerGivesShiftsOrARefusal(byte[] input) throws IOException {
        List<String> answers = List.of(new String(input, StandardCharsets.UTF_8).split(NEXT_ANSWER, -1));
        // Two ways of reading members and teams over the same answers.
        read(answers, new OdooSourceConfig.Members("field", "x_matrix_id", null), new OdooSourceConfig.Team("week", null));
        read(answers, new OdooSourceConfig.Members("email", null, Map.of("alice@example.coop", "@alice:example.coop")),
                new OdooSourceConfig.Team("template", Map.of("Samedi - 09:00 - A", "samedi-a")));
    }

    private static void read(List<String> answers, OdooSourceConfig.Members members, OdooSourceConfig.Team team) throws IOException {
        List<String> left = new ArrayList<>(answers);
        OkHttpClient http = new OkHttpClient.Builder().addInterceptor(chain -> new Response.Builder()
                .request(chain.request()).protocol(Protocol.HTTP_1_1).code(200).message("OK")
                .body(ResponseBody.create(left.isEmpty() ? EMPTY_ANSWER : left.remove(0), MediaType.get("application/json")))
                .build()).build();
        OdooSourceConfig config = new OdooSourceConfig("https://odoo.coop.example", "coop", "bot", PASSWORD, members, team,
                null, null);
        OdooShiftSource source = new OdooShiftSource(config, PARIS, http, NOPLogger.NOP_LOGGER, new Limits(50, 100));
        try {
            Fetched fetched = source.read(FROM, TO);
            for (Shift s : fetched.shifts()) {
                assertThat(s.end()).as("%s", s).isAfter(s.start());
                assertThat(s.id()).startsWith("odoo:shift.shift:");
            }
        } catch (ShiftSourceException refused) {
            // the plugin shows a source's messages through mask(): Odoo's own data may hold anything
            assertThat(refused.getMessage()).isNotBlank();
            assertThat(source.mask(refused.getMessage())).doesNotContain(PASSWORD);
        } catch (IOException notJsonRpc) {
            assertThat(notJsonRpc.getMessage()).startsWith(source.describe());
            assertThat(source.mask(notJsonRpc.getMessage())).doesNotContain(PASSWORD);
        }
    }
}
