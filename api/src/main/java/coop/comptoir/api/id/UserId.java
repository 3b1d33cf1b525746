package coop.comptoir.api.id;

/**
 * A Matrix user ID, {@code @localpart:server}. Validated at construction; historical localparts
 * (any printable ASCII but ':') are accepted because federation still carries them.
 */
public record UserId(String value) implements Comparable<UserId> {
    public UserId {
        Ids.check("user ID", '@', value, true);
        String local = value.substring(1, value.indexOf(':'));
        for (int i = 0; i < local.length(); i++) {
            char c = local.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                throw new IllegalArgumentException("user ID has a character outside printable ASCII: " + Ids.abbreviate(value));
            }
        }
    }

    public static UserId of(String value) {
        return new UserId(value);
    }

    public static UserId of(String localpart, String serverName) {
        return new UserId("@" + localpart + ":" + serverName);
    }

    /** Whether the localpart uses only the characters the spec allows for new users. */
    public boolean hasModernLocalpart() {
        return localpart().chars().allMatch(c -> (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || "._=-/+".indexOf(c) >= 0);
    }

    public String localpart() {
        return value.substring(1, value.indexOf(':'));
    }

    public String serverName() {
        return value.substring(value.indexOf(':') + 1);
    }

    @Override
    public int compareTo(UserId o) {
        return value.compareTo(o.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
