package coop.comptoir.internal.matrix;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.api.id.EventId;
import coop.comptoir.api.id.MxcUri;
import coop.comptoir.api.id.RoomAlias;
import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.id.UserId;
import coop.comptoir.api.matrix.MatrixClient;
import coop.comptoir.api.matrix.MatrixException;
import coop.comptoir.api.matrix.OutgoingMessage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.RequestBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link MatrixClient} over HTTP with OkHttp, authenticated with the appservice's {@code as_token}.
 *
 * <p>Every request carries {@code Authorization: Bearer <as_token>} (never a query parameter, so
 * URLs may be logged); a client derived with {@link #as(UserId)} adds {@code ?user_id=} (identity
 * assertion). Transient failures are retried according to the {@link RetryPolicy}: rate limits wait
 * for the server's {@code Retry-After} header, else its {@code retry_after_ms}, else the backoff; 5xx
 * answers and network errors wait for the backoff; the waits of one call are capped in all
 * ({@link RetryPolicy#maxWait()}). Other errors are thrown at once.
 *
 * <p>Rooms created here are not end-to-end encrypted unless the bot reads encrypted rooms
 * ({@code encryption.enabled}): then the bot's direct chats are encrypted, see {@link #createDirectChat}.
 *
 * <p>Two calls deviate on purpose: {@link #createRoom} and {@link #ping} retry rate limits only, since
 * repeating a room creation that may have succeeded creates a second room, and a failed ping is an
 * answer about this appservice, not a hiccup of the homeserver.
 */
public final class HttpMatrixClient implements MatrixClient {
    private static final Logger LOG = LoggerFactory.getLogger(HttpMatrixClient.class);

    /** Local errcode for a 2xx answer that does not hold what the spec promises. */
    public static final String BAD_RESPONSE = "BAD_RESPONSE";

    private static final String ENCRYPTION = "m.room.encryption";
    private static final MediaType JSON = MediaType.get("application/json");
    private static final MediaType OCTET_STREAM = MediaType.get("application/octet-stream");

    static final String V3 = "/_matrix/client/v3";
    static final String REGISTER = V3 + "/register";
    static final String JOIN = V3 + "/join/{roomIdOrAlias}";
    static final String INVITE = V3 + "/rooms/{roomId}/invite";
    static final String LEAVE = V3 + "/rooms/{roomId}/leave";
    static final String KICK = V3 + "/rooms/{roomId}/kick";
    static final String ALIAS = V3 + "/directory/room/{roomAlias}";
    static final String CREATE_ROOM = V3 + "/createRoom";
    static final String SEND = V3 + "/rooms/{roomId}/send/{eventType}/{txnId}";
    static final String STATE = V3 + "/rooms/{roomId}/state/{eventType}/{stateKey}";
    static final String JOINED_MEMBERS = V3 + "/rooms/{roomId}/joined_members";
    static final String JOINED_ROOMS = V3 + "/joined_rooms";
    static final String EVENT = V3 + "/rooms/{roomId}/event/{eventId}";
    static final String REDACT = V3 + "/rooms/{roomId}/redact/{eventId}/{txnId}";
    static final String DISPLAY_NAME = V3 + "/profile/{userId}/displayname";
    static final String AVATAR_URL = V3 + "/profile/{userId}/avatar_url";
    static final String UPLOAD = "/_matrix/media/v3/upload";
    static final String DOWNLOAD = "/_matrix/client/v1/media/download/{serverName}/{mediaId}";
    /** The unauthenticated path, for homeservers older than Matrix 1.11 (the one above answers M_UNRECOGNIZED). */
    static final String LEGACY_DOWNLOAD = "/_matrix/media/v3/download/{serverName}/{mediaId}";
    static final String PING = "/_matrix/client/v1/appservice/{appserviceId}/ping";
    /** Template reported for {@link #request}: its path is free, so it is not a label. */
    static final String CUSTOM = "/_matrix/{custom}";

    private final HttpUrl homeserver;
    private final MatrixTransport transport;
    private final UserId bot;
    private final ObjectMapper json;
    private final UserId user;
    private final Long ts;
    /** {@code encryption.enabled}: what the bot sends to encrypted rooms goes through it; shared by derived clients. */
    private final java.util.concurrent.atomic.AtomicReference<Encryptor> encryptor;

    /**
     * Turns an event of the bot into its {@code m.room.encrypted} form when its room is encrypted.
     * Called for every event the bot (not a ghost) sends; may block on the homeserver.
     */
    @FunctionalInterface
    public interface Encryptor {
        /**
         * @return the encrypted content, or null to send the event as it is (the room is not encrypted)
         * @throws MatrixException when the room is encrypted but the event could not be encrypted
         */
        ObjectNode encrypt(RoomId room, String type, ObjectNode content);
    }

    /** Sets the bot's encryptor (once, at start-up, before plugins send). */
    public void encryptWith(Encryptor e) {
        encryptor.set(e);
    }

    /** Set once the homeserver turned out to lack authenticated media; shared by derived clients. */
    private final java.util.concurrent.atomic.AtomicBoolean legacyMedia;

    /**
     * @param homeserver base URL of the client-server API ({@code http://127.0.0.1:8008}); a path prefix is kept
     * @param asToken    the registration's {@code as_token}
     * @param bot        the appservice's own user ({@code sender_localpart} on the server)
     * @param http       the shared client, used as is
     * @param json       the shared mapper
     * @param listener   told about every exchange, or {@code null} for none
     */
    public HttpMatrixClient(HttpUrl homeserver, String asToken, UserId bot, OkHttpClient http, ObjectMapper json,
                            RetryPolicy retry, RequestListener listener) {
        this.homeserver = Objects.requireNonNull(homeserver, "homeserver");
        this.bot = Objects.requireNonNull(bot, "bot");
        this.json = Objects.requireNonNull(json, "json");
        this.transport = new MatrixTransport(asToken, Objects.requireNonNull(http, "http"), json,
                Objects.requireNonNull(retry, "retry"), listener);
        this.user = bot;
        this.ts = null;
        this.legacyMedia = new java.util.concurrent.atomic.AtomicBoolean();
        this.encryptor = new java.util.concurrent.atomic.AtomicReference<>();
    }

    private HttpMatrixClient(HttpMatrixClient from, UserId user, Long ts) {
        this.homeserver = from.homeserver;
        this.transport = from.transport;
        this.bot = from.bot;
        this.json = from.json;
        this.user = user;
        this.ts = ts;
        this.legacyMedia = from.legacyMedia;
        this.encryptor = from.encryptor;
    }

    @Override
    public UserId userId() {
        return user;
    }

    @Override
    public MatrixClient as(UserId other) {
        return new HttpMatrixClient(this, Objects.requireNonNull(other, "user"), ts);
    }

    @Override
    public MatrixClient withTimestamp(long originServerTs) {
        return new HttpMatrixClient(this, user, originServerTs);
    }

    /** {@inheritDoc} Sent without {@code ?user_id=}; {@code M_USER_IN_USE} counts as success, {@code M_EXCLUSIVE} is thrown. */
    @Override
    public void ensureRegistered() {
        ObjectNode body = json.createObjectNode()
                .put("type", "m.login.application_service")
                .put("username", user.localpart())
                // No device and no access token: the appservice acts through its own token.
                .put("inhibit_login", true);
        try {
            new Call("POST", REGISTER).withoutIdentity().body(body).fetch();
            LOG.debug("Registered {}", user);
        } catch (MatrixException e) {
            if (!"M_USER_IN_USE".equals(e.errcode())) {
                throw e;
            }
        }
    }

    @Override
    public RoomId join(String roomIdOrAlias) {
        Objects.requireNonNull(roomIdOrAlias, "roomIdOrAlias");
        return RoomId.of(text(new Call("POST", JOIN, roomIdOrAlias).body(empty()).fetch(), "room_id"));
    }

    @Override
    public void invite(RoomId room, UserId invitee) {
        new Call("POST", INVITE, room.value()).body(empty().put("user_id", invitee.value())).fetch();
    }

    @Override
    public void leave(RoomId room) {
        new Call("POST", LEAVE, room.value()).body(empty()).fetch();
    }

    /** {@inheritDoc} {@code reason} may be {@code null}. */
    @Override
    public void kick(RoomId room, UserId target, String reason) {
        ObjectNode body = empty().put("user_id", target.value());
        if (reason != null) {
            body.put("reason", reason);
        }
        new Call("POST", KICK, room.value()).body(body).fetch();
    }

    /** {@inheritDoc} An unknown alias is thrown as {@code M_NOT_FOUND}. */
    @Override
    public RoomId resolveAlias(RoomAlias alias) {
        return RoomId.of(text(new Call("GET", ALIAS, alias.value()).fetch(), "room_id"));
    }

    /**
     * {@inheritDoc} Not repeated after a 5xx or a network error: the room may exist already. One more
     * request after the creation reads whether the homeserver encrypted the room anyway. With
     * {@code encryption.enabled} (an {@link Encryptor} set), the bot reads encrypted rooms: a request
     * for encryption is sent as it is, and an encrypted room is no cause for a warning.
     */
    @Override
    public RoomId createRoom(ObjectNode request) {
        Objects.requireNonNull(request, "request");
        boolean readsEncrypted = readsEncryptedRooms();
        for (JsonNode initial : request.path("initial_state")) {
            if (!readsEncrypted && ENCRYPTION.equals(initial.path("type").asText())) {
                throw new IllegalArgumentException("createRoom: Comptoir cannot read end-to-end encrypted rooms"
                        + " (encryption.enabled is off), so the rooms it creates are not encrypted (remove "
                        + ENCRYPTION + " from initial_state)");
            }
        }
        RoomId room = RoomId.of(text(new Call("POST", CREATE_ROOM).rateLimitRetriesOnly().body(request).fetch(), "room_id"));
        if (!readsEncrypted) {
            warnIfEncrypted(room);
        }
        return room;
    }

    /**
     * {@inheritDoc} With {@code encryption.enabled}, the bot's direct chats are end-to-end encrypted
     * (Megolm), as Element's are: the bot reads them, and a personal reminder is private. A ghost's
     * stay plain: ghosts have no device.
     */
    @Override
    public RoomId createDirectChat(UserId member) {
        ObjectNode request = json.createObjectNode().put("preset", "trusted_private_chat").put("is_direct", true);
        request.putArray("invite").add(member.value());
        if (readsEncryptedRooms()) {
            ObjectNode state = request.putArray("initial_state").addObject();
            state.put("type", ENCRYPTION).put("state_key", "");
            state.putObject("content").put("algorithm", "m.megolm.v1.aes-sha2");
        }
        return createRoom(request);
    }

    /** {@inheritDoc} The bot, with an encryptor set. */
    @Override
    public boolean readsEncryptedRooms() {
        return user.equals(bot) && encryptor.get() != null;
    }

    /** A homeserver may encrypt new rooms whatever the request says (Synapse: encryption_enabled_by_default_for_room_type). */
    private void warnIfEncrypted(RoomId room) {
        try {
            if (getState(room, ENCRYPTION, "").isPresent()) {
                LOG.warn("The homeserver made the new room {} end-to-end encrypted although Comptoir did not ask for it"
                        + " (Synapse: encryption_enabled_by_default_for_room_type): Comptoir can post there but cannot read"
                        + " what members write, so their commands get no answer", room);
            }
        } catch (MatrixException e) {
            LOG.warn("Could not read whether the new room {} is encrypted: {}", room, e.getMessage());
        }
    }

    @Override
    public EventId send(RoomId room, OutgoingMessage message, String txnId) {
        return sendEvent(room, "m.room.message", message.toContent(), txnId);
    }

    @Override
    public EventId sendEvent(RoomId room, String type, ObjectNode content, String txnId) {
        Objects.requireNonNull(content, "content");
        Encryptor e = user.equals(bot) ? encryptor.get() : null; // ghosts stay unencrypted senders
        ObjectNode encrypted = e == null ? null : e.encrypt(room, type, content);
        if (encrypted != null) {
            type = "m.room.encrypted";
            content = encrypted;
        }
        Call call = new Call("PUT", SEND, room.value(), type, txn(txnId)).timestamped().body(content);
        return EventId.of(text(call.fetch(), "event_id"));
    }

    @Override
    public EventId sendState(RoomId room, String type, String stateKey, ObjectNode content) {
        Objects.requireNonNull(content, "content");
        Call call = new Call("PUT", STATE, room.value(), type, stateKey).timestamped().body(content);
        return EventId.of(text(call.fetch(), "event_id"));
    }

    /** {@inheritDoc} Only {@code 404 M_NOT_FOUND} is "none"; other errors (not in the room: 403) are thrown. */
    @Override
    public Optional<ObjectNode> getState(RoomId room, String type, String stateKey) {
        return state(room, type, stateKey, false);
    }

    /** The state event, content or whole client-format event ({@code ?format=event}). */
    private Optional<ObjectNode> state(RoomId room, String type, String stateKey, boolean wholeEvent) {
        Call call = new Call("GET", STATE, room.value(), type, stateKey);
        if (wholeEvent) {
            call.query("format", "event");
        }
        try {
            return Optional.of(object(call.fetch()));
        } catch (MatrixException e) {
            if (e.status() == 404 && "M_NOT_FOUND".equals(e.errcode())) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public List<UserId> joinedMembers(RoomId room) {
        JsonNode joined = new Call("GET", JOINED_MEMBERS, room.value()).fetch().path("joined");
        List<UserId> members = new ArrayList<>();
        joined.fieldNames().forEachRemaining(id -> members.add(UserId.of(id)));
        return List.copyOf(members);
    }

    @Override
    public List<RoomId> joinedRooms() {
        List<RoomId> rooms = new ArrayList<>();
        new Call("GET", JOINED_ROOMS).fetch().path("joined_rooms").forEach(id -> rooms.add(RoomId.of(id.asText())));
        return List.copyOf(rooms);
    }

    @Override
    public JsonNode getEvent(RoomId room, EventId event) {
        return new Call("GET", EVENT, room.value(), event.value()).fetch();
    }

    /** {@inheritDoc} {@code reason} may be {@code null}. */
    @Override
    public EventId redact(RoomId room, EventId event, String reason, String txnId) {
        ObjectNode body = empty();
        if (reason != null) {
            body.put("reason", reason);
        }
        Call call = new Call("PUT", REDACT, room.value(), event.value(), txn(txnId)).body(body);
        return EventId.of(text(call.fetch(), "event_id"));
    }

    @Override
    public EventId react(RoomId room, EventId target, String key, String txnId) {
        Objects.requireNonNull(key, "key");
        ObjectNode content = empty();
        content.putObject("m.relates_to")
                .put("rel_type", "m.annotation")
                .put("event_id", target.value())
                .put("key", key);
        return sendEvent(room, "m.reaction", content, txnId);
    }

    /**
     * {@inheritDoc} The fallback body is {@code "* "} and the new text, for clients without edits.
     * The top-level {@code m.mentions} is empty: an edit does not notify again (whom the original
     * mentioned is not known here), while {@code m.new_content} keeps the mentions of the new text.
     */
    @Override
    public EventId edit(RoomId room, EventId original, OutgoingMessage newContent, String txnId) {
        ObjectNode content = empty()
                .put("msgtype", newContent.msgtype())
                .put("body", "* " + newContent.body());
        if (newContent.htmlBody() != null) {
            content.put("format", "org.matrix.custom.html");
            content.put("formatted_body", "* " + newContent.htmlBody());
        }
        content.putObject("m.mentions");
        content.set("m.new_content", newContent.baseContent());
        content.putObject("m.relates_to")
                .put("rel_type", "m.replace")
                .put("event_id", original.value());
        return sendEvent(room, "m.room.message", content, txnId);
    }

    @Override
    public void setDisplayName(String displayName) {
        new Call("PUT", DISPLAY_NAME, user.value()).body(empty().put("displayname", displayName)).fetch();
    }

    @Override
    public void setAvatarUrl(MxcUri avatar) {
        new Call("PUT", AVATAR_URL, user.value()).body(empty().put("avatar_url", avatar.toString())).fetch();
    }

    /**
     * {@inheritDoc} Room creators in room version 12 and later rank above any number:
     * {@link Long#MAX_VALUE}. Without a power-levels event the creator has 100 and everyone else 0.
     * Two requests: the create event and the power levels.
     */
    @Override
    public long powerLevel(RoomId room, UserId member) {
        Optional<ObjectNode> create = state(room, "m.room.create", "", true);
        String creator = create.map(e -> e.path("sender").asText(null)).orElse(null);
        JsonNode createContent = create.map(e -> e.has("content") ? e.path("content") : e).orElse(empty());
        if (creatorsArePrivileged(createContent.path("room_version").asText("1"))
                && (member.value().equals(creator) || contains(createContent.path("additional_creators"), member.value()))) {
            return Long.MAX_VALUE;
        }
        Optional<ObjectNode> levels = getState(room, "m.room.power_levels", "");
        if (levels.isEmpty()) {
            return member.value().equals(creator) ? 100 : 0;
        }
        JsonNode level = levels.get().path("users").path(member.value());
        if (level.isMissingNode() || level.isNull()) {
            level = levels.get().path("users_default");
        }
        return level.asLong(0);
    }

    /** Room version 12 made creators' power infinite; later versions keep that rule. */
    private static boolean creatorsArePrivileged(String roomVersion) {
        boolean numbered = !roomVersion.isEmpty() && roomVersion.length() <= 6
                && roomVersion.chars().allMatch(c -> c >= '0' && c <= '9');
        return numbered && Integer.parseInt(roomVersion) >= 12;
    }

    private static boolean contains(JsonNode array, String value) {
        for (JsonNode n : array) {
            if (value.equals(n.asText())) {
                return true;
            }
        }
        return false;
    }

    /** {@inheritDoc} {@code contentType} and {@code fileName} may be {@code null}. */
    @Override
    public MxcUri upload(byte[] data, String contentType, String fileName) {
        Objects.requireNonNull(data, "data");
        MediaType type = contentType == null ? OCTET_STREAM : MediaType.get(contentType);
        Call call = new Call("POST", UPLOAD).body(RequestBody.create(data, type));
        if (fileName != null) {
            call.query("filename", fileName);
        }
        return MxcUri.parse(text(call.fetch(), "content_uri"));
    }

    @Override
    public byte[] download(MxcUri uri, long maxBytes) {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes must not be negative: " + maxBytes);
        }
        if (!legacyMedia.get()) {
            Call call = new Call("GET", DOWNLOAD, uri.serverName(), uri.mediaId());
            try {
                return transport.execute(call.method, call.template, call.url.build(), null, true, maxBytes);
            } catch (MatrixException e) {
                if (!"M_UNRECOGNIZED".equals(e.errcode())) {
                    throw e;
                }
                LOG.info("The homeserver has no authenticated media download (Matrix 1.11): using {} instead", LEGACY_DOWNLOAD);
                legacyMedia.set(true);
            }
        }
        Call call = new Call("GET", LEGACY_DOWNLOAD, uri.serverName(), uri.mediaId());
        return transport.execute(call.method, call.template, call.url.build(), null, true, maxBytes);
    }

    /** {@inheritDoc} {@code transactionId} may be {@code null}. Only rate limits are retried. */
    @Override
    public long ping(String appserviceId, String transactionId) {
        ObjectNode body = empty();
        if (transactionId != null) {
            body.put("transaction_id", transactionId);
        }
        JsonNode answer = new Call("POST", PING, appserviceId).rateLimitRetriesOnly().body(body).fetch();
        JsonNode duration = answer.path("duration_ms");
        if (!duration.canConvertToLong()) {
            throw new MatrixException(200, BAD_RESPONSE, "POST " + PING + ": answer lacks duration_ms");
        }
        return duration.asLong();
    }

    /**
     * {@inheritDoc} {@code path} is already percent-encoded and may end with a query; {@code body}
     * may be {@code null} (none for GET and DELETE, {@code {}} otherwise). The identity assertion is
     * added unless the query has a {@code user_id}. Metrics see it as {@code /_matrix/{custom}}.
     */
    @Override
    public JsonNode request(String method, String path, JsonNode body) {
        Objects.requireNonNull(method, "method");
        if (path == null || !path.startsWith("/_matrix/")) {
            throw new IllegalArgumentException("path must start with /_matrix/: " + path);
        }
        int q = path.indexOf('?');
        HttpUrl.Builder url = homeserver.newBuilder().addEncodedPathSegments(path.substring(1, q < 0 ? path.length() : q));
        if (q >= 0) {
            url.encodedQuery(path.substring(q + 1));
        }
        Call call = new Call(method.toUpperCase(Locale.ROOT), CUSTOM, url);
        boolean bodiless = call.method.equals("GET") || call.method.equals("DELETE");
        if (body != null && call.method.equals("GET")) {
            throw new IllegalArgumentException("a GET request has no body");
        }
        if (body != null || !bodiless) {
            call.body(body == null ? empty() : body);
        }
        return call.fetch();
    }

    @Override
    public String toString() {
        return "HttpMatrixClient[" + homeserver + " as " + user + "]";
    }

    // ---------------------------------------------------------------------------------------------

    private ObjectNode empty() {
        return json.createObjectNode();
    }

    private static String txn(String txnId) {
        return txnId != null ? txnId : "c" + UUID.randomUUID().toString().replace("-", "");
    }

    private static String text(JsonNode answer, String field) {
        JsonNode value = answer.path(field);
        if (!value.isTextual()) {
            throw new MatrixException(200, BAD_RESPONSE, "answer lacks " + field);
        }
        return value.asText();
    }

    private static ObjectNode object(JsonNode answer) {
        if (!(answer instanceof ObjectNode o)) {
            throw new MatrixException(200, BAD_RESPONSE, "answer is not a JSON object");
        }
        return o;
    }

    /** One request: built, then sent (with retries) by {@link #fetch} or {@link #fetchBytes}. */
    private final class Call {
        final String method;
        final String template;
        final HttpUrl.Builder url;
        RequestBody body;
        boolean retryFailures = true;

        /** {@code args} fill the {@code {placeholders}} of {@code template} in order, one path segment each. */
        Call(String method, String template, String... args) {
            this(method, template, pathOf(template, args));
        }

        Call(String method, String template, HttpUrl.Builder url) {
            this.method = method;
            this.template = template;
            this.url = url;
            if (!user.equals(bot) && url.build().queryParameter("user_id") == null) {
                url.addQueryParameter("user_id", user.value());
            }
        }

        Call withoutIdentity() {
            url.removeAllQueryParameters("user_id");
            return this;
        }

        Call timestamped() {
            if (ts != null) {
                url.addQueryParameter("ts", Long.toString(ts));
            }
            return this;
        }

        Call rateLimitRetriesOnly() {
            retryFailures = false;
            return this;
        }

        Call query(String name, String value) {
            url.addQueryParameter(name, value);
            return this;
        }

        Call body(JsonNode content) {
            try {
                return body(RequestBody.create(json.writeValueAsBytes(WellFormedJson.of(content)), JSON));
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot serialize the body of " + method + " " + template, e);
            }
        }

        Call body(RequestBody requestBody) {
            this.body = requestBody;
            return this;
        }

        /** The JSON answer ({@code {}} for an empty one). */
        JsonNode fetch() {
            byte[] answer = fetchBytes();
            if (answer.length == 0) {
                return empty();
            }
            try {
                return json.readTree(answer);
            } catch (IOException e) {
                throw new MatrixException(200, BAD_RESPONSE, method + " " + template + ": answer is not JSON");
            }
        }

        /** The answer's bytes, after retrying what is transient; throws what is left. */
        byte[] fetchBytes() {
            return transport.execute(method, template, url.build(), body, retryFailures);
        }
    }

    /** {@code homeserver} + {@code template} with each {@code {placeholder}} replaced by the next arg, percent-encoded. */
    private HttpUrl.Builder pathOf(String template, String... args) {
        HttpUrl.Builder url = homeserver.newBuilder();
        Iterator<String> values = Arrays.asList(args).iterator();
        for (String segment : template.substring(1).split("/")) {
            if (!segment.startsWith("{")) {
                url.addPathSegment(segment);
                continue;
            }
            String value = Objects.requireNonNull(values.next(), segment);
            // OkHttp drops "." and resolves ".."; an empty segment is only valid as the last one.
            if (value.equals(".") || value.equals("..") || (value.isEmpty() && !segment.equals("{stateKey}"))) {
                throw new IllegalArgumentException(segment + " cannot be \"" + value + "\"");
            }
            url.addPathSegment(value);
        }
        if (values.hasNext()) {
            throw new IllegalStateException("too many arguments for " + template);
        }
        return url;
    }
}
