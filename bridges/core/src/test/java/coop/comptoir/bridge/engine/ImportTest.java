package coop.comptoir.bridge.engine;

import coop.comptoir.testing.RecordingMatrixClient;
import static coop.comptoir.bridge.engine.Rig.ADMIN;
import static coop.comptoir.bridge.engine.Rig.ALICE;
import static coop.comptoir.bridge.engine.Rig.BOB;
import static coop.comptoir.bridge.engine.Rig.CHANNEL;
import static coop.comptoir.bridge.engine.Rig.ROOM;
import static coop.comptoir.bridge.engine.Rig.await;
import static coop.comptoir.bridge.engine.Rig.remoteMessage;
import static org.assertj.core.api.Assertions.assertThat;

import coop.comptoir.api.id.UserId;
import coop.comptoir.bridge.api.MatrixContent;
import coop.comptoir.bridge.api.RemoteEvent;
import coop.comptoir.bridge.api.RemoteMessageId;
import coop.comptoir.bridge.api.RemoteUser;
import coop.comptoir.bridge.api.RemoteUserId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code !bridge import}: the channel's history, by batches of 3 here. */
class ImportTest extends LinkedEngineTest {
    static final RemoteUser CAROL = new RemoteUser(new RemoteUserId("43"), "Carol", Optional.empty());
    @Override
    void prepare(TestConnector net) {
        net.addHistory(remoteMessage("1", BOB, "h1"));
        net.addHistory(remoteMessage("2", CAROL, "h2"));
        net.addHistory(new RemoteEvent.Message(CHANNEL, new RemoteMessageId("3"), BOB, Instant.ofEpochSecond(1_600_000_003L),
                MatrixContent.text("h3 répond à h2"), Optional.of(new RemoteMessageId("2")), Optional.empty(), List.of()));
        net.addHistory(remoteMessage("4", CAROL, "h4"));
        net.addHistory(new RemoteEvent.Message(CHANNEL, new RemoteMessageId("5"), BOB, Instant.ofEpochSecond(1_600_000_005L),
                MatrixContent.text("h5 dans le fil de h4"), Optional.empty(), Optional.of(new RemoteMessageId("4")), List.of()));
        net.addHistory(remoteMessage("6", CAROL, "h6"));
        net.addHistory(remoteMessage("7", BOB, "h7"));
    }

    private List<String> bodies() {
        return rig.matrix.chatIn(ROOM).stream().map(RecordingMatrixClient.Sent::body).toList();
    }

    /** The progress notice as it reads now (its latest edit). */
    private String progress() {
        RecordingMatrixClient.Sent first = rig.matrix.noticesIn(ROOM).stream().filter(s -> s.body().startsWith("Import")).findFirst().orElseThrow();
        return rig.matrix.eventsIn(ROOM).stream()
                .filter(s -> s.relatesTo().path("rel_type").asText().equals("m.replace")
                        && s.relatesTo().path("event_id").asText().equals(first.eventId().value()))
                .reduce((a, b) -> b).map(s -> s.content().path("m.new_content").path("body").asText()).orElse(first.body());
    }

    @Test
    void importsTheHistoryOnceWithAuthorsTimesRepliesAndThreadsSkippingWhatTheLiveBridgeCarried() throws Exception {
        rig.remote(remoteMessage("7", BOB, "h7"));
        await("live", () -> bodies().size() == 1);
        rig.matrixMessage(ADMIN, "!bridge import");
        await("done", () -> rig.matrix.noticesIn(ROOM).size() >= 1 && progress().startsWith("Import terminé"));
        assertThat(progress()).isEqualTo("Import terminé : 6 messages copiés depuis Discord.");
        assertThat(bodies()).containsExactly("h7", "h1", "h2", "h3 répond à h2", "h4", "h5 dans le fil de h4", "h6");
        List<RecordingMatrixClient.Sent> sent = rig.matrix.chatIn(ROOM);
        assertThat(sent.get(1).timestamp()).isEqualTo(1_600_000_001_000L);
        assertThat(sent.get(2).sender().value()).isEqualTo("@_discord_43:coop.example");
        assertThat(sent.get(3).relatesTo().path("m.in_reply_to").path("event_id").asText()).isEqualTo(sent.get(2).eventId().value());
        assertThat(sent.get(5).relatesTo().path("rel_type").asText()).isEqualTo("m.thread");
        assertThat(sent.get(5).relatesTo().path("event_id").asText()).isEqualTo(sent.get(4).eventId().value());
    }

    @Test
    void eachLinkKeepsWhenTheMessageWasWrittenNotWhenItCrossed() throws Exception {
        rig.matrixMessage(ALICE, "depuis Matrix");
        await("to remote", () -> !rig.engine.links.last(ROOM, Direction.TO_REMOTE).isEmpty());
        rig.matrixMessage(ADMIN, "!bridge import");
        await("done", () -> rig.matrix.noticesIn(ROOM).size() >= 1 && progress().startsWith("Import terminé"));
        MessageLinkTable.Link old = rig.engine.links.byRemote(new RemoteMessageId("1")).get(0);
        assertThat(old.sentAt()).as("the remote message's own time").isEqualTo(1_600_000_001_000L);
        assertThat(old.createdAt()).as("crossed now").isGreaterThan(1_700_000_000_000L);
        MessageLinkTable.Link fromMatrix = rig.engine.links.last(ROOM, Direction.TO_REMOTE).orElseThrow();
        assertThat(fromMatrix.sentAt()).as("the event's origin_server_ts").isEqualTo(1_700_000_000_000L);
    }

    @Test
    void anInterruptedImportResumesAfterARestartWithoutDuplicates() throws Exception {
        await("start-up catch-up", () -> net.backfillCalls.get() >= 1);
        net.backfillDownFromCall = net.backfillCalls.get() + 2; // the import's second read fails
        rig.matrixMessage(ADMIN, "!bridge import");
        await("first batch", () -> progress().startsWith("Import : 3 messages jusqu'ici"));
        assertThat(bodies()).hasSize(3);
        rig.restart();
        net.backfillDownFromCall = Integer.MAX_VALUE;
        rig.engine.importer.resumeAll();
        await("done", () -> progress().startsWith("Import terminé"));
        Rig.settle();
        assertThat(bodies()).containsExactly("h1", "h2", "h3 répond à h2", "h4", "h5 dans le fil de h4", "h6", "h7");
        assertThat(progress()).isEqualTo("Import terminé : 7 messages copiés depuis Discord.");
    }

    @Test
    void aHistoryMessageStoredByAHomeserverThatRestartedBeforeAnsweringIsImportedOnce() throws Exception {
        await("start-up catch-up", () -> net.backfillCalls.get() >= 1);
        java.util.concurrent.atomic.AtomicBoolean once = new java.util.concurrent.atomic.AtomicBoolean();
        net.beforeHistory = () -> {
            if (once.compareAndSet(false, true)) {
                rig.matrix.loseNextAnswers(1); // the first message of the import: stored, its answer lost
            }
        };
        rig.matrixMessage(ADMIN, "!bridge import");
        await("h1 stored", () -> bodies().size() == 1);
        rig.matrix.forgetTransactionIds(); // the homeserver restarted before the import tried again
        await("done", () -> progress().startsWith("Import terminé"));
        Rig.settle();
        assertThat(bodies()).containsExactly("h1", "h2", "h3 répond à h2", "h4", "h5 dans le fil de h4", "h6", "h7");
    }

    @Test
    void aMessageSentByAnImportThatDiedBeforeStoringItsPositionIsNotSentAgainAfterBothRestarted() throws Exception {
        await("start-up catch-up", () -> net.backfillCalls.get() >= 1);
        net.backfillDownFromCall = net.backfillCalls.get() + 2; // the import stops after its first batch
        rig.matrixMessage(ADMIN, "!bridge import");
        await("first batch", () -> progress().startsWith("Import : 3 messages jusqu'ici"));
        rig.restart();
        rig.matrix.forgetTransactionIds(); // the homeserver restarted too
        // h4, sent by the run that died before it stored its position past h4
        rig.matrix.as(UserId.of("@_discord_43:coop.example")).sendEvent(ROOM, "m.room.message",
                Rig.text("h4").put(ToMatrix.MARKER, Txn.of(rig.engine.instance, "m", "4", 0)), "cb.m.dead-run");
        net.backfillDownFromCall = Integer.MAX_VALUE;
        rig.engine.importer.resumeAll();
        await("done", () -> progress().startsWith("Import terminé"));
        Rig.settle();
        assertThat(bodies()).containsExactly("h1", "h2", "h3 répond à h2", "h4", "h5 dans le fil de h4", "h6", "h7");
    }

    @Test
    void oneImportAtATime() throws Exception {
        await("start-up catch-up", () -> net.backfillCalls.get() >= 1);
        net.backfillDownFromCall = net.backfillCalls.get() + 2; // the import's second read fails
        rig.matrixMessage(ADMIN, "!bridge import");
        await("first batch", () -> bodies().size() == 3);
        rig.matrixMessage(ADMIN, "!bridge import");
        // the progress notice may be edited meanwhile: look for the answer among the notices
        await("answer", () -> rig.matrix.noticesIn(ROOM).stream()
                .anyMatch(n -> n.body().equals("Un import est déjà en cours dans ce salon.")));
        assertThat(bodies()).doesNotHaveDuplicates();
    }

    @Test
    void aFinishedImportIsNotRunTwice() throws Exception {
        rig.matrixMessage(ADMIN, "!bridge import");
        await("done", () -> progress().startsWith("Import terminé"));
        rig.matrixMessage(ADMIN, "!bridge import");
        await("answer", () -> rig.matrix.noticesIn(ROOM).stream()
                .anyMatch(n -> n.body().startsWith("L'historique a déjà été importé (7 messages)")));
        Rig.settle();
        assertThat(bodies()).hasSize(7);
    }
}
