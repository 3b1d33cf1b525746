package coop.comptoir.testing.discord;

/** A guild (server). Its {@code @everyone} role has the guild's id. */
public record FakeGuild(String id, String name, String ownerId) {
}
