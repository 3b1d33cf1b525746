package coop.comptoir.bridge.engine;

import static coop.comptoir.bridge.engine.Rig.BOB;
import static coop.comptoir.bridge.engine.Rig.ROOM;
import static coop.comptoir.bridge.engine.Rig.await;
import static coop.comptoir.bridge.engine.Rig.remoteMessage;
import static coop.comptoir.bridge.engine.Rig.settle;
import static org.assertj.core.api.Assertions.assertThat;

import coop.comptoir.api.id.EventId;
import coop.comptoir.api.matrix.MatrixException;
import coop.comptoir.bridge.api.RemoteMessageId;
import coop.comptoir.testing.MatrixCall;
import coop.comptoir.testing.RecordingMatrixClient;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A remote message whose send to Matrix was stored by the homeserver but not answered, then retried
 * after the homeserver restarted (it forgot the transaction IDs): one Matrix event, counted in the
 * kit homeserver's record of every event created (it folds nothing once it has forgotten).
 */
class UnknownOutcomeTest {
    @TempDir
    Path dir;
    TestConnector net;
    Rig rig;

    @BeforeEach
    void setUp() throws Exception {
        net = new TestConnector();
        rig = Rig.linkedOnSqlite(dir, net, Rig.settings(List.of()));
    }

    @AfterEach
    void tearDown() throws Exception {
        rig.close();
    }

    private List<String> matrixBodies() {
        return rig.matrix.chatIn(ROOM).stream().map(RecordingMatrixClient.Sent::body).toList();
    }

    private Optional<EventId> linked(String remoteId) {
        return rig.engine.links.eventOf(ROOM, new RemoteMessageId(remoteId));
    }

    private long lookups() {
        return rig.matrix.requests().stream().filter(r -> r.path().contains("/messages?")).count();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 504})
    void aMessageStoredByAHomeserverThatStoppedBeforeAnsweringIsShownOnceAfterItsRestart(int status) throws Exception {
        rig.remote(remoteMessage("1", BOB, "avant"));
        await("the first message", () -> linked("1").isPresent());
        rig.matrix.loseNextAnswers(1, status == 0 ? null : new MatrixException(504, "M_UNKNOWN", "Gateway timeout"));

        rig.remote(remoteMessage("2", BOB, "au moment de l'arrêt"));
        await("stored by the homeserver", () -> matrixBodies().size() == 2);
        rig.matrix.forgetTransactionIds(); // Synapse restarted: the retry's transaction ID is new to it
        await("linked by the retry", () -> linked("2").isPresent());
        rig.remote(remoteMessage("3", BOB, "après"));
        await("the next message", () -> linked("3").isPresent());
        settle();

        assertThat(matrixBodies()).as("what Matrix shows").containsExactly("avant", "au moment de l'arrêt", "après");
        assertThat(linked("2")).contains(rig.matrix.chatIn(ROOM).get(1).eventId());
    }

    @Test
    void aHomeserverStillUnableToAnswerTheLookupIsAskedAgainLaterNotSentBlindly() throws Exception {
        rig.remote(remoteMessage("1", BOB, "avant"));
        await("the first message", () -> linked("1").isPresent());
        rig.matrix.loseNextAnswers(1);
        rig.remote(remoteMessage("2", BOB, "au moment de l'arrêt"));
        await("stored by the homeserver", () -> matrixBodies().size() == 2);
        rig.matrix.forgetTransactionIds();
        rig.matrix.failNext(1, new MatrixException(0, MatrixException.NETWORK, "connection refused"), MatrixCall.REQUEST);

        await("linked by the second retry", () -> linked("2").isPresent());
        settle();

        assertThat(rig.matrix.failuresLeft()).as("the first lookup failed").isZero();
        assertThat(matrixBodies()).containsExactly("avant", "au moment de l'arrêt");
    }

    @Test
    void aSendRefusedBeforeItWasStoredIsSentOnceItsLookupFindsNothing() throws Exception {
        rig.remote(remoteMessage("1", BOB, "avant"));
        await("the first message", () -> linked("1").isPresent());
        rig.matrix.failNext(1); // a 502 before the homeserver stored anything

        rig.remote(remoteMessage("2", BOB, "pendant la panne"));
        await("sent by the retry", () -> linked("2").isPresent());

        assertThat(matrixBodies()).containsExactly("avant", "pendant la panne");
        assertThat(rig.matrix.chatIn(ROOM).get(1).content().path(ToMatrix.MARKER).asText())
                .as("the marker a later lookup finds").isEqualTo(Txn.of(rig.engine.instance, "m", "2", 0));
    }

    @Test
    void deliveriesThatGoWellDoNotReadTheRoomExceptTheFirstOneAfterAStart() throws Exception {
        for (int i = 1; i <= 4; i++) {
            rig.remote(remoteMessage(String.valueOf(i), BOB, "message " + i));
        }
        await("delivered", () -> linked("4").isPresent());
        assertThat(lookups()).as("the room's first delivery since the start, which may follow a crash mid-send").isEqualTo(1);

        rig.restart();
        rig.matrix.forgetTransactionIds();
        rig.remote(remoteMessage("5", BOB, "message 5"));
        rig.remote(remoteMessage("6", BOB, "message 6"));
        await("delivered after the restart", () -> linked("6").isPresent());
        settle();

        assertThat(lookups()).isEqualTo(2);
        assertThat(matrixBodies()).containsExactly("message 1", "message 2", "message 3", "message 4", "message 5", "message 6");
    }

    @Test
    void aMessageSentByARunKilledBeforeItsLinkIsFoundAfterTheRestartEvenIfTheHomeserverRestartedToo() throws Exception {
        rig.remote(remoteMessage("1", BOB, "avant"));
        await("the first message", () -> linked("1").isPresent());
        rig.restart();
        rig.matrix.forgetTransactionIds();
        // what the dead run sent: stored by the homeserver, its link never written
        EventId stored = rig.matrix.as(DeliveryContract.GHOST).sendEvent(ROOM, "m.room.message", Rig.text("pendant le crash")
                .put(ToMatrix.MARKER, Txn.of(rig.engine.instance, "m", "2", 0)), "cb.m.dead-run");

        rig.remote(remoteMessage("2", BOB, "pendant le crash"));
        await("linked", () -> linked("2").isPresent());
        settle();

        assertThat(matrixBodies()).containsExactly("avant", "pendant le crash");
        assertThat(linked("2")).contains(stored);
    }
}
