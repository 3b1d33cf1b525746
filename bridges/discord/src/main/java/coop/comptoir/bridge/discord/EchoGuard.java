package coop.comptoir.bridge.discord;

import java.util.function.Predicate;

/** Which Discord messages are not for Matrix. Pure. */
final class EchoGuard {
    private EchoGuard() {}

    /**
     * @param authorId   the message author's ID (for a webhook message, the webhook's ID)
     * @param webhookId  the webhook that posted it, or null
     * @param botId      this bridge's bot user
     * @param system     a system message (join, pin, thread created, …)
     * @param ourWebhook whether a webhook is the bridge's (may ask Discord once per channel)
     * @return true for the bot's own messages, the bridge's webhook posts and system messages
     */
    static boolean drop(String authorId, String webhookId, String botId, boolean system, Predicate<String> ourWebhook) {
        if (system || authorId.equals(botId)) {
            return true;
        }
        return webhookId != null && ourWebhook.test(webhookId);
    }
}
