package coop.comptoir.testing.discord;

/** An incoming webhook of a text channel; executing it needs {@code id} and {@code token}. */
public record FakeWebhook(String id, String token, String guildId, String channelId, String name) {
}
