package coop.comptoir.e2e.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.e2e.rig.BridgeConfig;
import coop.comptoir.e2e.rig.BridgeTeardown;
import coop.comptoir.e2e.rig.ComptoirProcess;
import coop.comptoir.e2e.rig.Events;
import coop.comptoir.e2e.rig.MatrixTestClient;
import coop.comptoir.e2e.rig.Rig;
import coop.comptoir.testing.discord.FakeChannel;
import coop.comptoir.testing.discord.FakeDiscord;
import coop.comptoir.testing.discord.FakeUser;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Where the move stands, through the real Synapse and the fake Discord: messages cross both ways,
 * then {@code !migration} sums them up and {@code !migration page} sends an admin, by direct message,
 * a one-time link that Debian's Chromium opens headless at a phone's size: the table and the chart
 * show the right numbers, the link does not work twice, and without a session the page is refused.
 * The screenshot is left in {@code target/migration-page.png}.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MigrationPageE2ETest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String TOKEN = "e2e-discord-bot-token-migration-0123456789";
    private static final Pattern LINK = Pattern.compile("(https?://\\S+/login/[A-Za-z0-9_-]{43})");

    private static Rig rig;
    private static FakeDiscord discord;
    private static ComptoirProcess comptoir;
    private static MatrixTestClient alice;
    private static MatrixTestClient bob;
    private static String bot;
    private static FakeChannel cafe;
    private static String cafeRoom;
    /** Where the organisers talk to Comptoir: not bridged, so their commands do not count as messages. */
    private static String orgaRoom;

    @BeforeAll
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    static void start() throws Exception {
        rig = Rig.get();
        bot = rig.botUserId();
        discord = FakeDiscord.builder().botToken(TOKEN).guild("Coop", "cafe").user("carole", "Carole").user("dan", "Dan").start();
        cafe = discord.channel("cafe");
        alice = rig.newUser("alice");
        bob = rig.newUser("bob");
        cafeRoom = alice.createRoom(bot, bob.userId());
        alice.sendState(cafeRoom, "m.room.name", "", new ObjectMapper().createObjectNode().put("name", "Café"));
        bob.join(cafeRoom);
        orgaRoom = alice.createRoom(bot, bob.userId());
        bob.join(orgaRoom);
        comptoir = rig.comptoir("migration-page", c -> {
            c.putObject("commands").putArray("admins").add(alice.userId());
            ArrayNode plugins = c.withArray("plugins");
            ObjectNode d = BridgeConfig.discord(plugins, discord, TOKEN, cafe.guildId());
            d.putArray("links").addObject().put("room", cafeRoom).put("channel", cafe.id());
            plugins.addObject().put("type", "migration").put("public_address", rig.appserviceUrl());
        }).start();
        alice.awaitEvent(cafeRoom, Events.membership(bot, "join"), WAIT);
        alice.awaitEvent(orgaRoom, Events.membership(bot, "join"), WAIT);
        discord.awaitConnectedClients(1, WAIT);
    }

    @AfterAll
    static void stop() throws Exception {
        BridgeTeardown.stop(comptoir, TOKEN, null, discord, null);
    }

    private static String ghost(FakeUser user) {
        return BridgeConfig.discordGhost(user.id());
    }

    @Test
    @Order(1)
    void trafficCrossesBothWays() {
        alice.sendText(cafeRoom, "Bonjour depuis Matrix");
        alice.sendText(cafeRoom, "Qui tient la caisse samedi ?");
        bob.sendText(cafeRoom, "Moi, depuis Matrix aussi");
        for (String text : List.of("Bonjour depuis Matrix", "Qui tient la caisse samedi ?", "Moi, depuis Matrix aussi")) {
            discord.awaitMessageIn(cafe.id(), m -> m.isWebhookMessage() && m.content().contains(text), WAIT);
        }
        FakeUser carole = discord.user("carole");
        FakeUser dan = discord.user("dan");
        discord.userSays(cafe.id(), carole.id(), "Je passe encore par Discord");
        discord.userSays(cafe.id(), carole.id(), "Et encore une fois");
        discord.userSays(cafe.id(), dan.id(), "Moi aussi");
        alice.awaitEvent(cafeRoom, Events.newMessageFrom(ghost(carole), "Je passe encore"), WAIT);
        alice.awaitEvent(cafeRoom, Events.newMessageFrom(ghost(carole), "Et encore une fois"), WAIT);
        alice.awaitEvent(cafeRoom, Events.newMessageFrom(ghost(dan), "Moi aussi"), WAIT);
    }

    @Test
    @Order(2)
    void aMemberGetsNeitherTheNumbersNorALink() {
        String asked = bob.sendText(orgaRoom, "!migration page");
        alice.awaitEvent(orgaRoom, Events.noticeReply(bot, asked, "réservé aux administratrices et administrateurs"), WAIT);
        String summary = bob.sendText(orgaRoom, "!migration");
        JsonNode refused = alice.awaitEvent(orgaRoom, Events.noticeReply(bot, summary, "réservé"), WAIT);
        assertThat(refused.path("content").path("body").asText()).doesNotContain("%");
    }

    @Test
    @Order(3)
    void theSummaryGivesEachSideItsNumbers() {
        String asked = alice.sendText(orgaRoom, "!migration");
        JsonNode answer = alice.awaitEvent(orgaRoom, Events.noticeReply(bot, asked, "Café"), WAIT);
        assertThat(answer.path("content").path("body").asText())
                .contains("• Café (Discord) : 2 personnes depuis Matrix, 2 depuis Discord ; 50 % des 6 messages écrits depuis Matrix.")
                .contains("Encore seulement sur Discord : 2 (Carole (Discord), Dan (Discord)).");
    }

    @Test
    @Order(4)
    void theOneTimeLinkOpensThePageInAHeadlessBrowserOnce() throws Exception {
        assumeTrue(chromium() != null || "true".equals(System.getenv("CI")), "Debian's chromium is not installed");
        String link = askForLink();

        String dom = browser("--dump-dom", link);
        assertThat(dom).contains("Où en est le passage à Matrix", "<h2>Café</h2>", "<td data-k=\"matrix-people\">2</td>",
                "<td data-k=\"old-people\">2</td>", "<td data-k=\"matrix-share\">50 %</td>", "<span data-k=\"still-old\">2</span>",
                "Carole (Discord), Dan (Discord)", "<svg class=\"chart\"", "data-matrix=\"0,0,0,0,0,0,0,0,0,0,0,3\"", "data-old=\"0,0,0,0,0,0,0,0,0,0,0,3\"");
        assertThat(bars(dom, "matrix")).as("twelve weeks of Matrix bars").hasSize(12);
        assertThat(dom).containsPattern("<rect class=\"bar old\" data-week=\"11\" data-value=\"3\"[^>]* height=\"110\"");

        String again = browser("--dump-dom", link);
        assertThat(again).as("the link works once").contains("id=\"refused\"").contains("déjà servi").doesNotContain("<svg");
        HttpResponse<String> raw = get(link, Map.of());
        assertThat(raw.statusCode()).isEqualTo(403);

        // without a session (a member who found the address), the page is refused
        String view = link.substring(0, link.indexOf("/login/")) + "/view";
        assertThat(browser("--dump-dom", view)).contains("réservée aux administratrices et administrateurs").doesNotContain("<svg");
        assertThat(get(view, Map.of()).statusCode()).isEqualTo(403);

        // a fresh link, seen at a phone's size; its cookie then opens the page again
        String second = askForLink();
        HttpResponse<String> opened = get(second, Map.of());
        assertThat(opened.statusCode()).isEqualTo(200);
        String cookie = opened.headers().firstValue("set-cookie").orElseThrow();
        assertThat(cookie).contains("HttpOnly", "SameSite=Strict").doesNotContain("Secure");
        assertThat(get(view, Map.of("Cookie", cookie.substring(0, cookie.indexOf(';')))).statusCode()).isEqualTo(200);
        String third = askForLink();
        Path shot = Path.of("target", "migration-page.png").toAbsolutePath();
        Files.deleteIfExists(shot);
        browser("--screenshot=" + shot, third);
        assertThat(shot).exists();
        assertThat(Files.size(shot)).isGreaterThan(10_000);
    }

    /** Alice asks for a link; it arrives in a direct chat (joined the first time). */
    private static String askForLink() {
        String asked = alice.sendText(orgaRoom, "!migration page");
        alice.awaitEvent(orgaRoom, Events.noticeReply(bot, asked, "message privé"), WAIT);
        String dm = directChat();
        List<String> seen = new ArrayList<>();
        JsonNode message = alice.awaitEvent(dm, e -> {
            Matcher m = LINK.matcher(e.path("content").path("body").asText());
            return bot.equals(e.path("sender").asText()) && m.find() && !used.contains(m.group(1)) && seen.add(m.group(1));
        }, WAIT);
        assertThat(message.path("content").path("msgtype").asText()).isEqualTo("m.notice");
        used.add(seen.get(seen.size() - 1));
        return seen.get(seen.size() - 1);
    }

    private static final List<String> used = new ArrayList<>();
    private static String dmRoom;

    private static String directChat() {
        if (dmRoom == null) {
            dmRoom = alice.awaitInvite(WAIT).getKey();
            alice.join(dmRoom);
        }
        return dmRoom;
    }

    private static List<String> bars(String dom, String side) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("<rect class=\"bar " + side + "\"[^>]*>").matcher(dom);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    private static HttpResponse<String> get(String url, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
        headers.forEach(b::header);
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static String chromium() {
        for (String p : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser")) {
            if (Files.isExecutable(Path.of(p))) {
                return p;
            }
        }
        return null;
    }

    /** Runs headless Chromium at a phone's size with a fresh profile; its standard output (the DOM for --dump-dom). */
    private static String browser(String what, String url) throws IOException, InterruptedException {
        Path profile = rig.freshDir("chromium-" + System.nanoTime());
        List<String> cmd = List.of(chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-dev-shm-usage", "--hide-scrollbars", "--user-data-dir=" + profile, "--window-size=390,844", what, url);
        Process p = new ProcessBuilder(cmd).redirectError(profile.resolve("stderr.txt").toFile()).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish within 60 s");
        }
        assertThat(p.exitValue()).as("chromium's exit code; stderr: " + Files.readString(profile.resolve("stderr.txt"))).isZero();
        return new String(out, StandardCharsets.UTF_8);
    }
}
