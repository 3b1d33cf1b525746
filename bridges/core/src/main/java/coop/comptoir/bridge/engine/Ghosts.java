package coop.comptoir.bridge.engine;

import coop.comptoir.api.id.MxcUri;
import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.id.UserId;
import coop.comptoir.api.matrix.MatrixClient;
import coop.comptoir.api.matrix.MatrixException;
import coop.comptoir.bridge.api.BridgeException;
import coop.comptoir.bridge.api.MediaCapable;
import coop.comptoir.bridge.api.NetworkConnector;
import coop.comptoir.bridge.api.RemoteUser;
import coop.comptoir.bridge.api.RemoteUserId;
import coop.comptoir.bridge.engine.GhostTable.Ghost;
import java.net.URI;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;

/**
 * The Matrix users standing for remote users: registered on first use, display name and avatar
 * set when they change (remembered in {@link GhostTable}), joined to the portal rooms they speak in.
 * Ghosts keep the default power level: they are never given the power to notify a whole room.
 */
final class Ghosts {
    /** Avatars larger than this are not copied. */
    static final long MAX_AVATAR_BYTES = 5L * 1024 * 1024;
    /** The most characters of a remote name a ghost's display name keeps (homeservers take 256 in all). */
    static final int MAX_NAME = 64;

    private record Profile(String name, String avatarSource) {}

    private final MatrixClient bot;
    private final GhostIds ids;
    private final GhostTable table;
    private final NetworkConnector connector;
    private final String nameTemplate;
    private final Clock clock;
    private final Logger log;
    private final Set<UserId> registered = ConcurrentHashMap.newKeySet();
    private final Set<String> joined = ConcurrentHashMap.newKeySet();
    private final Map<UserId, Profile> synced = new ConcurrentHashMap<>();
    /** The Matrix profile a linked remote user shows instead of their own ({@link AccountLinks}). */
    private volatile Function<RemoteUserId, Optional<AccountLinks.Shown>> linked = id -> Optional.empty();

    Ghosts(MatrixClient bot, GhostIds ids, GhostTable table, NetworkConnector connector, String nameTemplate, Clock clock,
           Logger log) {
        this.bot = bot;
        this.ids = ids;
        this.table = table;
        this.connector = connector;
        this.nameTemplate = nameTemplate;
        this.clock = clock;
        this.log = log;
    }

    /** Where the ghosts of linked remote users take their Matrix name and avatar from. */
    void showLinked(Function<RemoteUserId, Optional<AccountLinks.Shown>> linked) {
        this.linked = linked;
    }

    /**
     * The ghost's display name: the template around the remote name, made fit to be shown. The name
     * loses the characters that hide or reorder what follows them (zero-width spaces, bidi controls:
     * "Ali" + zero-width space + "ce" would pass for "Alice", and a right-to-left override would turn
     * the network's suffix around),
     * keeps the joiners inside emoji sequences, and is cut at {@link #MAX_NAME} characters so that the
     * suffix always shows and the homeserver takes it.
     */
    String displayName(String remoteName, String remoteId) {
        String name = visibleName(remoteName);
        return nameTemplate.replace("{name}", name.isEmpty() ? remoteId : name);
    }

    /** A remote name without invisible or direction characters, spaces collapsed, at most {@link #MAX_NAME} characters. */
    static String visibleName(String name) {
        if (name == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(Math.min(name.length(), 4 * MAX_NAME));
        int previous = 0;
        for (int i = 0; i < name.length(); ) {
            int cp = name.codePointAt(i);
            i += Character.charCount(cp);
            int next = i < name.length() ? name.codePointAt(i) : 0;
            if (cp == 0x200D && isSymbol(previous) && isSymbol(next)) {
                sb.appendCodePoint(cp); // a joiner inside an emoji sequence (👩‍👧) shows as one picture
            } else if (Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
                sb.append(' ');
            } else if (!hidden(cp)) {
                sb.appendCodePoint(cp);
            }
            previous = cp;
        }
        String out = sb.toString().replaceAll(" {2,}", " ").strip();
        if (out.codePointCount(0, out.length()) > MAX_NAME) {
            out = out.substring(0, out.offsetByCodePoints(0, MAX_NAME - 1)).stripTrailing() + "…";
        }
        return out;
    }

    private static boolean hidden(int cp) {
        int type = Character.getType(cp);
        return type == Character.CONTROL || type == Character.FORMAT || type == Character.PRIVATE_USE
                || type == Character.UNASSIGNED || type == Character.SURROGATE || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR;
    }

    private static boolean isSymbol(int cp) {
        return Character.getType(cp) == Character.OTHER_SYMBOL || cp == 0xFE0F || Character.getType(cp) == Character.NON_SPACING_MARK
                || cp >= 0x1F3FB && cp <= 0x1F3FF;
    }

    /** Makes the ghost of {@code user} exist with its current profile and be joined to {@code room}. */
    UserId ensure(RemoteUser user, RoomId room) {
        UserId ghost = ensureProfile(user);
        if (room != null && !joined.contains(ghost + " " + room)) {
            join(ghost, room);
            joined.add(ghost + " " + room);
        }
        return ghost;
    }

    /** The ghost is no longer in the room (kicked, banned or left): it joins again when it next speaks. */
    void left(UserId ghost, RoomId room) {
        joined.remove(ghost + " " + room);
    }

    /** Registers the ghost and brings its display name and avatar up to date. */
    UserId ensureProfile(RemoteUser user) {
        UserId ghost = ids.ghostOf(user.id());
        MatrixClient as = bot.as(ghost);
        if (!registered.contains(ghost)) {
            as.ensureRegistered();
            registered.add(ghost);
        }
        // a linked person shows their Matrix name and avatar (an mxc: URI, set as it is)
        Optional<AccountLinks.Shown> shown = linked.apply(user.id());
        String name = displayName(shown.map(AccountLinks.Shown::name).orElse(user.displayName()), user.id().value());
        String source = shown.isPresent() ? shown.get().avatar().map(MxcUri::toString).orElse(null)
                : user.avatar().map(URI::toString).orElse(null);
        Profile wanted = new Profile(name, source);
        if (wanted.equals(synced.get(ghost))) {
            return ghost;
        }
        Ghost stored = table.get(user.id()).orElse(null);
        String mxc = stored == null ? null : stored.avatarMxc();
        String storedSource = stored == null ? null : stored.avatarSource();
        boolean changed = false;
        boolean refused = false;
        if (stored == null || !name.equals(stored.displayName())) {
            as.setDisplayName(name);
            changed = true;
        }
        if (source != null && !source.equals(storedSource) && source.startsWith("mxc://")) {
            as.setAvatarUrl(MxcUri.parse(source));
            mxc = source;
            storedSource = source;
            changed = true;
        } else if (source != null && !source.equals(storedSource)) {
            Avatar fetched = avatar(as, URI.create(source));
            if (fetched.uploaded() != null) {
                as.setAvatarUrl(fetched.uploaded());
                mxc = fetched.uploaded().toString();
                storedSource = source;
                changed = true;
            }
            refused = fetched.refused();
        }
        if (changed || stored == null) {
            table.put(new Ghost(user.id(), name, storedSource, mxc, clock.millis()));
        }
        // an avatar refused for good (too large, gone) is not fetched again for each message, only once it changes
        synced.put(ghost, Objects.equals(storedSource, source) || refused ? wanted : new Profile(name, storedSource));
        return ghost;
    }

    /** Sets the ghost's profile from what is stored, for the homeserver's user query; false if unknown. */
    boolean restore(UserId ghost) {
        var remote = ids.remoteUserOf(ghost);
        if (remote.isEmpty()) {
            return false;
        }
        Ghost stored = table.get(remote.get()).orElse(null);
        if (stored == null) {
            return false;
        }
        MatrixClient as = bot.as(ghost);
        as.ensureRegistered();
        registered.add(ghost);
        if (stored.displayName() != null) {
            as.setDisplayName(stored.displayName());
        }
        if (stored.avatarMxc() != null) {
            as.setAvatarUrl(MxcUri.parse(stored.avatarMxc()));
        }
        return true;
    }

    /** A remote avatar copied to the homeserver ({@code uploaded}), refused for good, or neither (try again later). */
    private record Avatar(MxcUri uploaded, boolean refused) {}

    private Avatar avatar(MatrixClient as, URI source) {
        if (!(connector instanceof MediaCapable media)) {
            return new Avatar(null, true);
        }
        try {
            byte[] data = media.download(source, MAX_AVATAR_BYTES);
            return new Avatar(as.upload(data, imageType(data), "avatar"), false);
        } catch (BridgeException e) {
            if (e.isRetryable()) {
                log.debug("Avatar {} not fetched now ({}); trying again with the next message", source, e.getMessage());
                return new Avatar(null, false);
            }
            log.info("Avatar {} not copied: {}", source, e.getMessage());
            return new Avatar(null, true);
        }
    }

    static String imageType(byte[] d) {
        if (d.length > 3 && (d[0] & 0xff) == 0x89 && d[1] == 'P' && d[2] == 'N' && d[3] == 'G') {
            return "image/png";
        }
        if (d.length > 2 && (d[0] & 0xff) == 0xff && (d[1] & 0xff) == 0xd8) {
            return "image/jpeg";
        }
        if (d.length > 3 && d[0] == 'G' && d[1] == 'I' && d[2] == 'F') {
            return "image/gif";
        }
        if (d.length > 11 && d[8] == 'W' && d[9] == 'E' && d[10] == 'B' && d[11] == 'P') {
            return "image/webp";
        }
        return "application/octet-stream";
    }

    private void join(UserId ghost, RoomId room) {
        MatrixClient as = bot.as(ghost);
        try {
            as.join(room.value());
            return;
        } catch (MatrixException e) {
            if (e.isTransient()) {
                throw e;
            }
            log.debug("{} cannot join {} on its own ({}); inviting it", ghost, room, e.errcode());
        }
        try {
            bot.invite(room, ghost);
        } catch (MatrixException e) {
            if (e.isTransient()) {
                throw e;
            }
            // Already invited or already joined: the join below tells.
            log.debug("Invite of {} to {} refused: {}", ghost, room, e.getMessage());
        }
        as.join(room.value());
    }
}
