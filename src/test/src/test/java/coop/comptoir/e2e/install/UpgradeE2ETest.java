package coop.comptoir.e2e.install;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.e2e.rig.ComptoirProcess;
import coop.comptoir.e2e.rig.Events;
import coop.comptoir.e2e.rig.MatrixTestClient;
import coop.comptoir.e2e.rig.Rig;
import coop.comptoir.testing.discord.FakeChannel;
import coop.comptoir.testing.discord.FakeDiscord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Upgrades: a database made by an earlier release's migrations, kept as an SQL dump in
 * {@code src/test/resources/upgrade/comptoir-<release>.sql}, is opened by this version with every
 * built-in plugin enabled: it starts, every migration the release had is still recorded, the
 * newer ones are added, and the rows of the plugins' tables are all still there.
 *
 * <p>A release adds its own fixture, made by this test from a fresh database:
 * {@code mvn -B -o -pl src/test -am verify -Dtest=UpgradeE2ETest -Dcomptoir.upgrade.write=0.2.0}
 * (then commit the new {@code .sql}; keep the older ones).
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class UpgradeE2ETest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String TOKEN = "upgrade-discord-token-0123456789";
    /** The releases whose databases this version must open. */
    private static final List<String> RELEASES = List.of("0.1.0");
    /** Tables whose rows are the users' data: none may be lost by an upgrade. */
    private static final List<String> KEPT_TABLES = List.of("welcome_greeted", "bridge_portal", "core_encrypted_room");

    private final Rig rig = Rig.get();

    @Test
    void writesTheFixtureOfThisReleaseWhenAsked() throws Exception {
        String release = System.getProperty("comptoir.upgrade.write", "");
        Assumptions.assumeFalse(release.isEmpty(), "writes a fixture only with -Dcomptoir.upgrade.write=<release>");
        Path sqlite3 = RepoFiles.program("/usr/bin/sqlite3", "sqlite3");
        Path dir = rig.freshDir("upgrade-write");
        Path database = dir.resolve("comptoir.db");
        try (FakeDiscord discord = FakeDiscord.builder().botToken(TOKEN).guild("Comptoir", "general").start()) {
            MatrixTestClient alice = rig.newUser("alice");
            String welcomeRoom = alice.createRoom(rig.botUserId());
            String bridged = alice.createRoom(rig.botUserId());
            ComptoirProcess comptoir = start("upgrade-write", database, discord, welcomeRoom, bridged, dir);
            try {
                alice.awaitEvent(welcomeRoom, Events.membership(rig.botUserId(), "join"), WAIT);
                alice.awaitEvent(bridged, Events.membership(rig.botUserId(), "join"), WAIT);
                MatrixTestClient bob = rig.newUser("bob");
                alice.invite(welcomeRoom, bob.userId());
                bob.join(welcomeRoom);
                alice.awaitEvent(welcomeRoom, Events.messageFrom(rig.botUserId()).and(Events.bodyContains("Bienvenue")), WAIT);
                String ping = alice.sendText(bridged, "!ping");
                alice.awaitEvent(bridged, Events.messageFrom(rig.botUserId()).and(e -> ping.equals(Events.inReplyTo(e))), WAIT);
            } finally {
                comptoir.stop();
            }
        }
        String dump = BackupRestoreE2ETest.run(sqlite3.toString(), database.toString(), ".dump");
        Path fixture = RepoFiles.find("src/test/src/test/resources/upgrade").resolve("comptoir-" + release + ".sql");
        Files.writeString(fixture, dump);
        System.out.println("e2e: wrote " + fixture + " (" + rows(sqlite3, database) + ")");
    }

    @Test
    void eachReleasesDatabaseIsOpenedAndMigrated() throws Exception {
        Path sqlite3 = RepoFiles.program("/usr/bin/sqlite3", "sqlite3");
        for (String release : RELEASES) {
            Path fixture = RepoFiles.find("src/test/src/test/resources/upgrade/comptoir-" + release + ".sql");
            Path dir = rig.freshDir("upgrade-from-" + release);
            Path database = dir.resolve("comptoir.db");
            BackupRestoreE2ETest.run(sqlite3.toString(), database.toString(), ".read '" + fixture + "'");
            Map<String, Long> before = rows(sqlite3, database);
            String migrationsBefore = migrations(sqlite3, database);
            assertThat(before).as("the %s fixture", release).containsKeys(KEPT_TABLES.toArray(String[]::new));

            try (FakeDiscord discord = FakeDiscord.builder().botToken(TOKEN).guild("Comptoir", "general").start()) {
                MatrixTestClient alice = rig.newUser("alice");
                String welcomeRoom = alice.createRoom(rig.botUserId());
                String bridged = alice.createRoom(rig.botUserId());
                ComptoirProcess comptoir = start("upgrade-run-" + release, database, discord, welcomeRoom, bridged, dir);
                try {
                    alice.awaitEvent(bridged, Events.membership(rig.botUserId(), "join"), WAIT);
                    String ping = alice.sendText(bridged, "!ping");
                    alice.awaitEvent(bridged, Events.messageFrom(rig.botUserId()).and(e -> ping.equals(Events.inReplyTo(e))), WAIT);
                    assertThat(comptoir.logText()).as("log of %s", comptoir.logFile()).doesNotContain(" ERROR ");
                } finally {
                    comptoir.stop();
                }
            }
            String migrationsAfter = migrations(sqlite3, database);
            assertThat(migrationsAfter.lines().toList()).as("migrations after opening the %s database", release)
                    .containsAll(migrationsBefore.lines().toList());
            Map<String, Long> after = rows(sqlite3, database);
            for (String table : KEPT_TABLES) {
                assertThat(after.get(table)).as("rows of %s after the upgrade from %s", table, release)
                        .isGreaterThanOrEqualTo(before.get(table));
            }
        }
    }

    /** Comptoir with every built-in plugin on {@code database}. */
    private ComptoirProcess start(String name, Path database, FakeDiscord discord, String welcomeRoom, String bridged,
            Path dir) throws Exception {
        FakeChannel general = discord.channel("general");
        return rig.comptoir(name, c -> {
            ((ObjectNode) c.get("database")).put("url", "jdbc:sqlite:" + database);
            ArrayNode plugins = c.withArray("plugins");
            plugins.addObject().put("type", "welcome").put("coop", "La Cagette")
                    .putArray("rooms").addObject().put("room", welcomeRoom);
            ObjectNode forum = plugins.addObject().put("type", "forum").put("url", "http://127.0.0.1:9")
                    .put("api_key", "upgrade-api-key-0123456789");
            forum.putObject("webhook").put("secret", "upgrade-webhook-secret-0123456789");
            forum.putArray("routes").addObject().put("category_id", 1).put("category_slug", "general")
                    .putArray("rooms").add(welcomeRoom);
            ObjectNode shifts = plugins.addObject().put("type", "shifts").put("zone", "Europe/Paris").put("anchor", "2026-01-05");
            shifts.putObject("source").put("type", "yaml").putArray("templates");
            shifts.putObject("teams").put("samedi-matin", welcomeRoom);
            ObjectNode d = plugins.addObject().put("type", "discord").put("id", "discord").put("token", TOKEN)
                    .put("guild_id", general.guildId())
                    .put("api_base_url", discord.restBaseUrl()).put("gateway_url", discord.gatewayUrl())
                    .put("cdn_url", discord.cdnBaseUrl());
            d.putArray("links").addObject().put("room", bridged).put("channel", general.id());
        }).start();
    }

    /** Rows per table. */
    private static Map<String, Long> rows(Path sqlite3, Path database) throws Exception {
        Map<String, Long> rows = new TreeMap<>();
        String tables = BackupRestoreE2ETest.run(sqlite3.toString(), database.toString(),
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
        for (String table : tables.lines().map(String::strip).filter(t -> !t.isEmpty()).toList()) {
            rows.put(table, Long.parseLong(BackupRestoreE2ETest.run(sqlite3.toString(), database.toString(),
                    "SELECT count(*) FROM \"" + table + "\"").strip()));
        }
        return rows;
    }

    private static String migrations(Path sqlite3, Path database) throws Exception {
        return BackupRestoreE2ETest.run(sqlite3.toString(), database.toString(),
                "SELECT component || ' ' || version FROM comptoir_migrations ORDER BY 1");
    }
}
