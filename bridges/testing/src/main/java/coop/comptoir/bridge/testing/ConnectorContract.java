package coop.comptoir.bridge.testing;

import static coop.comptoir.bridge.testing.BridgeHarness.ALICE;
import static org.assertj.core.api.Assertions.assertThat;

import coop.comptoir.api.id.EventId;
import coop.comptoir.bridge.testing.BridgeHarness.Bridged;
import coop.comptoir.bridge.testing.RemoteDriver.RemoteMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every bridge connector must do, checked end to end: the connector made by its factory, the
 * real engine, a homeserver in memory ({@link BridgeHarness}) and the connector's fake remote
 * server, driven through a {@link RemoteDriver}. Extend it in the connector's tests:
 *
 * <pre>{@code
 * class DiscordContractTest extends ConnectorContract {
 *     @Override
 *     protected RemoteDriver remote() throws Exception {
 *         return new FakeDiscordDriver(FakeDiscord.start());
 *     }
 * }
 * }</pre>
 *
 * <p>The contract: a burst of messages keeps its order both ways and arrives once; what the bridge
 * posts never comes back (echo guard); edits, deletions and replies go both ways and land on the
 * right message; messages posted on either side while the bridge was stopped arrive once, in
 * order, after it starts again. A connector that lacks a capability fails the matching test: it is
 * part of the contract, not an option.
 */
@Timeout(120)
public abstract class ConnectorContract {
    /** Messages in a burst. */
    protected static final int BURST = 12;
    /** How long "nothing more happens" is watched for. */
    protected static final Duration QUIET = Duration.ofMillis(1500);

    @TempDir
    Path dir;
    /** The remote side, made by {@link #remote()} before each test. */
    protected RemoteDriver remote;
    /** The Matrix side and the bridge. */
    protected BridgeHarness bridge;

    /** A driver over a freshly started fake remote server, with one channel to bridge. Called before each test. */
    protected abstract RemoteDriver remote() throws Exception;

    @BeforeEach
    final void startBridge() throws Exception {
        remote = remote();
        bridge = BridgeHarness.start(remote.factory(), remote.connectorSettings(), remote.channel(), dir);
    }

    @AfterEach
    final void stopBridge() {
        try {
            if (bridge != null) {
                bridge.close();
            }
        } finally {
            if (remote != null) {
                remote.close();
            }
        }
    }

    // ---- ordering ----

    @Test
    void aBurstFromMatrixArrivesOnceInOrder() throws Exception {
        List<String> sent = IntStream.rangeClosed(1, BURST).mapToObj(i -> String.format("matrix %02d", i)).toList();
        for (String s : sent) {
            bridge.matrixSays(ALICE, s);
        }
        bridge.await("the " + BURST + " messages on the remote side", () -> byBridge().size() >= BURST);
        bridge.settle(QUIET);
        assertThat(byBridge()).extracting(RemoteMessage::text).containsExactlyElementsOf(sent);
    }

    @Test
    void aBurstFromTheRemoteSideArrivesOnceInOrder() {
        List<String> sent = IntStream.rangeClosed(1, BURST).mapToObj(i -> String.format("remote %02d", i)).toList();
        for (String s : sent) {
            remote.post(s);
        }
        bridge.await("the " + BURST + " messages on Matrix", () -> bridge.bridgedPosts().size() >= BURST);
        bridge.settle(QUIET);
        assertThat(bridge.bridgedPosts()).extracting(Bridged::body).containsExactlyElementsOf(sent);
    }

    // ---- echo guard ----

    @Test
    void whatTheBridgePostsNeverComesBack() throws Exception {
        bridge.matrixSays(ALICE, "from matrix");
        bridge.await("the Matrix message on the remote side", () -> byBridge().size() == 1);
        remote.post("from remote");
        bridge.await("the remote message on Matrix", () -> bridge.bridgedPosts().size() == 1);
        bridge.settle(QUIET);
        assertThat(bridge.bridgedPosts()).extracting(Bridged::body).containsExactly("from remote");
        assertThat(remote.messages()).extracting(RemoteMessage::text).containsExactly("from matrix", "from remote");
    }

    // ---- edits ----

    @Test
    void aMatrixEditChangesTheRemoteCopy() throws Exception {
        EventId original = bridge.matrixSays(ALICE, "before the edit");
        bridge.await("the message on the remote side", () -> byBridge().size() == 1);
        humanPause();
        String copy = byBridge().get(0).id();
        bridge.matrixEdits(ALICE, original, "after the edit");
        bridge.await("the remote copy edited", () -> remoteText(copy).map(t -> t.contains("after the edit")).orElse(false));
        bridge.settle(QUIET);
        assertThat(byBridge()).extracting(RemoteMessage::id).containsExactly(copy);
    }

    @Test
    void aRemoteEditReplacesTheMatrixCopy() {
        String id = remote.post("bonjour");
        bridge.await("the message on Matrix", () -> bridge.bridgedPosts().size() == 1);
        humanPause();
        EventId copy = bridge.bridgedPosts().get(0).id();
        remote.edit(id, "bonsoir");
        bridge.await("the edit on Matrix", () -> bridge.bridgedMessages().stream().anyMatch(b -> b.replaces().isPresent()));
        bridge.settle(QUIET);
        assertThat(bridge.bridgedMessages()).filteredOn(b -> b.replaces().isPresent()).singleElement().satisfies(b -> {
            assertThat(b.replaces()).contains(copy);
            assertThat(b.body()).isEqualTo("bonsoir");
        });
    }

    // ---- deletions ----

    @Test
    void aMatrixRedactionDeletesTheRemoteCopy() throws Exception {
        EventId original = bridge.matrixSays(ALICE, "to be deleted");
        bridge.await("the message on the remote side", () -> byBridge().size() == 1);
        humanPause();
        bridge.matrixRedacts(ALICE, original);
        bridge.await("the remote copy deleted", () -> byBridge().isEmpty());
    }

    @Test
    void aRemoteDeletionRedactsTheMatrixCopy() {
        String id = remote.post("oops");
        bridge.await("the message on Matrix", () -> bridge.bridgedPosts().size() == 1);
        humanPause();
        EventId copy = bridge.bridgedPosts().get(0).id();
        remote.delete(id);
        bridge.await("the Matrix copy redacted", () -> bridge.redacted().contains(copy));
        bridge.settle(QUIET);
        assertThat(bridge.redacted()).containsExactly(copy);
    }

    // ---- replies ----

    @Test
    void aMatrixReplyAnswersTheRemoteMessage() throws Exception {
        String question = remote.post("a question");
        bridge.await("the question on Matrix", () -> bridge.bridgedPosts().size() == 1);
        humanPause();
        bridge.matrixReplies(ALICE, bridge.bridgedPosts().get(0).id(), "an answer");
        bridge.await("the answer on the remote side", () -> byBridge().size() == 1);
        RemoteMessage answer = byBridge().get(0);
        assertThat(answer.text()).contains("an answer");
        assertThat(answer.replyTo()).contains(question);
    }

    @Test
    void aRemoteReplyAnswersTheMatrixMessage() throws Exception {
        EventId announcement = bridge.matrixSays(ALICE, "an announcement");
        bridge.await("the announcement on the remote side", () -> byBridge().size() == 1);
        humanPause();
        remote.reply(byBridge().get(0).id(), "thanks");
        bridge.await("the reply on Matrix", () -> bridge.bridgedPosts().size() == 1);
        Bridged reply = bridge.bridgedPosts().get(0);
        assertThat(reply.body()).contains("thanks");
        assertThat(reply.inReplyTo()).contains(announcement);
    }

    // ---- restart ----

    @Test
    void remoteMessagesPostedWhileTheBridgeWasStoppedArriveOnceInOrder() throws Exception {
        remote.post("before the stop");
        bridge.await("the first message on Matrix", () -> bridge.bridgedPosts().size() == 1);
        bridge.stop();
        List<String> meanwhile = List.of("while stopped 1", "while stopped 2", "while stopped 3");
        for (String s : meanwhile) {
            remote.postWhileBridgeStopped(s);
        }
        bridge.start();
        bridge.await("the messages of the stop on Matrix", () -> bridge.bridgedPosts().size() >= 4);
        bridge.settle(QUIET);
        assertThat(bridge.bridgedPosts()).extracting(Bridged::body)
                .containsExactly("before the stop", "while stopped 1", "while stopped 2", "while stopped 3");
    }

    @Test
    void matrixMessagesSentWhileTheBridgeWasStoppedArriveOnceInOrder() throws Exception {
        bridge.matrixSays(ALICE, "before the stop");
        bridge.await("the first message on the remote side", () -> byBridge().size() == 1);
        bridge.stop();
        List<String> meanwhile = List.of("while stopped 1", "while stopped 2", "while stopped 3");
        for (String s : meanwhile) {
            bridge.matrixSays(ALICE, s);
        }
        bridge.start();
        bridge.await("the messages of the stop on the remote side", () -> byBridge().size() >= 4);
        bridge.settle(QUIET);
        assertThat(byBridge()).extracting(RemoteMessage::text)
                .containsExactly("before the stop", "while stopped 1", "while stopped 2", "while stopped 3");
    }

    // ---- helpers ----

    /**
     * The moment a person takes before answering, editing or deleting what they just saw: the
     * bridge records which copy stands for which message right after posting it, and an action
     * on a copy that fast (milliseconds) is not what people do.
     */
    protected void humanPause() {
        bridge.settle(Duration.ofMillis(500));
    }

    /** The messages the bridge posted on the remote side, oldest first. */
    protected List<RemoteMessage> byBridge() {
        return remote.messages().stream().filter(RemoteMessage::byBridge).toList();
    }

    private Optional<String> remoteText(String id) {
        return remote.messages().stream().filter(m -> m.id().equals(id)).map(RemoteMessage::text).findFirst();
    }
}
