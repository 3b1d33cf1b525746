package coop.comptoir.api.plugin;

import java.util.List;

/**
 * Regular expressions of Matrix IDs a plugin owns (as in the registration file). Exclusive means no
 * one else may create them; by convention exclusive localparts start with {@code _}.
 */
public record Namespaces(List<Entry> users, List<Entry> aliases, List<Entry> rooms) {
    public static final Namespaces NONE = new Namespaces(List.of(), List.of(), List.of());

    public Namespaces {
        users = List.copyOf(users);
        aliases = List.copyOf(aliases);
        rooms = List.copyOf(rooms);
    }

    /**
     * One namespace: a Java regex over full IDs, exclusive when no one else may create IDs in it.
     *
     * @throws java.util.regex.PatternSyntaxException when {@code regex} is not a valid pattern
     */
    public record Entry(String regex, boolean exclusive) {
        public Entry {
            java.util.regex.Pattern.compile(regex);
        }
    }

    /** One exclusive user namespace, given as a regex. */
    public static Namespaces users(String regex) {
        return new Namespaces(List.of(new Entry(regex, true)), List.of(), List.of());
    }

    /**
     * The exclusive namespace of the users of one server whose localpart starts with
     * {@code localpartPrefix}, e.g. {@code exclusiveUsers("_discord_", "example.org")} for
     * {@code @_discord_…:example.org}.
     */
    public static Namespaces exclusiveUsers(String localpartPrefix, String serverName) {
        return users("@" + quote(localpartPrefix) + ".*:" + quote(serverName));
    }

    /**
     * Quotes a literal for a regex that Java and Python ({@code re}, which Synapse uses) read the
     * same way: every ASCII character other than a letter, a digit or {@code _} gets a backslash.
     * ({@code Pattern.quote}'s {@code \Q…\E} means nothing to Python.)
     */
    public static String quote(String literal) {
        StringBuilder sb = new StringBuilder(literal.length() * 2);
        for (int i = 0; i < literal.length(); i++) {
            char c = literal.charAt(i);
            boolean plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c > 0x7f;
            if (!plain) {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.toString();
    }
}
