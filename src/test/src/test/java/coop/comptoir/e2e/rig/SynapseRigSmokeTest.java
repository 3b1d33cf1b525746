package coop.comptoir.e2e.rig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The rig without Comptoir: a Synapse of its own (no appservice), users registered through the
 * admin API, and the client's waiting and paging. When the end-to-end tests fail, this one says
 * whether the homeserver side is at fault.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class SynapseRigSmokeTest {
    private static Synapse synapse;

    @BeforeAll
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    static void start() throws Exception {
        synapse = new Synapse(RigSettings.workDir().resolve("synapse-smoke"), SynapseInstaller.ensureInstalled(),
                "smoke.test");
        synapse.start(List.of());
    }

    @AfterAll
    static void stop() {
        if (synapse != null) {
            synapse.close();
        }
    }

    @Test
    void registeredUsersTalkInARoom() {
        MatrixTestClient alice = MatrixTestClient.register(synapse, Names.unique("alice"));
        MatrixTestClient bob = MatrixTestClient.register(synapse, Names.unique("bob"));
        assertThat(alice.userId()).startsWith("@alice_").endsWith(":smoke.test");

        String room = alice.createRoom(bob.userId());
        bob.join(room);
        alice.setDisplayName("Alice Épicière");
        String sent = alice.sendText(room, "bonjour Bob");

        var received = bob.awaitEvent(room, Events.messageFrom(alice.userId()).and(Events.bodyContains("BONJOUR")),
                Duration.ofSeconds(20));
        assertThat(received.path("event_id").asText()).isEqualTo(sent);
        assertThat(bob.displayName(alice.userId())).contains("Alice Épicière");
        assertThat(bob.joinedMembers(room)).containsExactlyInAnyOrder(alice.userId(), bob.userId());
    }

    @Test
    void roomMessagesPagesThroughABusyRoomOldestFirst() {
        MatrixTestClient carol = MatrixTestClient.register(synapse, Names.unique("carol"));
        String room = carol.createRoom();
        for (int n = 1; n <= 120; n++) {
            carol.sendText(room, "message " + n);
        }

        List<String> bodies = carol.roomMessages(room).stream()
                .filter(Events.messageFrom(carol.userId()))
                .map(e -> e.path("content").path("body").asText())
                .toList();

        assertThat(bodies).hasSize(120).startsWith("message 1", "message 2").endsWith("message 120");
    }

    @Test
    void awaitEventFailsListingWhatItSaw() {
        MatrixTestClient dave = MatrixTestClient.register(synapse, Names.unique("dave"));
        String room = dave.createRoom();
        dave.sendText(room, "only this");

        assertThatThrownBy(() -> dave.awaitEvent(room, Events.bodyContains("never sent"), Duration.ofSeconds(2)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("\"only this\"")
                .hasMessageContaining("m.room.create");
    }
}
