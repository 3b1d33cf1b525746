package coop.comptoir.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import coop.comptoir.e2e.rig.Events;
import coop.comptoir.e2e.rig.MatrixTestClient;
import coop.comptoir.e2e.rig.Rig;
import coop.comptoir.e2e.rig.RunningComptoir;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What a member sees first: the bot comes when invited and answers {@code !ping}. */
@Tag("dendrite")
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class JoinAndPingE2ETest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final RunningComptoir COMPTOIR = new RunningComptoir("join-and-ping");

    private static final Rig rig = Rig.get();

    @Test
    void botJoinsWhenInvitedAndAnswersPingWithANoticeReply() {
        String bot = rig.botUserId();
        MatrixTestClient alice = rig.newUser("alice");
        String room = alice.createRoom(bot);

        alice.awaitEvent(room, Events.membership(bot, "join"), WAIT);
        assertThat(alice.joinedMembers(room)).contains(bot, alice.userId());

        String ping = alice.sendText(room, "!ping");
        JsonNode answer = alice.awaitEvent(room, Events.messageFrom(bot).and(Events.bodyContains("pong")), WAIT);

        assertThat(answer.path("content").path("msgtype").asText()).as("msgtype of %s", answer).isEqualTo("m.notice");
        assertThat(Events.inReplyTo(answer)).as("the answer replies to the command: %s", answer).isEqualTo(ping);
        String log = COMPTOIR.process().logText();
        assertThat(log).as("Comptoir's log")
                .doesNotContain(rig.registration().asToken())
                .doesNotContain(rig.registration().hsToken());
    }

    @Test
    void botAnswersEachPingOnce() {
        String bot = rig.botUserId();
        MatrixTestClient bob = rig.newUser("bob");
        String room = bob.createRoom(bot);
        bob.awaitEvent(room, Events.membership(bot, "join"), WAIT);

        String first = bob.sendText(room, "!ping");
        String second = bob.sendText(room, "!ping");
        bob.awaitEvent(room, Events.messageFrom(bot).and(Events.repliesTo(first)), WAIT);
        bob.awaitEvent(room, Events.messageFrom(bot).and(Events.repliesTo(second)), WAIT);

        List<JsonNode> events = bob.roomMessages(room);
        assertThat(events.stream().filter(Events.messageFrom(bot))
                        .map(Events::inReplyTo).filter(id -> id.equals(first) || id.equals(second)))
                .as("answers to %s and %s in %s:%n%s", first, second, room, MatrixTestClient.describe(events))
                .containsExactlyInAnyOrder(first, second);
    }
}
