package coop.comptoir.bridge.discord.format;

/** Checks on Discord IDs, decimal snowflakes. */
final class Snowflakes {
    private Snowflakes() {}

    static String check(String what, String id) {
        if (id == null || !isSnowflake(id)) {
            throw new IllegalArgumentException(what + " must be a decimal snowflake: " + id);
        }
        return id;
    }

    static boolean isSnowflake(String s) {
        if (s.isEmpty() || s.length() > 20) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
