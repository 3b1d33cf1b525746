package coop.comptoir.testing.rocketchat;

/** A user of the fake Rocket.Chat (the bot or a human). {@code @username} mentions them. */
public record FakeUser(String id, String username, String name) {
    /** How a Rocket.Chat user mentions this one in a message. */
    public String mention() {
        return "@" + username;
    }
}
