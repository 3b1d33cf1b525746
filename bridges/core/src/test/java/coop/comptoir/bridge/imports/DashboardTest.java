package coop.comptoir.bridge.imports;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import coop.comptoir.api.http.RouteRequest;
import coop.comptoir.api.http.RouteResponse;
import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.id.UserId;
import coop.comptoir.bridge.engine.EngineTables;
import coop.comptoir.testing.FakePluginContext;
import coop.comptoir.testing.PluginConfigs;
import coop.comptoir.testing.RecordingMatrixClient.Sent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code !migration}, {@code !migration page} and the page's login, on a store holding bridged messages. */
class DashboardTest {
    static final UserId ADMIN = UserId.of("@admin:coop.test");
    static final UserId MEMBER = UserId.of("@zoe:coop.test");
    static final RoomId CAFE = RoomId.of("!cafe:coop.test");
    static final RoomId ASK = RoomId.of("!orga:coop.test");
    static final UserId BOB = UserId.of("@_discord_42:coop.test");
    static final UserId CAROL = UserId.of("@_discord_43:coop.test");
    static final Pattern LINK = Pattern.compile("https://comptoir\\.coop\\.test(/\\S+/login/[A-Za-z0-9_-]{43})");

    @TempDir
    Path dir;

    /** The store's JDBC URL, or null for SQLite in the test's folder. */
    String databaseUrl() {
        return null;
    }

    private FakePluginContext context(String publicAddress) throws Exception {
        var settings = JsonNodeFactory.instance.objectNode();
        if (publicAddress != null) {
            settings.put("public_address", publicAddress);
        }
        var builder = FakePluginContext.builder("migration", "migration", dir).serverName("coop.test").admins(ADMIN).settings(settings);
        if (databaseUrl() != null) {
            builder.databaseUrl(databaseUrl());
        }
        FakePluginContext ctx = builder.build();
        EngineTables.create(ctx.database());
        long now = ctx.clock().millis();
        ctx.database().withHandle(h -> {
            h.execute("INSERT INTO bridge_portal (instance, room_id, channel_id, origin, linked_by, linked_at) VALUES (?, ?, ?, ?, ?, ?)",
                    "discord", CAFE.value(), "555", "CONFIG", null, now - Duration.ofDays(100).toMillis());
            int n = 0;
            for (Object[] m : List.of(new Object[] {"TO_REMOTE", ADMIN, 1}, new Object[] {"TO_REMOTE", MEMBER, 2},
                    new Object[] {"TO_MATRIX", BOB, 3}, new Object[] {"TO_MATRIX", CAROL, 4}, new Object[] {"TO_MATRIX", CAROL, 5},
                    new Object[] {"TO_MATRIX", BOB, 45})) {
                n++;
                long at = now - Duration.ofDays((Integer) m[2]).toMillis();
                h.execute("INSERT INTO bridge_message (instance, room_id, event_id, channel_id, remote_id, part, direction, sender, "
                        + "created_at, sent_at) VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?, ?)", "discord", CAFE.value(), "$e" + n, "555",
                        "r" + n, m[0], ((UserId) m[1]).value(), now, at);
            }
            // a second part of the same message counts once
            return h.execute("INSERT INTO bridge_message (instance, room_id, event_id, channel_id, remote_id, part, direction, sender, "
                    + "created_at, sent_at) VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, ?)", "discord", CAFE.value(), "$e1", "555", "r1b",
                    "TO_REMOTE", ADMIN.value(), now, now - Duration.ofDays(1).toMillis());
        });
        ctx.recordingMatrix().sendState(CAFE, "m.room.name", "", new ObjectMapper().createObjectNode().put("name", "café"));
        ctx.recordingMatrix().sendState(CAFE, "m.room.member", CAROL.value(),
                new ObjectMapper().createObjectNode().put("membership", "join").put("displayname", "Carol <b>"));
        ctx.create(new MigrationFactory()).start();
        return ctx;
    }

    private static String lastBody(FakePluginContext ctx, RoomId room) {
        List<String> bodies = ctx.recordingMatrix().bodiesIn(room);
        return bodies.get(bodies.size() - 1);
    }

    @Test
    void theSummaryGivesEachSideItsPeopleTheShareFromMatrixAndWhoIsStillOnTheOldNetwork() throws Exception {
        try (FakePluginContext ctx = context("https://comptoir.coop.test")) {
            ctx.say(ASK, ADMIN, "!migration");
            assertThat(lastBody(ctx, ASK)).contains("Où en est le passage à Matrix (30 derniers jours)")
                    .contains("• café (Discord) : 2 personnes depuis Matrix, 2 depuis Discord ; 40 % des 5 messages écrits depuis Matrix.")
                    .contains("Encore seulement sur Discord : 2 (Carol <b>, _discord_42).");
        }
    }

    @Test
    void aPersonWhoLinkedTheirAccountCountsAsMovedInTheSummaryAndOnThePage() throws Exception {
        try (FakePluginContext ctx = context("https://comptoir.coop.test")) {
            EngineTables.linkAccount(ctx.database(), "discord", "42", BOB.value(), "@bob:coop.test");
            ctx.say(ASK, ADMIN, "!migration");
            assertThat(lastBody(ctx, ASK)).contains("1 personne venue de Discord avec un compte relié à Matrix (!link).")
                    .contains("Encore seulement sur Discord : 1 (Carol <b>).");
            ctx.say(ASK, ADMIN, "!migration page");
            Matcher m = LINK.matcher(ctx.recordingMatrix().sent().stream().filter(s -> s.body() != null && s.body().contains("/login/"))
                    .findFirst().orElseThrow().body());
            assertThat(m.find()).isTrue();
            String html = new String(get(ctx, m.group(1), Map.of()).body(), StandardCharsets.UTF_8);
            assertThat(html).contains("<td data-k=\"moved\">1</td>", "<span data-k=\"still-old\">1</span>");
        }
    }

    @Test
    void theLinkGoesByDirectMessageToTheAdminWhoAskedAndOpensThePageOnce() throws Exception {
        try (FakePluginContext ctx = context("https://comptoir.coop.test")) {
            ctx.say(ASK, ADMIN, "!migration page");
            assertThat(lastBody(ctx, ASK)).contains("envoyé un lien en message privé");
            Sent dm = ctx.recordingMatrix().sent().stream().filter(s -> s.body() != null && s.body().contains("/login/")).findFirst()
                    .orElseThrow();
            assertThat(dm.room()).isNotEqualTo(ASK);
            assertThat(dm.content().path("msgtype").asText()).isEqualTo("m.notice");
            Matcher m = LINK.matcher(dm.body());
            assertThat(m.find()).isTrue();
            String path = m.group(1);
            assertThat(path).startsWith(ctx.routes().mountedPath("/page") + "/login/");

            RouteResponse first = get(ctx, path, Map.of());
            assertThat(first.status()).isEqualTo(200);
            String cookie = first.header("Set-Cookie").get(0);
            assertThat(cookie).startsWith("comptoir_migration=").contains("HttpOnly", "SameSite=Strict", "Secure",
                    "Path=" + ctx.routes().mountedPath("/page"));
            String html = new String(first.body(), StandardCharsets.UTF_8);
            assertThat(html).contains("<td data-k=\"matrix-people\">2</td>", "<td data-k=\"old-people\">2</td>",
                    "<td data-k=\"matrix-share\">40 %</td>", "<span data-k=\"still-old\">2</span>", "Carol &lt;b&gt;", "<svg class=\"chart\"",
                    "data-matrix=\"0,0,0,0,0,0,0,0,0,0,0,2\"", "data-old=\"0,0,0,0,0,1,0,0,0,0,0,3\"")
                    .doesNotContain("Carol <b>", "http://", "src=");
            assertThat(first.header("Content-Security-Policy").get(0)).startsWith("default-src 'none'");
            assertThat(first.header("Cache-Control")).containsExactly("no-store");

            assertThat(get(ctx, path, Map.of()).status()).as("the link works once").isEqualTo(403);
            String session = cookie.substring(0, cookie.indexOf(';'));
            assertThat(get(ctx, ctx.routes().mountedPath("/page") + "/view", Map.of("cookie", List.of("a=b; " + session))).status())
                    .isEqualTo(200);
            RouteResponse without = get(ctx, ctx.routes().mountedPath("/page") + "/view", Map.of());
            assertThat(without.status()).isEqualTo(403);
            assertThat(new String(without.body(), StandardCharsets.UTF_8)).contains("réservée aux administratrices et administrateurs",
                    "!migration page");
            assertThat(get(ctx, ctx.routes().mountedPath("/page") + "/view",
                    Map.of("cookie", List.of("comptoir_migration=" + "x".repeat(43)))).status()).isEqualTo(403);
        }
    }

    @Test
    void aLinkExpiresAfterFifteenMinutesAndASessionAfterEightHours() throws Exception {
        try (FakePluginContext ctx = context("http://127.0.0.1:9000/")) {
            ctx.say(ASK, ADMIN, "!migration page");
            ctx.say(ASK, ADMIN, "!migration page");
            List<String> paths = ctx.recordingMatrix().sent().stream().filter(s -> s.body() != null && s.body().contains("/login/"))
                    .map(s -> s.body().replaceAll("(?s).*http://127\\.0\\.0\\.1:9000(/\\S+/login/[A-Za-z0-9_-]{43}).*", "$1")).toList();
            assertThat(paths).hasSize(2).doesNotHaveDuplicates();
            ctx.fakeClock().advance(Duration.ofMinutes(14));
            RouteResponse ok = get(ctx, paths.get(0), Map.of());
            assertThat(ok.status()).isEqualTo(200);
            assertThat(ok.header("Set-Cookie").get(0)).as("plain http: no Secure").doesNotContain("Secure");
            ctx.fakeClock().advance(Duration.ofMinutes(2));
            assertThat(get(ctx, paths.get(1), Map.of()).status()).isEqualTo(403);
            String session = ok.header("Set-Cookie").get(0).split(";")[0];
            ctx.fakeClock().advance(Duration.ofHours(8));
            assertThat(get(ctx, ctx.routes().mountedPath("/page") + "/view", Map.of("cookie", List.of(session))).status()).isEqualTo(403);
        }
    }

    @Test
    void membersGetNoLinkAndNothingWithoutAPublicAddress() throws Exception {
        try (FakePluginContext ctx = context(null)) {
            ctx.say(ASK, MEMBER, "!migration page");
            ctx.say(ASK, ADMIN, "!migration page");
            assertThat(lastBody(ctx, ASK)).contains("public_address");
            assertThat(ctx.recordingMatrix().sent()).noneMatch(s -> s.body() != null && s.body().contains("/login/"));
            assertThat(ctx.recordingMatrix().bodiesIn(ASK).get(0)).doesNotContain("/login/");
        }
    }

    @Test
    void theLinksOnlyKeepHashes() throws Exception {
        try (FakePluginContext ctx = context("https://comptoir.coop.test")) {
            ctx.say(ASK, ADMIN, "!migration page");
            String body = ctx.recordingMatrix().sent().stream().filter(s -> s.body() != null && s.body().contains("/login/"))
                    .findFirst().orElseThrow().body();
            Matcher m = LINK.matcher(body);
            assertThat(m.find()).isTrue();
            String token = m.group(1).substring(m.group(1).lastIndexOf('/') + 1);
            List<String> stored = ctx.database().withHandle(h -> h.select("SELECT token_hash FROM migration_page_link").mapTo(String.class).list());
            assertThat(stored).containsExactly(DashboardLogins.hash(token)).doesNotContain(token);
        }
    }

    @Test
    void thePublicAddressMustBeAnAddress() {
        var bad = PluginConfigs.of("migration", "plugins[0]", JsonNodeFactory.instance.objectNode().put("public_address", "comptoir"), "coop.test");
        assertThat(PluginConfigs.check(new MigrationFactory(), bad).list()).singleElement().asString()
                .contains("plugins[0].public_address");
        var fine = PluginConfigs.of("migration", "plugins[0]", JsonNodeFactory.instance.objectNode().put("public_address",
                "https://comptoir.coop.test"), "coop.test");
        assertThat(PluginConfigs.check(new MigrationFactory(), fine).list()).isEmpty();
    }

    private static RouteResponse get(FakePluginContext ctx, String path, Map<String, List<String>> headers) {
        return ctx.call(new RouteRequest("GET", path, headers, new byte[0]));
    }
}
