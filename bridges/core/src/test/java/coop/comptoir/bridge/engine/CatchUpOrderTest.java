package coop.comptoir.bridge.engine;

import coop.comptoir.testing.RecordingMatrixClient;
import static coop.comptoir.bridge.engine.Rig.BOB;
import static coop.comptoir.bridge.engine.Rig.CHANNEL;
import static coop.comptoir.bridge.engine.Rig.ROOM;
import static coop.comptoir.bridge.engine.Rig.await;
import static org.assertj.core.api.Assertions.assertThat;

import coop.comptoir.bridge.api.BridgeException;
import coop.comptoir.bridge.api.MatrixContent;
import coop.comptoir.bridge.api.RemoteEvent;
import coop.comptoir.bridge.api.RemoteMessageId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * A burst posted on the remote side while the bridge catches up (after a reconnection, or right
 * after a start) reaches Matrix in its order, whether each message first comes live or from the
 * history: remote networks give several messages the same millisecond.
 */
class CatchUpOrderTest extends LinkedEngineTest {
    private static final Instant SAME_MILLISECOND = Instant.parse("2026-12-01T10:00:00.123Z");
    private final Gate gate = new Gate();

    /** Holds the next history read until it is opened. */
    static final class Gate {
        volatile CountDownLatch reading;
        final CountDownLatch open = new CountDownLatch(1);
    }

    @Override
    void prepare(TestConnector network) {
        network.addHistory(message(0)); // where the channel stood when linked
    }

    private static RemoteEvent.Message message(int n) {
        return new RemoteEvent.Message(CHANNEL, new RemoteMessageId("m" + n), BOB, SAME_MILLISECOND,
                MatrixContent.text("burst " + n), Optional.empty(), Optional.empty(), List.of());
    }

    @Test
    void aBurstDuringACatchUpKeepsItsOrder() throws Exception {
        await("the first catch-up done", () -> net.backfillCalls.get() >= 1);
        Rig.settle();
        TestConnector gated = net;
        CountDownLatch reading = new CountDownLatch(1);
        gate.reading = reading;
        // the next history read waits for the gate: live messages come meanwhile
        GatedHistory.install(gated, gate);
        gated.host.connectionChanged(false, "drop");
        gated.host.connectionChanged(true, "back");
        assertThat(reading.await(10, TimeUnit.SECONDS)).as("the catch-up reads the history").isTrue();
        IntStream.rangeClosed(1, 6).forEach(i -> gated.addHistory(message(i)));
        for (int i = 1; i <= 3; i++) {
            rig.remote(message(i)); // live copies of the first half
        }
        gate.open.countDown();
        await("six messages on Matrix", () -> rig.matrix.chatIn(ROOM).size() >= 6);
        Rig.settle();
        assertThat(rig.matrix.chatIn(ROOM)).extracting(RecordingMatrixClient.Sent::body)
                .containsExactly("burst 1", "burst 2", "burst 3", "burst 4", "burst 5", "burst 6");
    }

    /** Makes {@link TestConnector#messagesAfter} wait at the gate once. */
    static final class GatedHistory {
        static void install(TestConnector net, Gate gate) {
            net.beforeHistory = () -> {
                CountDownLatch r = gate.reading;
                if (r != null) {
                    gate.reading = null;
                    r.countDown();
                    try {
                        if (!gate.open.await(10, TimeUnit.SECONDS)) {
                            throw BridgeException.retryable("gate never opened", null, null);
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            };
        }
    }
}
