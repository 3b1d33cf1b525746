package coop.comptoir.e2e.migration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import coop.comptoir.e2e.rig.ComptoirProcess;
import coop.comptoir.e2e.rig.Events;
import coop.comptoir.e2e.rig.MatrixTestClient;
import coop.comptoir.e2e.rig.Rig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * History from export files through the real homeserver: {@code !migration import} previews a
 * DiscordChatExporter JSON file or a Slack export zip given as a path on the server, {@code !migration
 * apply} sends it with the original times, by ghosts named as in the export, replies, threads and
 * files kept. Rocket.Chat's own export (a zip of one JSON line per message) too.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class MigrationImportE2ETest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** A PNG signature and the start of its header: enough for an image. */
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 13, 'I', 'H', 'D', 'R'};

    private static Rig rig;
    private static ComptoirProcess comptoir;
    private static MatrixTestClient alice;
    private static String bot;
    private static Path files;

    @BeforeAll
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    static void start() throws Exception {
        rig = Rig.get();
        bot = rig.botUserId();
        files = rig.freshDir("migration-exports");
        alice = rig.newUser("alice");
        comptoir = rig.comptoir("migration", c -> {
            c.putObject("commands").putArray("admins").add(alice.userId());
            ((ArrayNode) c.withArray("plugins")).addObject().put("type", "migration").put("progress_every", 2);
        }).start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (comptoir != null) {
            comptoir.stop();
        }
    }

    private static String ghost(String source, String id) {
        return "@_import_" + source + "_" + id + ":" + bot.substring(bot.indexOf(':') + 1);
    }

    private static String newRoom() {
        String room = alice.createRoom(bot);
        alice.awaitEvent(room, Events.membership(bot, "join"), WAIT);
        return room;
    }

    private static void importFile(String room, String format, Object file) {
        String preview = alice.sendText(room, "!migration import " + format + " " + file);
        alice.awaitEvent(room, Events.noticeReply(bot, preview, "apply"), WAIT);
        String apply = alice.sendText(room, "!migration apply");
        alice.awaitEvent(room, Events.noticeReply(bot, apply, ""), WAIT);
    }

    @Test
    void discordExportArrivesWithItsTimesAuthorsReplyAndImage() throws Exception {
        Path dir = Files.createDirectories(files.resolve("discord"));
        Files.createDirectories(dir.resolve("media"));
        Files.write(dir.resolve("media/affiche.png"), PNG);
        Path json = dir.resolve("marche.json");
        Files.writeString(json, """
                {"guild": {"id": "91", "name": "Coop"}, "channel": {"id": "92", "type": "GuildTextChat", "name": "marche"},
                 "messages": [
                  {"id": "1001", "type": "Default", "timestamp": "2023-05-04T08:00:00.123+02:00", "content": "Marché de printemps samedi !",
                   "author": {"id": "501", "name": "lea.m", "nickname": "Léa"}, "attachments": []},
                  {"id": "1002", "type": "Reply", "timestamp": "2023-05-04T08:30:00+02:00", "content": "Je tiens le stand des fruits.",
                   "author": {"id": "502", "name": "noah", "nickname": null},
                   "attachments": [{"id": "9", "url": "media/affiche.png", "fileName": "affiche.png", "fileSizeBytes": 16}],
                   "reference": {"messageId": "1001", "channelId": "92"}}
                 ]}
                """);
        String room = newRoom();
        importFile(room, "discord-json", json);

        JsonNode first = alice.awaitEvent(room, Events.newMessageFrom(ghost("discord", "501"), "Marché de printemps"), WAIT);
        assertThat(first.path("origin_server_ts").asLong()).isEqualTo(Instant.parse("2023-05-04T06:00:00.123Z").toEpochMilli());
        assertThat(alice.displayName(ghost("discord", "501"))).contains("Léa");
        JsonNode image = alice.awaitEvent(room, Events.messageFrom(ghost("discord", "502")).and(Events.msgtype("m.image")), WAIT);
        assertThat(Events.inReplyTo(image)).isEqualTo(first.path("event_id").asText());
        assertThat(alice.download(image.path("content").path("url").asText())).isEqualTo(PNG);
        JsonNode text = alice.awaitEvent(room, Events.newMessageFrom(ghost("discord", "502"), "stand des fruits"), WAIT);
        assertThat(text.path("origin_server_ts").asLong()).isEqualTo(Instant.parse("2023-05-04T06:30:00Z").toEpochMilli());
        alice.awaitEvent(room, Events.messageFrom(bot).and(Events.bodyContains("Import terminé").or(Events.bodyContains("Import finished"))), WAIT);

        // the same export again is refused: nothing is posted twice
        String again = alice.sendText(room, "!migration import discord-json " + json);
        alice.awaitEvent(room, Events.noticeReply(bot, again, "apply"), WAIT);
        String apply = alice.sendText(room, "!migration apply");
        alice.awaitEvent(room, Events.noticeReply(bot, apply, "2 messages"), WAIT);
        assertThat(alice.roomMessages(room).stream().filter(Events.newMessageFrom(ghost("discord", "501"), "Marché")).count())
                .isEqualTo(1);
    }

    @Test
    void slackExportKeepsItsThreadAndFile() throws Exception {
        Path zip = files.resolve("slack.zip");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip))) {
            entry(z, "users.json", "[{\"id\": \"UA1\", \"name\": \"sam\", \"profile\": {\"display_name\": \"Sam\"}},"
                    + " {\"id\": \"UB2\", \"name\": \"ines\", \"real_name\": \"Inès Roy\", \"profile\": {}}]");
            entry(z, "channels.json", "[{\"id\": \"CX\", \"name\": \"compta\"}]");
            entry(z, "compta/2022-11-02.json", """
                    [{"type": "message", "user": "UA1", "text": "Bilan du mois prêt", "ts": "1667383200.000100", "thread_ts": "1667383200.000100"},
                     {"type": "message", "user": "UB2", "text": "Merci, je relis ce soir", "ts": "1667386800.000200", "thread_ts": "1667383200.000100"},
                     {"type": "message", "user": "UA1", "text": "Le tableau", "ts": "1667390400.000300",
                      "files": [{"id": "FZ", "name": "bilan.csv", "mimetype": "text/csv", "url_private": "https://files.slack.com/x"}]}]
                    """);
            entry(z, "__uploads/FZ/bilan.csv", "mois;total\nnovembre;1200\n");
        }
        String room = newRoom();
        importFile(room, "slack-zip", zip);

        String sam = "@_import_slack_=55=41" + "1:" + bot.substring(bot.indexOf(':') + 1);
        JsonNode root = alice.awaitEvent(room, Events.newMessageFrom(sam, "Bilan du mois"), WAIT);
        assertThat(root.path("origin_server_ts").asLong()).isEqualTo(1667383200000L);
        String ines = "@_import_slack_=55=422:" + bot.substring(bot.indexOf(':') + 1);
        JsonNode reply = alice.awaitEvent(room, Events.newMessageFrom(ines, "je relis"), WAIT);
        assertThat(reply.path("content").path("m.relates_to").path("rel_type").asText()).isEqualTo("m.thread");
        assertThat(reply.path("content").path("m.relates_to").path("event_id").asText()).isEqualTo(root.path("event_id").asText());
        assertThat(alice.displayName(ines)).contains("Inès Roy");
        JsonNode file = alice.awaitEvent(room, Events.messageFrom(sam).and(Events.msgtype("m.file")), WAIT);
        assertThat(new String(alice.download(file.path("content").path("url").asText()), StandardCharsets.UTF_8))
                .isEqualTo("mois;total\nnovembre;1200\n");
        assertThat(file.path("origin_server_ts").asLong()).isEqualTo(1667390400000L);
    }

    @Test
    void rocketChatExportArrivesWithItsTimesUsernamesFileAndThread() throws Exception {
        Path zip = files.resolve("rocketchat.zip");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip))) {
            entry(z, "user.json", "{\"username\":\"lina\",\"name\":\"Lina\",\"roles\":[\"user\"]}");
            entry(z, "channels.json", "{\"roomId\":\"GENERAL\",\"roomName\":\"general\",\"type\":\"c\"}\n"
                    + "{\"roomId\":\"Kq7ComptaRoomId01\",\"roomName\":\"compta\",\"type\":\"p\"}");
            entry(z, "general.json", """
                    {"msg":"Bienvenue","username":"lina","ts":"2021-09-01T07:00:00.000Z","type":"uj"}
                    {"msg":"La coop ouvre samedi","username":"lina","ts":"2021-09-01T07:30:00.500Z"}
                    {"msg":"","username":"User_1","ts":"2021-09-01T08:00:00.000Z","attachments":[{"type":"file","title":"horaires.txt","title_link":"/file-upload/FH1/horaires.txt","url":"/file-upload/FH1/horaires.txt","remote":false,"fileId":"FH1","fileName":"horaires.txt"}]}
                    """);
            entry(z, "compta.json", """
                    {"_id":"c1","msg":"Clôture du mois ?","u":{"_id":"u9","username":"rene","name":"René"},"ts":{"$date":"2021-09-02T09:00:00.000Z"}}
                    {"_id":"c2","tmid":"c1","msg":"Faite hier","u":{"_id":"u8","username":"lina"},"ts":{"$date":"2021-09-02T09:10:00.000Z"}}
                    """);
            entry(z, "assets/FH1-horaires.txt", "samedi 9h-13h\n");
        }
        String server = bot.substring(bot.indexOf(':') + 1);
        String room = newRoom();
        String which = alice.sendText(room, "!migration import rocketchat-zip " + zip);
        assertThat(alice.awaitEvent(room, Events.noticeReply(bot, which, "plusieurs"), WAIT).path("content").path("body").asText())
                .contains("compta, general");
        importFile(room, "rocketchat-zip", zip + " #general");

        String lina = "@_import_rocketchat_lina:" + server;
        JsonNode first = alice.awaitEvent(room, Events.newMessageFrom(lina, "La coop ouvre samedi"), WAIT);
        assertThat(first.path("origin_server_ts").asLong()).isEqualTo(Instant.parse("2021-09-01T07:30:00.500Z").toEpochMilli());
        assertThat(alice.displayName(lina)).contains("lina");
        String user1 = "@_import_rocketchat_=55ser=5f1:" + server;
        JsonNode file = alice.awaitEvent(room, Events.messageFrom(user1).and(Events.msgtype("m.file")), WAIT);
        assertThat(new String(alice.download(file.path("content").path("url").asText()), StandardCharsets.UTF_8)).isEqualTo("samedi 9h-13h\n");
        assertThat(alice.displayName(user1)).contains("User_1");
        alice.awaitEvent(room, Events.messageFrom(bot).and(Events.bodyContains("Import terminé")), WAIT);
        assertThat(alice.roomMessages(room)).noneMatch(e -> e.path("content").path("body").asText().contains("Bienvenue"));

        String compta = newRoom();
        importFile(compta, "rocketchat-zip", zip + " #compta");
        JsonNode root = alice.awaitEvent(compta, Events.newMessageFrom("@_import_rocketchat_rene:" + server, "Clôture du mois"), WAIT);
        assertThat(alice.displayName("@_import_rocketchat_rene:" + server)).contains("René");
        JsonNode reply = alice.awaitEvent(compta, Events.newMessageFrom(lina, "Faite hier"), WAIT);
        assertThat(reply.path("content").path("m.relates_to").path("rel_type").asText()).isEqualTo("m.thread");
        assertThat(reply.path("content").path("m.relates_to").path("event_id").asText()).isEqualTo(root.path("event_id").asText());
    }

    private static void entry(ZipOutputStream z, String name, String text) throws java.io.IOException {
        z.putNextEntry(new ZipEntry(name));
        z.write(text.getBytes(StandardCharsets.UTF_8));
        z.closeEntry();
    }
}
