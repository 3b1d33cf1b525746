package coop.comptoir.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import coop.comptoir.e2e.rig.Events;
import coop.comptoir.e2e.rig.MatrixTestClient;
import coop.comptoir.e2e.rig.Rig;
import coop.comptoir.e2e.rig.RunningComptoir;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A crash loses nothing and repeats nothing: Comptoir is killed (SIGKILL) while commands keep
 * arriving, then started again; the homeserver retries what was not acknowledged (backoff from
 * 2 s), and every command gets exactly one answer.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class RestartE2ETest {
    private static final int PINGS = 60;
    private static final int KILL_AFTER = 20;
    private static final Duration PING_INTERVAL = Duration.ofMillis(100);
    /** Synapse's retries back off 2, 4, 8, 16 s…: a restart of a few seconds is caught within this. */
    private static final Duration ALL_ANSWERED_WITHIN = Duration.ofSeconds(90);
    /** How long to keep looking for late duplicates once every command has an answer. */
    private static final Duration QUIET_PERIOD = Duration.ofSeconds(6);

    @RegisterExtension
    static final RunningComptoir COMPTOIR = new RunningComptoir("restart");

    private static final Rig rig = Rig.get();

    @Test
    @Tag("dendrite")
    void everyCommandIsAnsweredExactlyOnceAcrossAKill() throws Exception {
        String bot = rig.botUserId();
        MatrixTestClient alice = rig.newUser("alice");
        String room = alice.createRoom(bot);
        alice.awaitEvent(room, Events.membership(bot, "join"), Duration.ofSeconds(30));

        AtomicReferenceArray<String> pings = new AtomicReferenceArray<>(PINGS);
        CountDownLatch killPoint = new CountDownLatch(KILL_AFTER);
        CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
            for (int n = 1; n <= PINGS; n++) {
                pings.set(n - 1, alice.sendText(room, "!ping " + n));
                killPoint.countDown();
                sleep(PING_INTERVAL);
            }
        });

        assertThat(killPoint.await(60, TimeUnit.SECONDS)).as("%d pings sent", KILL_AFTER).isTrue();
        COMPTOIR.process().kill();
        COMPTOIR.process().start();
        sending.get(2, TimeUnit.MINUTES);

        List<String> sent = new ArrayList<>();
        for (int i = 0; i < PINGS; i++) {
            sent.add(pings.get(i));
        }
        awaitAnswers(alice, room, bot, sent);
        Thread.sleep(QUIET_PERIOD.toMillis());
        Map<String, Long> answers = countAnswers(alice.roomMessages(room), bot, sent);

        List<Integer> missing = new ArrayList<>();
        Map<Integer, Long> repeated = new TreeMap<>();
        for (int i = 0; i < PINGS; i++) {
            long count = answers.getOrDefault(sent.get(i), 0L);
            if (count == 0) {
                missing.add(i + 1);
            } else if (count > 1) {
                repeated.put(i + 1, count);
            }
        }
        String why = "pings without an answer " + missing + ", answered more than once (n=count) "
                + repeated + "; Comptoir log " + COMPTOIR.process().logFile() + ", Synapse log " + rig.synapse().logFile();
        assertThat(missing).as(why).isEmpty();
        assertThat(repeated).as(why).isEmpty();
    }

    /** Polls {@code /messages} until every command has at least one answer, or the time is up. */
    private static void awaitAnswers(MatrixTestClient client, String room, String bot, List<String> sent)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(ALL_ANSWERED_WITHIN);
        Map<String, Long> answers = countAnswers(client.roomMessages(room), bot, sent);
        while (!answers.keySet().containsAll(sent) && Instant.now().isBefore(deadline)) {
            Thread.sleep(1000);
            answers = countAnswers(client.roomMessages(room), bot, sent);
        }
    }

    /** Number of bot messages replying to each of the commands (commands without an answer absent). */
    private static Map<String, Long> countAnswers(List<JsonNode> events, String bot, List<String> commands) {
        return events.stream()
                .filter(Events.messageFrom(bot))
                .map(Events::inReplyTo)
                .filter(commands::contains)
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
