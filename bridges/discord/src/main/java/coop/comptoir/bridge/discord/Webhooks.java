package coop.comptoir.bridge.discord;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import net.dv8tion.jda.api.entities.IncomingWebhookClient;
import net.dv8tion.jda.api.entities.User;
import net.dv8tion.jda.api.entities.Webhook;
import net.dv8tion.jda.api.entities.WebhookClient;
import net.dv8tion.jda.api.entities.channel.attribute.IWebhookContainer;

/**
 * The webhook through which the bridge speaks for Matrix users in each channel, and the
 * recognition of its messages when Discord echoes them back.
 *
 * <p>A webhook is the bridge's when the bot created it and it carries the configured name; they are
 * found again after a restart by listing the channel's webhooks, so that echoes of messages sent
 * before a restart (seen in a catch-up) are still recognised. Tokens stay in memory and are never
 * logged. Thread-safe; the methods may block on Discord (they are called from the delivery and
 * event threads, never from JDA's callback threads).
 */
final class Webhooks {
    /** The webhook used to send into one channel. */
    record Hook(String id, IncomingWebhookClient client) {
        @Override
        public String toString() {
            return "Hook[" + id + "]";
        }
    }

    private final String name;
    private final Map<String, Hook> byChannel = new ConcurrentHashMap<>();
    private final Set<String> ours = ConcurrentHashMap.newKeySet();
    private final Set<String> listed = ConcurrentHashMap.newKeySet();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    Webhooks(String name) {
        this.name = name;
    }

    /** The webhook for {@code channel}: cached, else an existing one of the bot's, else a new one. May block. */
    Hook forChannel(IWebhookContainer channel) {
        Hook hook = byChannel.get(channel.getId());
        if (hook != null) {
            return hook;
        }
        synchronized (lock(channel.getId())) {
            hook = byChannel.get(channel.getId());
            if (hook != null) {
                return hook;
            }
            String self = channel.getJDA().getSelfUser().getId();
            Optional<Webhook> existing = learn(channel, self).stream()
                    .filter(w -> w.getToken() != null)
                    .findFirst();
            Webhook w = existing.orElseGet(() -> channel.createWebhook(name).complete());
            ours.add(w.getId());
            hook = new Hook(w.getId(), WebhookClient.createClient(channel.getJDA(), w.getId(), w.getToken()));
            byChannel.put(channel.getId(), hook);
            return hook;
        }
    }

    /** Forget the cached webhook of a channel (it was deleted on Discord); the next send finds or makes another. */
    void forget(String channelId) {
        Hook h = byChannel.remove(channelId);
        if (h != null) {
            ours.remove(h.id());
        }
        listed.remove(channelId);
    }

    /**
     * Whether a webhook message in {@code channel} (the portal channel, not a thread) came from the
     * bridge. The first time a channel is asked about an unknown webhook, its webhooks are listed.
     */
    boolean isOurs(IWebhookContainer channel, String webhookId) {
        if (ours.contains(webhookId)) {
            return true;
        }
        if (listed.contains(channel.getId())) {
            return false;
        }
        synchronized (lock(channel.getId())) {
            if (!listed.contains(channel.getId())) {
                learn(channel, channel.getJDA().getSelfUser().getId());
            }
        }
        return ours.contains(webhookId);
    }

    private List<Webhook> learn(IWebhookContainer channel, String selfId) {
        List<Webhook> mine = channel.retrieveWebhooks().complete().stream()
                .filter(w -> isBridgeWebhook(w.getName(), ownerId(w), selfId, name))
                .toList();
        mine.forEach(w -> ours.add(w.getId()));
        listed.add(channel.getId());
        return mine;
    }

    private static String ownerId(Webhook w) {
        User owner = w.getOwnerAsUser();
        return owner == null ? null : owner.getId();
    }

    /** The rule: made by this bot, with the configured name. */
    static boolean isBridgeWebhook(String webhookName, String ownerId, String botId, String configuredName) {
        return configuredName.equals(webhookName) && botId.equals(ownerId);
    }

    private Object lock(String channelId) {
        return locks.computeIfAbsent(channelId, k -> new Object());
    }
}
