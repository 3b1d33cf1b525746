package coop.comptoir.bridge.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.id.UserId;
import coop.comptoir.api.matrix.MatrixException;
import coop.comptoir.api.text.Catalogue;
import coop.comptoir.api.text.TextSettings;
import coop.comptoir.testing.FakeClock;
import coop.comptoir.testing.RecordingMatrixClient;
import coop.comptoir.testing.RecordingMatrixClient.Sent;
import coop.comptoir.testing.TestDatabase;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class HistoryImportTest {
    static final UserId BOT = UserId.of("@comptoir:coop.test");
    static final RoomId ROOM = RoomId.of("!archives:coop.test");

    @TempDir
    Path dir;
    TestDatabase db;
    RecordingMatrixClient recording;
    CrashingMatrix matrix;
    Catalogue texts = Catalogue.load("migration", HistoryImport.class, TextSettings.DEFAULT);

    @BeforeEach
    void setUp() {
        db = TestDatabase.sqlite(dir.resolve("db"));
        recording = new RecordingMatrixClient(BOT);
        matrix = new CrashingMatrix(recording);
    }

    @AfterEach
    void tearDown() throws Exception {
        db.close();
    }

    HistoryImport importer(int progressEvery) {
        return new HistoryImport(matrix, db, "coop.test", progressEvery, new FakeClock(Instant.parse("2026-01-01T00:00:00Z"), java.time.ZoneOffset.UTC),
                LoggerFactory.getLogger("test"));
    }

    List<Sent> ghostMessages() {
        return recording.messagesIn(ROOM).stream().filter(s -> !s.sender().equals(BOT)).toList();
    }

    List<String> notices() {
        return recording.messagesIn(ROOM).stream().filter(s -> s.sender().equals(BOT)).map(Sent::body).toList();
    }

    @Test
    void discordChannelIsSentByNamedGhostsAtOriginalTimesWithReplyAndUpload() throws Exception {
        Export e = DiscordJsonReader.read(Samples.discord(dir));
        Export.Channel c = e.channel(null).orElseThrow();

        assertThat(importer(2).run("discord", c, ROOM, texts)).isEqualTo(HistoryImport.Outcome.DONE);

        List<Sent> sent = ghostMessages();
        // 4 messages, one of them with an uploaded image before its text
        assertThat(sent).extracting(Sent::body).containsExactly(
                "Bonjour à toutes et tous ! Qui peut tenir la caisse samedi matin ?",
                "Moi ! Je serai là de 9h à 12h.",
                "planning-mars.png",
                "Le planning mis à jour :\n📎 compte-rendu.pdf https://cdn.discordapp.com/attachments/880000000000000010/1210000000000000902/compte-rendu.pdf",
                "Merci, c'est noté 👍");
        UserId camille = UserId.of("@_import_discord_700000000000000001:coop.test");
        assertThat(sent.get(0).sender()).isEqualTo(camille);
        assertThat(recording.displayName(camille)).contains("Camille");
        assertThat(recording.displayName(sent.get(1).sender())).contains("yanis_b");
        assertThat(matrix.timestamps.get(sent.get(0).eventId())).isEqualTo(Instant.parse("2024-03-01T08:15:30.250Z").toEpochMilli());
        assertThat(matrix.timestamps.get(sent.get(4).eventId())).isEqualTo(Instant.parse("2024-03-02T16:45:00Z").toEpochMilli());
        assertThat(sent.get(1).content().at("/m.relates_to/m.in_reply_to/event_id").asText())
                .isEqualTo(sent.get(0).eventId().value());
        assertThat(sent.get(2).content().path("msgtype").asText()).isEqualTo("m.image");
        assertThat(sent.get(2).content().path("url").asText()).startsWith("mxc://");
        assertThat(notices()).hasSize(2);
        assertThat(notices().get(0)).startsWith("Import en cours : 2 sur 4 messages");
        assertThat(notices().get(1)).startsWith("Import terminé : 4 messages importés.");
    }

    @Test
    void slackThreadRepliesStayInTheirThread() throws Exception {
        Export.Channel general = SlackZipReader.read(Samples.slackZip(dir)).channel("general").orElseThrow();

        importer(100).run("slack", general, ROOM, texts);

        List<Sent> sent = ghostMessages();
        assertThat(sent).extracting(Sent::body).containsExactly("La commande de légumes arrive jeudi.",
                "Je peux aider à décharger.", "bon-livraison.txt", "Voici le bon de livraison");
        assertThat(sent.get(1).content().at("/m.relates_to/rel_type").asText()).isEqualTo("m.thread");
        assertThat(sent.get(1).content().at("/m.relates_to/event_id").asText()).isEqualTo(sent.get(0).eventId().value());
        assertThat(recording.displayName(sent.get(1).sender())).contains("Bruno Petit");
        assertThat(sent.get(2).content().path("msgtype").asText()).isEqualTo("m.file");
    }

    @Test
    void aCrashMidImportResumesWithEachMessageSentExactlyOnce() throws Exception {
        Export.Channel c = DiscordJsonReader.read(Samples.discord(dir)).channel(null).orElseThrow();
        matrix.crashAfter(2);
        assertThatThrownBy(() -> importer(100).run("discord", c, ROOM, texts)).isInstanceOf(MatrixException.class);
        assertThat(ghostMessages()).hasSize(2);
        assertThat(notices()).singleElement().asString().startsWith("Import arrêté après 2 messages");

        // restart: a new importer over the same database
        matrix.crashAfter(Integer.MAX_VALUE);
        assertThat(importer(100).run("discord", c, ROOM, texts)).isEqualTo(HistoryImport.Outcome.DONE);

        List<Sent> sent = ghostMessages();
        assertThat(sent).extracting(Sent::body).doesNotHaveDuplicates().hasSize(5);
        assertThat(sent).extracting(Sent::txnId).doesNotHaveDuplicates();
        // the reply sent before the crash still points to the message it answers
        assertThat(sent.get(1).content().at("/m.relates_to/m.in_reply_to/event_id").asText())
                .isEqualTo(sent.get(0).eventId().value());
    }

    @Test
    void aStopFinishesTheMessageBeingSentRecordsItAndSaysNothingInTheRoom() throws Exception {
        Export.Channel c = DiscordJsonReader.read(Samples.discord(dir)).channel(null).orElseThrow();
        HistoryImport importer = importer(100);
        CrashingMatrix.beforeGhostSend = n -> {
            if (n == 2) {
                importer.stop(); // Comptoir is asked to stop while the second message goes out
            }
        };
        try {
            assertThat(importer.run("discord", c, ROOM, texts)).isEqualTo(HistoryImport.Outcome.STOPPED);
        } finally {
            CrashingMatrix.beforeGhostSend = n -> { };
        }
        assertThat(ghostMessages()).hasSize(2);
        assertThat(notices()).as("a stop is no failure").noneMatch(n -> n.startsWith("Import arrêté"));
        assertThat(importer.unfinished()).hasSize(1);

        // the next start sends the rest, not the message that was going out at the stop
        assertThat(importer(100).run("discord", c, ROOM, texts)).isEqualTo(HistoryImport.Outcome.DONE);
        assertThat(ghostMessages()).extracting(Sent::txnId).doesNotHaveDuplicates().hasSize(5);
    }

    @Test
    void aCrashInsideAMessageResendsItsPartsWithTheSameTransactionIds() throws Exception {
        Export.Channel c = DiscordJsonReader.read(Samples.discord(dir)).channel(null).orElseThrow();
        matrix.crashAfter(3); // the image of the third message went out, its text did not
        assertThatThrownBy(() -> importer(100).run("discord", c, ROOM, texts)).isInstanceOf(MatrixException.class);
        String imageTxn = ghostMessages().get(2).txnId();
        matrix.crashAfter(Integer.MAX_VALUE);
        importer(100).run("discord", c, ROOM, texts);
        // resent with the same transaction ID, which the homeserver (and the recording client) answers
        // with the event it has: the image is in the room once, every part of every message is there
        assertThat(ghostMessages()).extracting(Sent::txnId).filteredOn(imageTxn::equals).hasSize(1);
        assertThat(ghostMessages()).extracting(Sent::body).doesNotHaveDuplicates().hasSize(5);
    }

    @Test
    void aFinishedImportIsNotRunTwice() throws Exception {
        Export.Channel c = DiscordJsonReader.read(Samples.discord(dir)).channel(null).orElseThrow();
        HistoryImport importer = importer(100);
        importer.run("discord", c, ROOM, texts);
        int before = recording.sent().size();

        assertThat(importer.isDone("discord", c, ROOM)).isTrue();
        assertThat(importer(100).run("discord", c, ROOM, texts)).isEqualTo(HistoryImport.Outcome.ALREADY_DONE);
        assertThat(recording.sent()).hasSize(before);
        assertThat(importer.isDone("discord", c, RoomId.of("!other:coop.test"))).isFalse();
    }

    @Test
    void previewCountsWithoutSending() throws Exception {
        Export.Channel c = DiscordJsonReader.read(Samples.discord(dir)).channel(null).orElseThrow();
        String fr = HistoryImport.preview(c, texts);
        assertThat(fr).startsWith("Aperçu de l'import de #planning : 4 messages du ")
                .contains("2 fichiers (1 sans leur contenu, mis en lien), 3 personnes : Camille, yanis_b, Dominique");
        assertThat(HistoryImport.preview(c, texts.in("en"))).startsWith("Preview of the import of #planning: 4 messages from ");
        assertThat(recording.sent()).isEmpty();
    }

    @Test
    void ghostIdsAreOnePerSourceAndEscaped() {
        HistoryImport i = importer(1);
        assertThat(i.ghostId("slack", "U01ALICE").localpart()).isEqualTo("_import_slack_=5501=41=4c=49=43=45");
        assertThat(i.ghostId("discord", "7")).isNotEqualTo(i.ghostId("slack", "7"));
    }
}
