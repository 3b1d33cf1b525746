package coop.comptoir.bridge.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.api.event.EventTypes;
import coop.comptoir.api.id.MxcUri;
import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.id.UserId;
import coop.comptoir.api.matrix.MatrixClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;

/**
 * Matrix members of portal rooms as the remote side shows them: their room display name and
 * avatar, cached until their next member event. A name another member of the room also bears, or
 * one that looks like a user ID, is followed by the sender's user ID, as Matrix clients do: the
 * remote side shows only the name, and nobody must pass there for someone else. Reads happen
 * outside any lock; a failed read is not cached.
 */
final class Members {
    /** A member's name and avatar in one room. */
    record Profile(String name, Optional<MxcUri> avatar) {}

    /** How much of a name is kept before the user ID that tells it apart, so that the ID fits remote limits. */
    static final int NAME_BEFORE_ID = 32;
    private static final Pattern HIDDEN = Pattern.compile("[\\p{Cc}\\p{Cf}\\p{Co}\\p{Cn}\\p{Zl}\\p{Zp}]");
    private static final Pattern LOOKS_LIKE_ID = Pattern.compile("^\\s*@\\S+:\\S+");

    private final MatrixClient bot;
    private final Logger log;
    /** Profiles kept at most ({@code room user} keys), least recently used dropped first. */
    static final int PROFILES_CACHED = 10_000;
    /** Rooms whose members' names are kept at most, least recently used dropped first. */
    static final int ROOMS_CACHED = 1_000;
    private final Map<String, Profile> profiles = lru(PROFILES_CACHED);
    /** The names shown for each joined member of a room, normalised; dropped at any member event of the room. */
    private final Map<RoomId, Map<UserId, String>> names = lru(ROOMS_CACHED);

    private static <K, V> Map<K, V> lru(int max) {
        return Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > max;
            }
        });
    }

    Members(MatrixClient bot, Logger log) {
        this.bot = bot;
        this.log = log;
    }

    /** A member event in {@code room} about {@code user}: what was known of them and of the room's names is read again. */
    void changed(RoomId room, String user) {
        profiles.remove(room + " " + user);
        names.remove(room);
    }

    /** The member's room display name (their localpart without one) and avatar. */
    Profile profile(RoomId room, UserId user) {
        String key = room + " " + user;
        Profile known = profiles.get(key);
        if (known != null) {
            return known;
        }
        Profile read = read(room, user);
        if (read != null) {
            profiles.put(key, read);
            return read;
        }
        return new Profile(user.localpart(), Optional.empty());
    }

    /**
     * The name to show for the member on the remote side: their display name, followed by their user
     * ID when another joined member's name is the same (or when the room's members cannot be read).
     */
    String shownName(RoomId room, UserId user) {
        String name = profile(room, user).name();
        if (LOOKS_LIKE_ID.matcher(name).find() || !unique(room, user, normalise(name))) {
            return shorten(name) + " (" + user.value() + ")";
        }
        return name;
    }

    private boolean unique(RoomId room, UserId user, String normalised) {
        Map<UserId, String> shown = names.get(room);
        if (shown == null) {
            shown = readNames(room);
            if (shown == null) {
                return false; // unknown: better one user ID too many than a name taken
            }
            names.put(room, shown);
        }
        for (Map.Entry<UserId, String> e : shown.entrySet()) {
            if (!e.getKey().equals(user) && e.getValue().equals(normalised)) {
                return false;
            }
        }
        return true;
    }

    /** Every joined member's shown name, normalised; null when the list cannot be read. */
    private Map<UserId, String> readNames(RoomId room) {
        try {
            JsonNode joined = bot.request("GET", "/_matrix/client/v3/rooms/" + URLEncoder.encode(room.value(), StandardCharsets.UTF_8)
                    + "/joined_members", null).path("joined");
            Map<UserId, String> out = new HashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = joined.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                UserId id;
                try {
                    id = UserId.of(e.getKey());
                } catch (IllegalArgumentException ignored) {
                    continue;
                }
                JsonNode dn = e.getValue().path("display_name");
                out.put(id, normalise(dn.isTextual() && !dn.asText().isBlank() ? dn.asText() : id.localpart()));
            }
            return out;
        } catch (RuntimeException e) {
            log.debug("Members of {} not read: {}", room, e.getMessage());
            return null;
        }
    }

    /** A name as people read it: without invisible characters, spaces collapsed, case ignored. */
    static String normalise(String name) {
        return HIDDEN.matcher(name).replaceAll("").replaceAll("\\s+", " ").strip().toLowerCase(Locale.ROOT);
    }

    private static String shorten(String name) {
        String s = name.strip();
        if (s.length() <= NAME_BEFORE_ID) {
            return s;
        }
        int end = NAME_BEFORE_ID;
        if (Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end).stripTrailing() + "…";
    }

    /** The member event's name and avatar, or null when it could not be read. */
    private Profile read(RoomId room, UserId user) {
        try {
            Optional<ObjectNode> state = bot.getState(room, EventTypes.ROOM_MEMBER, user.value());
            String name = state.map(c -> c.path("displayname"))
                    .filter(n -> n.isTextual() && !n.asText().isBlank())
                    .map(JsonNode::asText)
                    .orElse(user.localpart());
            Optional<MxcUri> avatar = state.map(c -> c.path("avatar_url").asText(""))
                    .filter(a -> a.startsWith("mxc://"))
                    .flatMap(a -> {
                        try {
                            return Optional.of(MxcUri.parse(a));
                        } catch (IllegalArgumentException e) {
                            return Optional.empty();
                        }
                    });
            return new Profile(name, avatar);
        } catch (RuntimeException e) {
            log.debug("Profile of {} in {} not read: {}", user, room, e.getMessage());
            return null;
        }
    }
}
