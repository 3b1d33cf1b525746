package coop.comptoir.api.matrix;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.api.id.EventId;
import coop.comptoir.api.id.MxcUri;
import coop.comptoir.api.id.RoomAlias;
import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.id.UserId;
import java.util.List;
import java.util.Optional;

/**
 * The client-server API, spoken as the application service. Every call blocks until the
 * homeserver answered; rate limits ({@code M_LIMIT_EXCEEDED}), 5xx answers and network errors are
 * retried inside the call (with the server's {@code retry_after_ms} / {@code Retry-After}, else
 * exponential backoff); what is still failing then, or fails for good, is thrown as a
 * {@link MatrixException} carrying the errcode. One call waits 5 minutes at most in all: a server
 * asking for a longer wait gets its {@code M_LIMIT_EXCEEDED} thrown at once.
 *
 * <p>Two calls are not repeated after a 5xx or a network error, because a repeat could do the work
 * twice or hide the answer: {@link #createRoom} (a second room) and {@link #ping} (its 502 is the
 * news). They still wait and retry on a rate limit.
 *
 * <p>Instances are immutable and thread-safe. {@link #as(UserId)} and {@link #withTimestamp(long)}
 * derive a client that acts as a ghost user or sets {@code ?ts=}; the original is unchanged.
 *
 * <p>Sending methods take a transaction ID: the homeserver answers a repeated one with the event it
 * already sent, so retrying after a crash never duplicates a message. Pass a value derived from what
 * caused the send (for example the ID of the event being answered); {@code null} picks a random one.
 */
public interface MatrixClient {
    /** The user this client acts as: the bot (sender_localpart) unless derived with {@link #as}. */
    UserId userId();

    /** A client acting as {@code user} (identity assertion, {@code ?user_id=}); the user must be in a namespace of the appservice. */
    MatrixClient as(UserId user);

    /** A client whose send and state calls set {@code ?ts=} (timestamp massaging, for imports). */
    MatrixClient withTimestamp(long originServerTs);

    /** Registers this client's user ({@code m.login.application_service}); already registered is fine. */
    void ensureRegistered();

    RoomId join(String roomIdOrAlias);

    void invite(RoomId room, UserId user);

    void leave(RoomId room);

    void kick(RoomId room, UserId user, String reason);

    RoomId resolveAlias(RoomAlias alias);

    /**
     * Creates a room; {@code request} is the body of {@code POST /createRoom} (name, preset, invite, …).
     *
     * <p>Unless {@code encryption.enabled} is on, Comptoir reads plain events only, so the rooms it
     * creates are not end-to-end encrypted: a request whose {@code initial_state} holds
     * {@code m.room.encryption} is refused. If the homeserver encrypts the room anyway (Synapse's
     * {@code encryption_enabled_by_default_for_room_type}), the room is created and returned, and a
     * warning says that Comptoir cannot read it. With {@code encryption.enabled}, the bot's client
     * sends such a request as it is and does not warn: it reads encrypted rooms.
     *
     * @throws IllegalArgumentException if the request asks for encryption that the sender could not
     *     read (nothing is sent)
     */
    RoomId createRoom(ObjectNode request);

    /**
     * Opens a direct chat with {@code user} (preset {@code trusted_private_chat}, {@code is_direct},
     * {@code user} invited) and returns it. Not end-to-end encrypted, so that Comptoir can read what
     * the member answers there, except the bot's own with {@code encryption.enabled} (it reads
     * encrypted rooms then, and a direct chat is private). Blocks; each call creates a new room.
     */
    default RoomId createDirectChat(UserId user) {
        ObjectNode request = JsonNodeFactory.instance.objectNode()
                .put("preset", "trusted_private_chat")
                .put("is_direct", true);
        request.putArray("invite").add(user.value());
        return createRoom(request);
    }

    /**
     * Whether this client's user reads end-to-end encrypted rooms: true for the bot when
     * {@code encryption.enabled} is on (it has a device, decrypts what members write and encrypts
     * what it sends); false otherwise, and always for ghosts. Does not block.
     */
    default boolean readsEncryptedRooms() {
        return false;
    }

    EventId send(RoomId room, OutgoingMessage message, String txnId);

    EventId sendEvent(RoomId room, String type, ObjectNode content, String txnId);

    EventId sendState(RoomId room, String type, String stateKey, ObjectNode content);

    /** The content of a state event, or empty if there is none. */
    Optional<ObjectNode> getState(RoomId room, String type, String stateKey);

    /** The users joined to a room. */
    List<UserId> joinedMembers(RoomId room);

    /** The rooms this client's user has joined. */
    List<RoomId> joinedRooms();

    /** Fetches one event. */
    JsonNode getEvent(RoomId room, EventId event);

    EventId redact(RoomId room, EventId event, String reason, String txnId);

    /** Sends an {@code m.reaction} with {@code key} (an emoji) to {@code target}. */
    EventId react(RoomId room, EventId target, String key, String txnId);

    /** Replaces the content of {@code original} ({@code m.replace}). */
    EventId edit(RoomId room, EventId original, OutgoingMessage newContent, String txnId);

    void setDisplayName(String displayName);

    void setAvatarUrl(MxcUri avatar);

    /** The power level of {@code user} in the room, from {@code m.room.power_levels}. */
    long powerLevel(RoomId room, UserId user);

    MxcUri upload(byte[] data, String contentType, String fileName);

    /**
     * Downloads media through the authenticated endpoint ({@code /_matrix/client/v1/media/download}),
     * reading at most {@code maxBytes}: the download stops as soon as the file is known to be larger
     * (a larger {@code Content-Length}, or more bytes than that arriving, with or without a declared
     * length), so a large file never fills the memory. Pass the limit of what the file is for (the
     * remote network's upload limit, an avatar's size); there is no unbounded variant. Blocks; failures
     * are retried like other calls.
     *
     * @throws MediaTooLargeException when the file is larger than {@code maxBytes}
     * @throws MatrixException        when the homeserver refuses ({@code M_NOT_FOUND}) or cannot be reached
     * @throws IllegalArgumentException when {@code maxBytes} is negative
     */
    byte[] download(MxcUri uri, long maxBytes);

    /**
     * Asks the homeserver to call this appservice's {@code /ping}; returns the round trip in ms.
     *
     * @throws MatrixException with {@code M_CONNECTION_FAILED} / {@code M_BAD_STATUS} if the homeserver cannot reach us
     */
    long ping(String appserviceId, String transactionId);

    /** Escape hatch for an endpoint this interface lacks: the path starts with {@code /_matrix/}. */
    JsonNode request(String method, String path, JsonNode body);
}
