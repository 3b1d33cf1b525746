package coop.comptoir.bridge.text;

import coop.comptoir.api.id.UserId;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Reads and writes Matrix permalinks ({@code https://matrix.to/#/…} and {@code matrix:} URIs), the
 * links behind user and room pills. Pure; never throws on a bad link (it is simply no pill).
 */
public final class MatrixLinks {
    private MatrixLinks() {}

    /** What a permalink points at: a user, or a room (ID or alias). Event links are not pills. */
    public sealed interface Target permits UserTarget, RoomTarget {}

    /**
     * A user pill.
     *
     * @param user the user
     */
    public record UserTarget(UserId user) implements Target {}

    /**
     * A room pill.
     *
     * @param reference a room ID {@code !…} or an alias {@code #…}
     */
    public record RoomTarget(String reference) implements Target {}

    /** The {@code https://matrix.to/#/} link of a user ID, room ID or alias. */
    public static String permalink(String identifier) {
        return "https://matrix.to/#/" + identifier;
    }

    /** The user or room a link is a pill for; empty for any other link (including event links). */
    public static Optional<Target> parse(String href) {
        if (href == null) {
            return Optional.empty();
        }
        try {
            String h = href.trim();
            if (h.regionMatches(true, 0, "https://matrix.to/#/", 0, 20)) {
                String rest = h.substring(20);
                int q = rest.indexOf('?');
                if (q >= 0) {
                    rest = rest.substring(0, q);
                }
                String[] parts = rest.split("/", -1);
                if (parts.length != 1 && !(parts.length == 2 && parts[1].isEmpty())) {
                    return Optional.empty(); // an event permalink, or something else
                }
                return fromIdentifier(URLDecoder.decode(parts[0].replace("+", "%2B"), StandardCharsets.UTF_8));
            }
            if (h.regionMatches(true, 0, "matrix:", 0, 7)) {
                String rest = h.substring(7);
                int q = rest.indexOf('?');
                if (q >= 0) {
                    rest = rest.substring(0, q);
                }
                String[] parts = rest.split("/", -1);
                if (parts.length != 2) {
                    return Optional.empty();
                }
                String id = URLDecoder.decode(parts[1].replace("+", "%2B"), StandardCharsets.UTF_8);
                return switch (parts[0]) {
                    case "u" -> fromIdentifier("@" + id);
                    case "r" -> fromIdentifier("#" + id);
                    case "roomid" -> fromIdentifier("!" + id);
                    default -> Optional.empty();
                };
            }
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private static Optional<Target> fromIdentifier(String id) {
        if (id.startsWith("@")) {
            return Optional.of(new UserTarget(UserId.of(id)));
        }
        if ((id.startsWith("#") && id.indexOf(':') > 1) || (id.startsWith("!") && id.length() > 1)) {
            return Optional.of(new RoomTarget(id));
        }
        return Optional.empty();
    }
}
