package coop.comptoir.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import coop.comptoir.e2e.rig.Events;
import coop.comptoir.e2e.rig.MatrixTestClient;
import coop.comptoir.e2e.rig.Rig;
import coop.comptoir.e2e.rig.RunningComptoir;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One setting for the language of every part: {@code language: en} at the top level, no language in
 * any section, and the coop's own wording of one text ({@code texts:}), through a real homeserver.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class LanguageE2ETest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final RunningComptoir COMPTOIR = new RunningComptoir("language", config -> {
        config.put("language", "en");
        config.putObject("texts").putObject("en").put("runtime.help.title", "Here is what I can do for your coop:");
    });

    private static final Rig rig = Rig.get();

    @Test
    void theTopLevelLanguageIsSpokenAndTheCoopsWordingUsed() {
        String bot = rig.botUserId();
        MatrixTestClient alice = rig.newUser("alice");
        String room = alice.createRoom(bot);
        alice.awaitEvent(room, Events.membership(bot, "join"), WAIT);

        String ping = alice.sendText(room, "!ping");
        JsonNode pong = alice.awaitEvent(room, Events.messageFrom(bot).and(Events.repliesTo(ping)), WAIT);
        assertThat(pong.path("content").path("body").asText()).startsWith("pong! 🏓 (your message reached me in ");

        String help = alice.sendText(room, "!help");
        JsonNode list = alice.awaitEvent(room, Events.messageFrom(bot).and(Events.repliesTo(help)), WAIT);
        assertThat(list.path("content").path("body").asText()).startsWith("Here is what I can do for your coop:")
                .contains("!ping — checks that I am here");

        String aide = alice.sendText(room, "!aide");
        JsonNode liste = alice.awaitEvent(room, Events.messageFrom(bot).and(Events.repliesTo(aide)), WAIT);
        assertThat(liste.path("content").path("body").asText()).as("a command typed in French is answered in French")
                .startsWith("Voici ce que je sais faire :");
    }
}
