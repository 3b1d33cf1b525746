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

    public record Entry(String regex, boolean exclusive) {
        public Entry {
            java.util.regex.Pattern.compile(regex);
        }
    }

    public static Namespaces users(String regex) {
        return new Namespaces(List.of(new Entry(regex, true)), List.of(), List.of());
    }
}
