package coop.comptoir.bridge.discord;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class EchoGuardTest {
    private static final String BOT = "100";
    private static final Set<String> OURS = Set.of("700");

    @Test
    void peopleAndOtherIntegrationsAreBridged() {
        assertThat(EchoGuard.drop("200", null, BOT, false, OURS::contains)).isFalse();
        assertThat(EchoGuard.drop("800", "800", BOT, false, OURS::contains)).as("another webhook (GitHub…)").isFalse();
    }

    @Test
    void theBotsOwnPostsTheBridgesWebhookAndSystemMessagesAreNot() {
        assertThat(EchoGuard.drop(BOT, null, BOT, false, OURS::contains)).isTrue();
        assertThat(EchoGuard.drop("700", "700", BOT, false, OURS::contains)).isTrue();
        assertThat(EchoGuard.drop("200", null, BOT, true, OURS::contains)).as("a pin or a join notice").isTrue();
    }

    @Test
    void aWebhookIsOnlyAskedAboutWhenTheMessageCameFromOne() {
        assertThat(EchoGuard.drop("200", null, BOT, false, id -> {
            throw new AssertionError("asked about " + id);
        })).isFalse();
    }

    @Test
    void theBridgesWebhookIsTheOneTheBotMadeWithTheConfiguredName() {
        assertThat(Webhooks.isBridgeWebhook("Comptoir", BOT, BOT, "Comptoir")).isTrue();
        assertThat(Webhooks.isBridgeWebhook("Comptoir", "300", BOT, "Comptoir")).as("made by a person").isFalse();
        assertThat(Webhooks.isBridgeWebhook("Annonces", BOT, BOT, "Comptoir")).as("another of the bot's").isFalse();
        assertThat(Webhooks.isBridgeWebhook("Comptoir", null, BOT, "Comptoir")).as("owner unknown").isFalse();
    }
}
