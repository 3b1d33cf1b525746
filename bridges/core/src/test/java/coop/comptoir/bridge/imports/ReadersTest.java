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
}
