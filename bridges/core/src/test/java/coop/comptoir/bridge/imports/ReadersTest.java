package coop.comptoir.bridge.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadersTest {
    @TempDir
    Path dir;

    @Test
    void discordExportGivesMessagesInOrderWithAuthorsRepliesAndLocalFiles() throws Exception {
        Export e = DiscordJsonReader.read(Samples.discord(dir));
        assertThat(e.source()).isEqualTo("discord");
        Export.Channel c = e.channel(null).orElseThrow();
        assertThat(c.name()).isEqualTo("planning");
        assertThat(Samples.names(c)).containsExactly("Camille", "yanis_b", "Camille", "Dominique");
        Export.Message first = c.messages().get(0);
        assertThat(first.time()).isEqualTo(Instant.parse("2024-03-01T08:15:30.250Z"));
        assertThat(first.author().id()).isEqualTo("700000000000000001");
        assertThat(c.messages().get(1).replyTo()).contains("1210000000000000001");
        Export.Message withFiles = c.messages().get(2);
        assertThat(withFiles.attachments()).hasSize(2);
        assertThat(withFiles.attachments().get(0).data()).isPresent();
        assertThat(withFiles.attachments().get(0).contentType()).isEqualTo("image/png");
        assertThat(withFiles.attachments().get(1).data()).isEmpty();
        assertThat(withFiles.attachments().get(1).link()).startsWith("https://cdn.discordapp.com/");
    }

    @Test
    void discordExportCutShortIsRefusedWithWhere() throws Exception {
        Path cut = Samples.truncated(Samples.discord(dir), 1500);
        assertThatThrownBy(() -> DiscordJsonReader.read(cut))
                .isInstanceOf(ExportFormatException.class)
                .hasMessageContaining("cut-export.json").hasMessageContaining("cut short");
    }

    @Test
    void discordMessageWithoutAuthorIdNamesTheKeyPath() throws Exception {
        Path json = Samples.discord(dir);
        String broken = Files.readString(json).replace("\"id\": \"700000000000000002\", ", "");
        Files.writeString(json, broken);
        assertThatThrownBy(() -> DiscordJsonReader.read(json))
                .isInstanceOf(ExportFormatException.class)
                .hasMessage("export.json: $.messages[1].author.id is missing");
    }

    @Test
    void discordMediaPathCannotLeaveTheExportFolder() throws Exception {
        Path json = Samples.discord(dir.resolve("inner"));
        Files.writeString(dir.resolve("secret.txt"), "not for the room");
        Files.writeString(json, Files.readString(json).replace("export_Files/planning-mars.png", "../secret.txt"));
        Export.Message m = DiscordJsonReader.read(json).channel(null).orElseThrow().messages().get(2);
        assertThat(m.attachments().get(0).data()).isEmpty();
    }

    @Test
    void slackExportGivesChannelsPeopleThreadsAndFilesFromTheZip() throws Exception {
        Export e = SlackZipReader.read(Samples.slackZip(dir));
        assertThat(e.channels()).extracting(Export.Channel::name).containsExactly("general", "livraisons");
        Export.Channel general = e.channel("#general").orElseThrow();
        // the join notice is left out; names from the profile, else the real name
        assertThat(Samples.names(general)).containsExactly("Alice", "Bruno Petit", "Alice");
        Export.Message root = general.messages().get(0);
        Export.Message reply = general.messages().get(1);
        assertThat(root.threadRoot()).isEmpty();
        assertThat(reply.threadRoot()).contains(root.id());
        assertThat(root.time()).isEqualTo(Instant.parse("2024-01-15T10:00:00.000200Z"));
        Export.Attachment file = general.messages().get(2).attachments().get(0);
        assertThat(file.fileName()).isEqualTo("bon-livraison.txt");
        assertThat(file.data().map(b -> new String(b, StandardCharsets.UTF_8))).isEqualTo(Optional.of("Carottes 20 kg\nPoireaux 10 kg\n"));
        assertThat(e.channel(null)).as("two channels: one must be named").isEmpty();
    }

    @Test
    void slackZipCutShortIsRefused() throws Exception {
        Path cut = Samples.truncated(Samples.slackZip(dir), 300);
        assertThatThrownBy(() -> SlackZipReader.read(cut))
                .isInstanceOf(ExportFormatException.class)
                .hasMessageContaining("cut-slack-export.zip").hasMessageContaining("cut short");
    }

    @Test
    void slackZipWithoutUsersIsNotTakenForAnExport() throws Exception {
        Path zip = dir.resolve("other.zip");
        try (var z = new java.util.zip.ZipOutputStream(Files.newOutputStream(zip))) {
            z.putNextEntry(new java.util.zip.ZipEntry("photos/a.jpg"));
            z.write(new byte[] {1, 2, 3});
            z.closeEntry();
        }
        assertThatThrownBy(() -> SlackZipReader.read(zip))
                .hasMessage("users.json: missing from the zip: is this a Slack workspace export?");
    }

    @Test
    void slackBadTimestampNamesTheDayFileAndKey() throws Exception {
        Path zip = dir.resolve("bad.zip");
        try (var z = new java.util.zip.ZipOutputStream(Files.newOutputStream(zip))) {
            for (String[] f : new String[][] {{"users.json", "[]"}, {"channels.json", "[{\"id\":\"C1\",\"name\":\"g\"}]"},
                    {"g/2024-01-01.json", "[{\"type\":\"message\",\"user\":\"U1\",\"text\":\"x\",\"ts\":\"hier\"}]"}}) {
                z.putNextEntry(new java.util.zip.ZipEntry(f[0]));
                z.write(f[1].getBytes(StandardCharsets.UTF_8));
                z.closeEntry();
            }
        }
        assertThatThrownBy(() -> SlackZipReader.read(zip))
                .hasMessage("g/2024-01-01.json: $[0].ts is not a Slack time (seconds.micros): hier");
    }

    @Test
    void rocketChatExportGivesRoomsUsernamesTimesAndFilesAndLeavesSystemLinesOut() throws Exception {
        Export e = RocketChatExportReader.read(Samples.rocketChatZip(dir));
        assertThat(e.source()).isEqualTo("rocketchat");
        assertThat(e.channels()).extracting(Export.Channel::name).containsExactly("epicerie", "general");
        Export.Channel general = e.channel("#general").orElseThrow();
        assertThat(general.id()).as("the room ID from channels.json").isEqualTo("GENERAL");
        // the join line is left out; the lines sorted by time; both identical lines kept, told apart
        assertThat(Samples.names(general)).containsExactly("camille.r", "User_1", "User_1", "User_2", "camille.r");
        assertThat(general.messages().get(1).id()).isNotEqualTo(general.messages().get(2).id());
        assertThat(general.messages().get(0).time()).isEqualTo(Instant.parse("2024-02-05T08:15:30.250Z"));
        assertThat(general.messages().get(0).text()).isEqualTo("Qui tient la caisse samedi ?");
        Export.Attachment kept = general.messages().get(3).attachments().get(0);
        assertThat(kept.fileName()).isEqualTo("inventaire.txt");
        assertThat(kept.data().map(b -> new String(b, StandardCharsets.UTF_8))).contains("Farine T65 : 12 sacs\nSucre : 4 kg\n");
        Export.Attachment missing = general.messages().get(4).attachments().get(0);
        assertThat(missing.contentType()).isEqualTo("image/png");
        assertThat(missing.data()).as("not in assets/: a link").isEmpty();
        assertThat(missing.link()).isEqualTo("/file-upload/Hk2FILE02/affiche.png");
        assertThat(e.channel("epicerie").orElseThrow().id()).isEqualTo("6Fq3ZtPkTvBx2mRcN");
    }

    @Test
    void rocketChatIdsStayTheSameWhenTheRoomIsExportedAgainWithMore() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("unzipped"));
        String line = "{\"msg\":\"a\",\"username\":\"lou\",\"ts\":\"2024-01-01T10:00:00.000Z\"}\n";
        Files.writeString(folder.resolve("cuisine.json"), line);
        String before = RocketChatExportReader.read(folder).channel(null).orElseThrow().messages().get(0).id();
        Files.writeString(folder.resolve("cuisine.json"), line + "{\"msg\":\"b\",\"username\":\"lou\",\"ts\":\"2024-01-02T10:00:00.000Z\"}\n");
        Export.Channel again = RocketChatExportReader.read(folder).channel(null).orElseThrow();
        assertThat(again.name()).as("an export of one room has no channels.json").isEqualTo("cuisine");
        assertThat(again.messages()).hasSize(2);
        assertThat(again.messages().get(0).id()).isEqualTo(before);
    }

    @Test
    void rocketChatLinesWithIdsKeepThreadsAndQuotes() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("dump"));
        Files.writeString(folder.resolve("general.json"), String.join("\n",
                "{\"_id\":\"m1\",\"msg\":\"Inventaire ?\",\"u\":{\"_id\":\"u1\",\"username\":\"lou\",\"name\":\"Lou\"},\"ts\":{\"$date\":\"2024-01-01T10:00:00.000Z\"}}",
                "{\"_id\":\"m2\",\"tmid\":\"m1\",\"msg\":\"Fait\",\"u\":{\"_id\":\"u2\",\"username\":\"sam\"},\"ts\":{\"$date\":\"2024-01-01T10:05:00.000Z\"}}",
                "{\"_id\":\"m3\",\"msg\":\"Merci\",\"u\":{\"username\":\"lou\"},\"ts\":\"2024-01-01T10:06:00.000Z\","
                        + "\"attachments\":[{\"message_link\":\"https://chat.example/channel/general?msg=m2\",\"text\":\"Fait\"}]}"));
        Export.Channel c = RocketChatExportReader.read(folder).channel(null).orElseThrow();
        assertThat(c.messages().get(0).author().name()).isEqualTo("Lou");
        assertThat(c.messages().get(1).threadRoot()).contains("m1");
        assertThat(c.messages().get(2).replyTo()).contains("m2");
        assertThat(c.messages().get(2).attachments()).as("a quote is not a file").isEmpty();
    }

    @Test
    void rocketChatBadLinesNameTheFileLineAndKey() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("bad"));
        Files.writeString(folder.resolve("general.json"), "{\"msg\":\"a\",\"username\":\"lou\",\"ts\":\"hier\"}\n");
        assertThatThrownBy(() -> RocketChatExportReader.read(folder))
                .hasMessage("general.json: line 1: $.ts is not an ISO-8601 date: hier");
        Files.writeString(folder.resolve("general.json"), "\n{\"msg\":\"a\",\"ts\":\"2024-01-01T10:00:00Z\"}\n");
        assertThatThrownBy(() -> RocketChatExportReader.read(folder)).hasMessage("general.json: line 2: $.username is missing");
        Files.writeString(folder.resolve("general.json"), "{\"msg\":\"a\",\"usern");
        assertThatThrownBy(() -> RocketChatExportReader.read(folder)).hasMessageStartingWith("general.json: line 1 is not valid JSON (cut short");
    }

    @Test
    void rocketChatZipCutShortOrWithoutRoomsIsRefused() throws Exception {
        Path cut = Samples.truncated(Samples.rocketChatZip(dir), 300);
        assertThatThrownBy(() -> RocketChatExportReader.read(cut)).isInstanceOf(ExportFormatException.class)
                .hasMessageContaining("cut-rocketchat-export.zip").hasMessageContaining("cut short");
        Path empty = Files.createDirectories(dir.resolve("empty"));
        Files.writeString(empty.resolve("notes.txt"), "rien");
        assertThatThrownBy(() -> RocketChatExportReader.read(empty))
                .hasMessage("empty: no room file (<room>.json) in it: is this a Rocket.Chat export in JSON?");
    }

    @Test
    void rocketChatAssetNamesCannotLeaveTheExportFolder() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("inner"));
        Files.writeString(dir.resolve("s-t.txt"), "not for the room");
        Files.createDirectories(folder.resolve("assets"));
        Files.writeString(folder.resolve("general.json"), "{\"msg\":\"\",\"username\":\"lou\",\"ts\":\"2024-01-01T10:00:00Z\","
                + "\"attachments\":[{\"type\":\"file\",\"fileId\":\"../../s\",\"fileName\":\"t.txt\"},"
                + "{\"type\":\"file\",\"fileId\":\"y\",\"fileName\":\"../../s-t.txt\"}]}\n");
        Export.Message m = RocketChatExportReader.read(folder).channel(null).orElseThrow().messages().get(0);
        assertThat(m.attachments()).allSatisfy(a -> assertThat(a.data()).isEmpty());
    }
}
