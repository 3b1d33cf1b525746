package coop.comptoir.internal.encryption;

import coop.comptoir.api.event.EventTypes;
import coop.comptoir.api.event.MatrixEvent;
import coop.comptoir.api.id.EventId;
import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.id.UserId;
import coop.comptoir.api.matrix.MatrixClient;
import coop.comptoir.api.matrix.MatrixException;
import coop.comptoir.api.matrix.OutgoingMessage;
import coop.comptoir.api.store.Database;
import coop.comptoir.internal.dispatch.Dispatcher;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Comptoir reads plain {@code m.room.message} events only: in an end-to-end encrypted room it can
 * post (reminders, announcements) but cannot read commands. Rather than staying silent there, it
 * says so once per room, in plain text and in the language of {@code commands.language} (else the top-level {@code language}), and logs it
 * once. The rooms told are kept in the database, so "once" holds across restarts; the notice's
 * transaction ID is derived from the room as well, so a crash between posting and remembering does
 * not double it either.
 *
 * <p>What makes a room known as encrypted (events from the bot or from a ghost of a plugin's
 * namespace never count: a bridge's relayed traffic is nobody to talk to):
 * <ul>
 *   <li>the bot joins it (after an invitation, or a plugin's join) and its state holds
 *       {@code m.room.encryption}, with at least one member who is neither the bot nor a ghost;</li>
 *   <li>a member turns encryption on ({@code m.room.encryption}) where the bot is;</li>
 *   <li>a member sends an {@code m.room.encrypted} event where the bot is.</li>
 * </ul>
 * Handlers run on the dispatcher's threads, one event of a room at a time; they block on the
 * homeserver and the database, and throw only what those throw unexpectedly (the dispatcher logs it).
 */
public final class EncryptedRooms {
    private static final Logger log = LoggerFactory.getLogger(EncryptedRooms.class);

    /** The state event that turns encryption on in a room. */
    public static final String ROOM_ENCRYPTION = "m.room.encryption";
    /** An encrypted event, whatever it holds once decrypted. */
    public static final String ROOM_ENCRYPTED = "m.room.encrypted";
    /** How the dispatcher and the logs name this component. */
    public static final String SUBSCRIBER = "encrypted-rooms";

    private final MatrixClient matrix;
    private final UserId bot;
    private final Predicate<UserId> ghost;
    private final ToldRooms told;
    private final String notice;
    private final Clock clock;
    /** Rooms known to be told: spares a database read for every encrypted event of a busy room. */
    private final Set<RoomId> toldCache = ConcurrentHashMap.newKeySet();
    /** Rooms where the bot is not joined (ghost-only rooms): forgotten when the bot joins. */
    private final Set<RoomId> notServed = ConcurrentHashMap.newKeySet();

    /**
     * Creates the component and its table (migration {@value ToldRooms#COMPONENT}); subscribes to
     * nothing yet, see {@link #subscribe}.
     *
     * @param matrix   the bot's client
     * @param ghost    whether a user belongs to a plugin's namespace (must be quick: it runs in filters)
     * @param texts    the router's language ({@code commands.language}, else the top-level one) and address
     * @param prefix   {@code commands.prefix}
     */
    public EncryptedRooms(Database db, MatrixClient matrix, Predicate<UserId> ghost, coop.comptoir.api.text.TextSettings texts, String prefix,
                          Clock clock) {
        this.matrix = Objects.requireNonNull(matrix, "matrix");
        this.bot = matrix.userId();
        this.ghost = Objects.requireNonNull(ghost, "ghost");
        this.told = new ToldRooms(db);
        this.notice = coop.comptoir.api.text.Catalogue.load(coop.comptoir.internal.command.CommandRouterImpl.BUNDLE,
                EncryptedRooms.class, texts).text("encryption.notice", "prefix", prefix);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Subscribes the three triggers; call once, before events flow. */
    public void subscribe(Dispatcher dispatcher) {
        // The bot's own join: the only subscription that needs the bot's own events.
        dispatcher.subscribe(SUBSCRIBER, EventTypes.ROOM_MEMBER, true, this::isBotJoining, this::onBotJoined);
        dispatcher.subscribe(SUBSCRIBER, ROOM_ENCRYPTION, false, e -> e.isState() && fromAMember(e), this::onEncryption);
        dispatcher.subscribe(SUBSCRIBER, ROOM_ENCRYPTED, false, this::fromAMember, this::onEncryption);
    }

    private boolean isBotJoining(MatrixEvent e) {
        if (e.roomId() == null || !e.stateKey().filter(bot.value()::equals).isPresent()) {
            return false;
        }
        return e.membership().filter(m -> m.isJoin() && !m.isProfileChange()).isPresent();
    }

    /** A person's event: not the bot, not a ghost. */
    private boolean fromAMember(MatrixEvent e) {
        return e.roomId() != null && e.sender() != null && !e.sender().equals(bot) && !ghost.test(e.sender());
    }

    private void onBotJoined(MatrixEvent event) {
        RoomId room = event.roomId();
        notServed.remove(room);
        if (alreadyTold(room) || !isEncrypted(room) || !hasAMember(room)) {
            return;
        }
        tell(room);
    }

    /** Encryption turned on, or an encrypted event: the room is encrypted, if the bot is there to say it. */
    private void onEncryption(MatrixEvent event) {
        RoomId room = event.roomId();
        if (alreadyTold(room) || !botIsIn(room)) {
            return;
        }
        tell(room);
    }

    private boolean alreadyTold(RoomId room) {
        if (toldCache.contains(room)) {
            return true;
        }
        if (told.contains(room)) {
            toldCache.add(room);
            return true;
        }
        return false;
    }

    private boolean isEncrypted(RoomId room) {
        try {
            return matrix.getState(room, ROOM_ENCRYPTION, "").isPresent();
        } catch (MatrixException e) {
            log.warn("Could not read whether {} is encrypted: {}", room, e.getMessage());
            return false;
        }
    }

    /** Someone to tell: a joined member who is neither the bot nor a ghost. */
    private boolean hasAMember(RoomId room) {
        try {
            return matrix.joinedMembers(room).stream().anyMatch(u -> !u.equals(bot) && !ghost.test(u));
        } catch (MatrixException e) {
            log.warn("Could not list the members of {}: {}", room, e.getMessage());
            return false;
        }
    }

    /** Whether the bot is joined; a clear "no" is remembered until the bot joins. */
    private boolean botIsIn(RoomId room) {
        if (notServed.contains(room)) {
            return false;
        }
        try {
            boolean joined = matrix.getState(room, EventTypes.ROOM_MEMBER, bot.value())
                    .map(c -> "join".equals(c.path("membership").asText())).orElse(false);
            if (!joined) {
                notServed.add(room);
            }
            return joined;
        } catch (MatrixException e) {
            if (e.status() == 403) {
                notServed.add(room); // not in the room and cannot see it
            } else {
                log.warn("Could not check whether the bot is in {}: {}", room, e.getMessage());
            }
            return false;
        }
    }

    private void tell(RoomId room) {
        EventId sent;
        try {
            sent = matrix.send(room, OutgoingMessage.notice(notice), txnId(room));
        } catch (MatrixException e) {
            if (e.status() != 403) {
                log.warn("Room {} is end-to-end encrypted, but posting the notice failed ({}); trying again at its next"
                        + " encrypted event", room, e.getMessage());
                return;
            }
            remember(room, null);
            log.warn("Room {} is end-to-end encrypted: Comptoir cannot read what members write there, and may not post"
                    + " to say so ({}); not trying again", room, e.getMessage());
            return;
        }
        remember(room, sent);
        log.warn("Room {} is end-to-end encrypted: Comptoir can post there but cannot read what members write (commands"
                + " get no answer); told them once ({})", room, sent);
    }

    private void remember(RoomId room, EventId notice) {
        told.add(room, notice, clock.instant());
        toldCache.add(room);
    }

    /** One per room, forever: a repeat after a crash is the same transaction for the homeserver. */
    static String txnId(RoomId room) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(("encrypted-room\n" + room.value()).getBytes(StandardCharsets.UTF_8));
            return "encrypted-" + HexFormat.of().formatHex(h, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
