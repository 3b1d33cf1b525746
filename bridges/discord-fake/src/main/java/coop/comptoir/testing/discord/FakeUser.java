package coop.comptoir.testing.discord;

/**
 * A Discord account known to the fake: the bot, or a human.
 *
 * @param globalName display name, may be null (Discord then shows the username)
 * @param avatar     avatar hash, may be null (default avatar)
 */
public record FakeUser(String id, String username, String globalName, String avatar, boolean bot) {
    /** What Discord clients show: the global name, else the username. */
    public String displayName() {
        return globalName != null ? globalName : username;
    }

    /** The mention syntax, {@code <@id>}. */
    public String mention() {
        return "<@" + id + ">";
    }
}
