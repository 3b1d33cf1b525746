package coop.comptoir.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import coop.comptoir.e2e.rig.Events;
import coop.comptoir.e2e.rig.MatrixTestClient;
import coop.comptoir.e2e.rig.Names;
import coop.comptoir.e2e.rig.Rig;
import coop.comptoir.e2e.rig.RunningComptoir;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Users of a plugin's namespace come to life on demand: inviting a ghost that does not exist yet
 * makes the homeserver ask Comptoir (user query), which registers it; the ghost then acts on its
 * own. Uses the test-only {@code echo-ghost} plugin (owns {@code @_echo_.*}).
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class GhostUserE2ETest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final RunningComptoir COMPTOIR = new RunningComptoir("ghost-user");

    private static final Rig rig = Rig.get();

    @Test
    void invitedGhostIsCreatedNamedAndJoinsAndSpeaks() throws InterruptedException {
        int n = Names.uniqueNumber();
        String ghost = "@_echo_" + n + ":" + Rig.SERVER_NAME;
        assertThat(rig.registration().ownsUser(ghost))
                .as("generate-registration puts the echo-ghost namespace in %s: %s",
                        rig.registration().file(), rig.registration().userRegexes())
                .isTrue();
        MatrixTestClient alice = rig.newUser("alice");
        String room = alice.createRoom();

        alice.invite(room, ghost);

        alice.awaitEvent(room, Events.membership(ghost, "join"), WAIT);
        alice.awaitEvent(room, Events.messageFrom(ghost).and(Events.bodyContains("bonjour")), WAIT);
        assertThat(awaitDisplayName(alice, ghost, "Écho " + n, Duration.ofSeconds(15)))
                .as("display name of %s", ghost)
                .contains("Écho " + n);
    }

    /** The user's display name once it equals {@code expected}, or the last one seen after the timeout. */
    private static Optional<String> awaitDisplayName(MatrixTestClient client, String user, String expected,
            Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        Optional<String> name = client.displayName(user);
        while (!name.equals(Optional.of(expected)) && Instant.now().isBefore(deadline)) {
            Thread.sleep(250);
            name = client.displayName(user);
        }
        return name;
    }
}
