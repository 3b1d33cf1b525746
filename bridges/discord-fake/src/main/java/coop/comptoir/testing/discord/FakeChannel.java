package coop.comptoir.testing.discord;

/**
 * A guild text channel ({@link #TEXT}, {@code parentId} its category or null), a category
 * ({@link #CATEGORY}), a voice channel ({@link #VOICE}) or a thread ({@link #PUBLIC_THREAD},
 * {@link #PRIVATE_THREAD}), whose {@code parentId} is its text channel.
 */
public record FakeChannel(String id, String guildId, int type, String name, String parentId) {
    public static final int TEXT = 0;
    public static final int VOICE = 2;
    public static final int CATEGORY = 4;
    public static final int PUBLIC_THREAD = 11;
    public static final int PRIVATE_THREAD = 12;

    public boolean isThread() {
        return type == PUBLIC_THREAD || type == PRIVATE_THREAD;
    }

    /** The mention syntax, {@code <#id>}. */
    public String mention() {
        return "<#" + id + ">";
    }
}
