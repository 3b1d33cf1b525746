package coop.comptoir.bridge.engine;

import coop.comptoir.api.id.UserId;
import coop.comptoir.bridge.api.RemoteUserId;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Remote user IDs to ghost user IDs and back ({@code 123} → {@code @_discord_123:example.org}).
 * Characters outside the modern localpart set are escaped as the Matrix spec's appendix suggests:
 * an upper-case letter becomes {@code _} and its lower case, {@code _} becomes {@code __}, any other
 * byte {@code =xx} in hex; so the mapping is one to one and reversible.
 */
final class GhostIds {
    private final String prefix;
    private final String serverName;

    GhostIds(String prefix, String serverName) {
        this.prefix = prefix;
        this.serverName = serverName;
    }

    UserId ghostOf(RemoteUserId user) {
        StringBuilder sb = new StringBuilder(prefix);
        for (byte b : user.value().getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '/') {
                sb.append((char) c);
            } else if (c >= 'A' && c <= 'Z') {
                sb.append('_').append((char) (c + 32));
            } else if (c == '_') {
                sb.append("__");
            } else {
                sb.append('=').append(String.format("%02x", c));
            }
        }
        return UserId.of(sb.toString(), serverName);
    }

    /** Whether a Matrix user is one of this bridge's ghosts (by prefix and server). */
    boolean isGhost(UserId user) {
        return user.serverName().equals(serverName) && user.localpart().startsWith(prefix);
    }

    Optional<RemoteUserId> remoteUserOf(UserId user) {
        if (!isGhost(user)) {
            return Optional.empty();
        }
        String s = user.localpart().substring(prefix.length());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '_') {
                if (i + 1 >= s.length()) {
                    return Optional.empty();
                }
                char n = s.charAt(++i);
                if (n == '_') {
                    out.write('_');
                } else if (n >= 'a' && n <= 'z') {
                    out.write(n - 32);
                } else {
                    return Optional.empty();
                }
            } else if (c == '=') {
                if (i + 2 >= s.length()) {
                    return Optional.empty();
                }
                try {
                    out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
                } catch (NumberFormatException e) {
                    return Optional.empty();
                }
                i += 2;
            } else {
                out.write(c);
            }
        }
        String id = out.toString(StandardCharsets.UTF_8);
        try {
            return Optional.of(new RemoteUserId(id));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
