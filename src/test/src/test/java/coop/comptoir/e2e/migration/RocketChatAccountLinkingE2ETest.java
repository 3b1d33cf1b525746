package coop.comptoir.e2e.migration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import coop.comptoir.e2e.rig.BridgeConfig;
import coop.comptoir.e2e.rig.BridgeTeardown;
import coop.comptoir.e2e.rig.ComptoirProcess;
import coop.comptoir.e2e.rig.Events;
import coop.comptoir.e2e.rig.MatrixTestClient;
import coop.comptoir.e2e.rig.Rig;
import coop.comptoir.testing.rocketchat.FakeRocketChat;
import coop.comptoir.testing.rocketchat.FakeRoom;
import coop.comptoir.testing.rocketchat.FakeUser;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Account linking is the engine's, so it works on Rocket.Chat too (in English here): a wrong code
 * links nothing, the right one links Bob's Rocket.Chat account to Alice's Matrix account, no code
 * message reaches Matrix, both are removed from Rocket.Chat (the bot holds {@code delete-message}),
 * and Bob's next message shows Alice's Matrix name.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class RocketChatAccountLinkingE2ETest {
    private static final Duration WAIT = Duration.ofSeconds(40);
    private static final String TOKEN = "e2e-rocketchat-linking-token-0123456789";
    private static final Pattern CODE = Pattern.compile("code: ([A-Z0-9]{6})");

    private static Rig rig;
    private static FakeRocketChat rc;
    private static ComptoirProcess comptoir;
    private static MatrixTestClient alice;
    private static String bot;
    private static FakeRoom general;
    private static String room;

    @BeforeAll
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    static void start() throws Exception {
        rig = Rig.get();
        bot = rig.botUserId();
        rc = FakeRocketChat.start(TOKEN);
        general = rc.room("general");
        alice = rig.newUser("alice");
        alice.setDisplayName("Alice Matrix");
        room = alice.createRoom(bot);
        comptoir = rig.comptoir("rocketchat-linking", c -> {
            c.putObject("commands").putArray("admins").add(alice.userId());
            BridgeConfig.rocketChat(c.withArray("plugins"), rc, TOKEN).put("language", "en").put("max_retry_delay", "2s");
        }).start();
        alice.awaitEvent(room, Events.membership(bot, "join"), WAIT);
        FakeRocketChat.await(() -> rc.connectedClients() == 1, WAIT, "the bridge on the realtime API");
        alice.sendUntilAnswered(room, bot, "!bridge link rocketchat " + general.id(), "linked to #general", Duration.ofSeconds(8));
    }

    @AfterAll
    static void stop() throws Exception {
        BridgeTeardown.stop(comptoir, TOKEN, rc, null, () -> { });
    }

    private static String ghost(FakeUser user) {
        return BridgeConfig.rocketChatGhost(user.id());
    }

    @Test
    void aRocketChatAccountIsLinkedWithACodeAndShowsTheMatrixName() throws Exception {
        FakeUser bob = rc.user("bob");
        String asked = alice.sendText(room, "!link");
        alice.awaitEvent(room, Events.noticeReply(bot, asked, "direct message"), WAIT);
        String dm = alice.awaitInvite(WAIT).getKey();
        alice.join(dm);
        JsonNode notice = alice.awaitEvent(dm, Events.messageFrom(bot).and(Events.bodyContains("your code")), WAIT);
        Matcher m = CODE.matcher(notice.path("content").path("body").asText());
        assertThat(m.find()).isTrue();

        rc.deleteMessagePermission(true);
        String wrong = rc.userSays(general.id(), "bob", "!link ABCDEF").id();
        String right = rc.userSays(general.id(), "bob", "!link " + m.group(1)).id();
        alice.awaitEvent(dm, Events.messageFrom(bot).and(Events.bodyContains("account")).and(Events.bodyContains("is linked to your Matrix")),
                WAIT);
        assertThat(alice.roomMessages(dm).stream().filter(e -> e.path("content").path("body").asText().contains("is linked to")))
                .as("one link: the wrong code linked nothing").hasSize(1);

        FakeRocketChat.await(() -> rc.messagesIn(general.id()).stream().noneMatch(x -> x.id().equals(wrong) || x.id().equals(right)),
                WAIT, "the !link messages removed from Rocket.Chat");
        assertThat(rc.requests()).anyMatch(r -> r.is("POST", ".*chat.delete") && r.status() == 200);

        rc.userSays(general.id(), "bob", "hello from Rocket.Chat");
        alice.awaitEvent(room, Events.newMessageFrom(ghost(bob), "hello from Rocket.Chat"), WAIT);
        assertThat(alice.displayName(ghost(bob))).contains("Alice Matrix (Rocket.Chat)");
        assertThat(alice.roomMessages(room)).noneMatch(e -> e.path("content").path("body").asText().contains("!link "));
    }
}
