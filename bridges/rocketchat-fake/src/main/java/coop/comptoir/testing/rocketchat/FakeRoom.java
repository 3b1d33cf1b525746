package coop.comptoir.testing.rocketchat;

/**
 * A room of the fake Rocket.Chat.
 *
 * @param type {@code c} (public channel) or {@code p} (private group)
 */
public record FakeRoom(String id, String name, String type) {
}
