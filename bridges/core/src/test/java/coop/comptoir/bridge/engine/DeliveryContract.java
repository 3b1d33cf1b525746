package coop.comptoir.bridge.engine;

import coop.comptoir.testing.RecordingMatrixClient;
import static coop.comptoir.bridge.engine.Rig.ALICE;
import static coop.comptoir.bridge.engine.Rig.BOB;
import static coop.comptoir.bridge.engine.Rig.CHANNEL;
import static coop.comptoir.bridge.engine.Rig.ROOM;
import static coop.comptoir.bridge.engine.Rig.await;
import static coop.comptoir.bridge.engine.Rig.remoteMessage;
import static coop.comptoir.bridge.engine.Rig.settle;
import static org.assertj.core.api.Assertions.assertThat;

import coop.comptoir.api.event.MatrixEvent;
import coop.comptoir.api.id.EventId;
import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.id.UserId;
import coop.comptoir.api.matrix.MatrixException;
import coop.comptoir.testing.MatrixCall;
import coop.comptoir.api.store.Database;
import coop.comptoir.bridge.api.RemoteChannelId;
import coop.comptoir.bridge.api.RemoteEvent;
import coop.comptoir.bridge.api.RemoteMessageId;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Delivery both ways as people see it, on one database dialect (see the subclasses). */
abstract class DeliveryContract {
    /** What a homeserver outage makes fail here: what writes to rooms or media. */
    static final MatrixCall[] WRITES = MatrixCall.writes().toArray(MatrixCall[]::new);
    static final UserId GHOST = UserId.of("@_discord_42:coop.example");
    TestConnector net;
    Rig rig;

    /** Opens the test database; each call a new connection pool on the same data (a restart). */
    abstract Supplier<Database> databases();

    @BeforeEach
    void setUp() throws Exception {
        net = new TestConnector();
        rig = new Rig(databases(), net, Rig.settings(List.of()), 3);
        rig.link();
        rig.start();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (rig != null) {
            rig.close();
        }
    }

    private List<String> postedBodies() {
        return net.posted.stream().map(TestConnector.Posted::body).toList();
    }

    private List<String> matrixBodies() {
        return rig.matrix.chatIn(ROOM).stream().map(RecordingMatrixClient.Sent::body).toList();
    }

    @Test
    void ghostsAndTheBotAreNeverBridgedBack() throws Exception {
        rig.remote(remoteMessage("1", BOB, "depuis Discord"));
        await("ghost message", () -> matrixBodies().size() == 1);
        RecordingMatrixClient.Sent sent = rig.matrix.chatIn(ROOM).get(0);
        // The homeserver hands the ghost's own event back to the appservice.
        rig.deliver(MatrixEvent.of(Rig.JSON.objectNode().put("type", "m.room.message").put("room_id", ROOM.value())
                .put("sender", GHOST.value()).put("event_id", sent.eventId().value()).set("content", sent.content())));
        rig.deliver(rig.event("m.room.message", Rig.BOT, Rig.text("notice du bot")));
        rig.deliver(rig.event("m.room.message", UserId.of("@_discord_99:coop.example"), Rig.text("autre fantôme")));
        settle();
        assertThat(net.posted).isEmpty();
    }

    @Test
    void aReplayedMatrixEventIsPostedOnceEvenAfterARestart() throws Exception {
        MatrixEvent e = rig.event("m.room.message", ALICE, Rig.text("une fois"));
        rig.deliver(e);
        rig.deliver(e);
        await("posted", () -> net.posted.size() == 1);
        rig.restart();
        rig.deliver(e);
        settle();
        assertThat(postedBodies()).containsExactly("une fois");
    }

    @Test
    void aMessagePostedWhoseAnswerWasLostIsLinkedNotPostedAgain() throws Exception {
        net.lostAnswers.set(1);
        rig.matrixMessage(ALICE, "une seule fois");
        await("posted and linked", () -> net.sendCalls.get() == 1 && net.lookups.get() >= 2);
        settle();
        assertThat(postedBodies()).as("what Discord shows").containsExactly("une seule fois");
        assertThat(net.sendCalls.get()).isEqualTo(1);
    }

    @Test
    void aMessagePostedByARunKilledBeforeItsLinkIsNotPostedAgainAfterTheRestart() throws Exception {
        rig.matrixMessage(ALICE, "avant");
        await("posted", () -> net.posted.size() == 1);
        rig.restart();
        int before = net.lookups.get();
        MatrixEvent e = rig.event("m.room.message", ALICE, Rig.text("pendant le crash"));
        net.postedByADeadRun(CHANNEL, new coop.comptoir.bridge.api.OutgoingRemoteMessage(
                new coop.comptoir.bridge.api.MatrixSender(ALICE, "Alice", java.util.Optional.empty()),
                coop.comptoir.bridge.api.MatrixContent.text("pendant le crash"), java.util.Optional.empty(),
                java.util.Optional.empty(), List.of()));
        rig.deliver(e);
        await("looked up", () -> net.lookups.get() == before + 1);
        rig.matrixMessage(ALICE, "après");
        await("the next one posted", () -> net.posted.size() == 3);
        settle();
        assertThat(postedBodies()).containsExactly("avant", "pendant le crash", "après");
        assertThat(net.lookups.get()).as("only the room's first delivery since the start looks").isEqualTo(before + 1);
    }

    @Test
    void theRemoteEchoOfABridgedMatrixMessageNeverComesBackEvenAfterARestart() throws Exception {
        rig.matrixMessage(ALICE, "aller");
        await("posted", () -> net.posted.size() == 1);
        RemoteMessageId echoed = net.posted.get(0).id();
        rig.restart();
        rig.remote(new RemoteEvent.Message(CHANNEL, echoed, BOB, java.time.Instant.now(),
                coop.comptoir.bridge.api.MatrixContent.text("aller"), java.util.Optional.empty(), java.util.Optional.empty(), List.of()));
        settle();
        assertThat(matrixBodies()).isEmpty();
    }

    @Test
    void aRemoteMessageGivenTwiceIsSentOnce() {
        rig.remote(remoteMessage("1", BOB, "un"));
        rig.remote(remoteMessage("1", BOB, "un"));
        rig.remote(remoteMessage("2", BOB, "deux"));
        await("two", () -> matrixBodies().size() == 2);
        settle();
        assertThat(matrixBodies()).containsExactly("un", "deux");
    }

    @Test
    void whileTheRemoteSideIsDownMessagesWaitAndThenArriveInOrderOnce() throws Exception {
        net.down(4);
        for (int i = 1; i <= 5; i++) {
            rig.matrixMessage(ALICE, "m" + i);
        }
        await("all posted", () -> net.posted.size() == 5);
        settle();
        assertThat(postedBodies()).containsExactly("m1", "m2", "m3", "m4", "m5");
        assertThat(net.sendCalls.get()).isEqualTo(5 + 4);
    }

    @Test
    void whileMatrixIsDownRemoteMessagesWaitAndThenArriveInOrderOnce() {
        rig.matrix.failNext(3, new MatrixException(502, "M_UNKNOWN", "Bad Gateway"), WRITES);
        for (int i = 1; i <= 5; i++) {
            rig.remote(remoteMessage(String.valueOf(i), BOB, "r" + i));
        }
        await("all sent", () -> matrixBodies().size() == 5);
        settle();
        assertThat(matrixBodies()).containsExactly("r1", "r2", "r3", "r4", "r5");
    }

    @Test
    void aMessageRefusedForGoodIsReportedOnceAndTheOthersGoOn() throws Exception {
        net.permanent = true;
        EventId refused = rig.matrixMessage(ALICE, "refusé");
        await("notice", () -> rig.matrix.noticesIn(ROOM).size() == 1);
        net.permanent = false;
        rig.matrixMessage(ALICE, "accepté");
        await("next one", () -> net.posted.size() == 1);
        settle();
        List<RecordingMatrixClient.Sent> notices = rig.matrix.noticesIn(ROOM);
        assertThat(notices).hasSize(1);
        assertThat(notices.get(0).body()).isEqualTo("Ce message n'a pas pu être transmis sur Discord : Missing Permissions");
        assertThat(notices.get(0).relatesTo().path("m.in_reply_to").path("event_id").asText()).isEqualTo(refused.value());
        assertThat(postedBodies()).containsExactly("accepté");
    }

    @Test
    void pendingMessagesAreDeliveredAfterARestartInOrder() throws Exception {
        net.down(1_000_000);
        rig.matrixMessage(ALICE, "avant 1");
        rig.matrixMessage(ALICE, "avant 2");
        rig.matrix.failUntilCleared(new MatrixException(0, MatrixException.NETWORK, "down"), WRITES);
        rig.remote(remoteMessage("1", BOB, "de Discord 1"));
        rig.remote(remoteMessage("2", BOB, "de Discord 2"));
        settle();
        rig.plugin.close();
        net.down(0);
        rig.matrix.clearFaults();
        rig.restart();
        await("posted", () -> net.posted.size() == 2);
        await("sent", () -> matrixBodies().size() == 2);
        settle();
        assertThat(postedBodies()).containsExactly("avant 1", "avant 2");
        assertThat(matrixBodies()).containsExactly("de Discord 1", "de Discord 2");
    }

    @Test
    void afterAReconnectionMissedMessagesAreFetchedInOrderWithoutDuplicates() {
        net.addHistory(remoteMessage("1", BOB, "vu en direct"));
        rig.remote(remoteMessage("1", BOB, "vu en direct"));
        await("live", () -> matrixBodies().size() == 1);
        rig.engine.connectionChanged(false, "gateway closed");
        for (int i = 2; i <= 8; i++) {
            net.addHistory(remoteMessage(String.valueOf(i), BOB, "manqué " + i));
        }
        rig.engine.connectionChanged(true, "back");
        rig.remote(remoteMessage("9", BOB, "nouveau"));
        await("caught up", () -> matrixBodies().size() == 9);
        settle();
        assertThat(matrixBodies()).containsExactly("vu en direct", "manqué 2", "manqué 3", "manqué 4", "manqué 5", "manqué 6",
                "manqué 7", "manqué 8", "nouveau");
    }

    @Test
    void aLiveMessageComingBeforeTheCatchUpTaskRunsStillMarksWhereTheChannelStands() throws Exception {
        // The channel was empty when linked: no known position. Keep every bridge thread busy so that
        // the catch-up after a reconnection waits, and a live message comes in before it runs.
        List<RoomId> others = List.of(RoomId.of("!atelier:" + Rig.SERVER), RoomId.of("!jardin:" + Rig.SERVER));
        for (int i = 0; i < others.size(); i++) {
            rig.matrix.addMember(others.get(i), Rig.BOT);
            assertThat(rig.engine.link(others.get(i), new RemoteChannelId("60" + i), Rig.ADMIN)).isTrue();
        }
        java.util.concurrent.CountDownLatch busy = new java.util.concurrent.CountDownLatch(3);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        net.beforeSend = () -> {
            busy.countDown();
            try {
                release.await(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        rig.matrixMessage(ALICE, "occupé");
        for (RoomId other : others) {
            rig.matrixMessage(other, ALICE, "occupé");
        }
        assertThat(busy.await(10, java.util.concurrent.TimeUnit.SECONDS)).as("three sends in flight").isTrue();
        rig.engine.connectionChanged(false, "gateway closed");
        rig.engine.connectionChanged(true, "back");
        net.addHistory(remoteMessage("1", BOB, "en direct"));
        rig.remote(remoteMessage("1", BOB, "en direct"));
        release.countDown();
        await("live", () -> matrixBodies().size() == 1);
        settle();
        rig.engine.connectionChanged(false, "gateway closed");
        net.addHistory(remoteMessage("2", BOB, "manqué 2"));
        net.addHistory(remoteMessage("3", BOB, "manqué 3"));
        rig.engine.connectionChanged(true, "back");
        await("caught up", () -> matrixBodies().size() == 3);
        settle();
        assertThat(matrixBodies()).containsExactly("en direct", "manqué 2", "manqué 3");
    }

    @Test
    void afterARestartMessagesPostedMeanwhileAreFetched() throws Exception {
        net.addHistory(remoteMessage("1", BOB, "avant"));
        rig.remote(remoteMessage("1", BOB, "avant"));
        await("live", () -> matrixBodies().size() == 1);
        rig.plugin.close();
        net.addHistory(remoteMessage("2", BOB, "pendant la panne"));
        net.addHistory(remoteMessage("3", BOB, "toujours pendant"));
        rig.restart();
        await("caught up", () -> matrixBodies().size() == 3);
        settle();
        assertThat(matrixBodies()).containsExactly("avant", "pendant la panne", "toujours pendant");
    }

    @Test
    void messagesPostedWhileDownAreFetchedEvenBeforeTheFirstBridgedOne() throws Exception {
        RoomId other = RoomId.of("!atelier:" + Rig.SERVER);
        RemoteChannelId channel = new RemoteChannelId("777");
        rig.matrix.addMember(other, Rig.BOT);
        net.addHistory(new RemoteEvent.Message(channel, new RemoteMessageId("70"), BOB, java.time.Instant.now(),
                coop.comptoir.bridge.api.MatrixContent.text("bien avant le lien"), java.util.Optional.empty(),
                java.util.Optional.empty(), List.of()));
        rig.engine.link(other, channel, Rig.ADMIN);
        rig.plugin.close();
        net.addHistory(new RemoteEvent.Message(channel, new RemoteMessageId("71"), BOB, java.time.Instant.now(),
                coop.comptoir.bridge.api.MatrixContent.text("pendant la panne"), java.util.Optional.empty(),
                java.util.Optional.empty(), List.of()));
        rig.restart();
        await("caught up", () -> rig.matrix.chatIn(other).size() == 1);
        settle();
        assertThat(rig.matrix.chatIn(other)).extracting(RecordingMatrixClient.Sent::body).containsExactly("pendant la panne");
    }
}
