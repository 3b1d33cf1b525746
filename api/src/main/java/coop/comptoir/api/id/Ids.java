package coop.comptoir.api.id;

/** Shared checks for Matrix identifiers (spec appendix "Identifier Grammar"). */
final class Ids {
    private Ids() {}

    /** The spec caps every identifier at 255 bytes (UTF-8). */
    static final int MAX_LENGTH = 255;

    static String check(String kind, char sigil, String value, boolean serverRequired) {
        if (value == null) {
            throw new IllegalArgumentException(kind + " must not be null");
        }
        if (value.isEmpty() || value.charAt(0) != sigil) {
            throw new IllegalArgumentException(kind + " must start with '" + sigil + "': " + abbreviate(value));
        }
        if (value.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_LENGTH) {
            throw new IllegalArgumentException(kind + " is longer than 255 bytes: " + abbreviate(value));
        }
        int colon = value.indexOf(':');
        if (serverRequired) {
            if (colon <= 1 || colon == value.length() - 1) {
                throw new IllegalArgumentException(kind + " must look like " + sigil + "local:server: " + abbreviate(value));
            }
            checkServerName(kind, value, value.substring(colon + 1));
        } else if (value.length() < 2) {
            throw new IllegalArgumentException(kind + " is empty after '" + sigil + "'");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f || Character.isWhitespace(c)) {
                throw new IllegalArgumentException(kind + " contains a control or space character: " + abbreviate(value));
            }
        }
        return value;
    }

    static void checkServerName(String kind, String whole, String server) {
        // server_name = hostname [ ":" port ]; IPv6 literals are in brackets.
        String host = server;
        if (server.startsWith("[")) {
            int end = server.indexOf(']');
            if (end < 0) {
                throw new IllegalArgumentException(kind + " has a malformed IPv6 server name: " + abbreviate(whole));
            }
            host = server.substring(0, end + 1);
            String rest = server.substring(end + 1);
            if (!rest.isEmpty()) {
                checkPort(kind, whole, rest);
            }
            return;
        }
        int colon = server.lastIndexOf(':');
        if (colon >= 0) {
            host = server.substring(0, colon);
            checkPort(kind, whole, server.substring(colon));
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException(kind + " has an empty server name: " + abbreviate(whole));
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
            if (!ok) {
                throw new IllegalArgumentException(kind + " has an invalid server name: " + abbreviate(whole));
            }
        }
    }

    private static void checkPort(String kind, String whole, String colonPort) {
        String digits = colonPort.substring(1);
        if (digits.isEmpty() || digits.length() > 5 || !digits.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException(kind + " has an invalid port: " + abbreviate(whole));
        }
    }

    static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }
}
