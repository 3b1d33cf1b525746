package coop.comptoir.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.api.id.EventId;
import coop.comptoir.api.id.MxcUri;
import coop.comptoir.api.id.RoomAlias;
import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.id.UserId;
import coop.comptoir.api.matrix.MatrixClient;
import coop.comptoir.api.matrix.MatrixException;
import coop.comptoir.api.matrix.MediaTooLargeException;
import coop.comptoir.api.matrix.OutgoingMessage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Matrix client that talks to no homeserver: it records what a plugin sends (messages, events,
 * state, reactions, edits, redactions) and keeps a small in-memory picture of rooms, members, state,
 * aliases and media, so that a plugin reading back what it wrote sees it. Thread-safe.
 *
 * <p>Views made with {@link #as(UserId)} share the record; each {@link Sent} says who sent it. As a
 * homeserver does, a transaction ID used again by the same sender in the same room is answered
 * with the first event and records nothing. The test can make calls fail ({@link #failNext},
 * {@link #loseNextAnswers}, {@link #failIn}) and answer the escape hatch {@link #request} for one
 * path ({@link #answer}); any other request throws.
 */
public final class RecordingMatrixClient implements MatrixClient {
    /** One event sent through the client; {@code stateKey} is null for a non-state event. */
    public record Sent(UserId sender, RoomId room, String type, String stateKey, ObjectNode content, EventId eventId,
            String txnId) {
        /** The {@code body} of the content, or null. */
        public String body() {
            return content.hasNonNull("body") ? content.get("body").asText() : null;
        }

        /** The event an edit ({@code m.replace}) replaces, or null when this is not an edit. */
        public EventId replaces() {
            JsonNode rel = content.path("m.relates_to");
            return "m.replace".equals(rel.path("rel_type").asText()) ? EventId.of(rel.path("event_id").asText()) : null;
        }

        /** What a reader sees: the new text of an edit, else the {@code body}. */
        public String text() {
            return replaces() != null && content.path("m.new_content").hasNonNull("body")
                    ? content.path("m.new_content").path("body").asText() : body();
        }

        /** The HTML the reader sees ({@code formatted_body}, the new one for an edit), or null. */
        public String html() {
            JsonNode shown = replaces() != null && content.has("m.new_content") ? content.get("m.new_content") : content;
            return shown.hasNonNull("formatted_body") ? shown.get("formatted_body").asText() : null;
        }

        /** The users the event mentions ({@code m.mentions.user_ids}). */
        public List<UserId> mentions() {
            List<UserId> out = new ArrayList<>();
            content.path("m.mentions").path("user_ids").forEach(u -> out.add(UserId.of(u.asText())));
            return out;
        }

        /** The event an answer replies to ({@code m.in_reply_to}), or null. */
        public EventId inReplyTo() {
            JsonNode to = content.path("m.relates_to").path("m.in_reply_to");
            return to.hasNonNull("event_id") ? EventId.of(to.get("event_id").asText()) : null;
        }
    }

    /** A room made with {@link #createRoom} (a direct chat too), with the request as sent. */
    public record Created(RoomId room, ObjectNode request) {}

    /** A call of the escape hatch {@link #request}. */
    public record Request(String method, String path, JsonNode body) {}

    private static final class World {
        final String serverName;
        final AtomicInteger counter = new AtomicInteger();
        final List<Sent> sent = new ArrayList<>();
        final Map<RoomId, Set<UserId>> members = new LinkedHashMap<>();
        final Map<String, ObjectNode> state = new LinkedHashMap<>();
        final Map<RoomAlias, RoomId> aliases = new LinkedHashMap<>();
        final Map<String, Long> powerLevels = new LinkedHashMap<>();
        final Map<String, byte[]> media = new LinkedHashMap<>();
        final Map<UserId, String> displayNames = new LinkedHashMap<>();
        final Map<UserId, MxcUri> avatars = new LinkedHashMap<>();
        final Map<EventId, Long> timestamps = new LinkedHashMap<>();
        final Map<String, EventId> transactions = new LinkedHashMap<>();
        final List<Created> created = new ArrayList<>();
        final List<Request> requests = new ArrayList<>();
        final Map<String, JsonNode> answers = new LinkedHashMap<>();
        final Map<RoomId, RuntimeException> broken = new LinkedHashMap<>();
        int failNext;
        int loseAnswers;

        World(String serverName) {
            this.serverName = serverName;
        }

        String next(String prefix) {
            return prefix + "fake" + counter.incrementAndGet();
        }
    }

    private final World world;
    private final UserId self;
    /** The timestamp asked with {@link #withTimestamp}, or null. */
    private final Long originServerTs;

    /** A client acting as {@code bot}, on the homeserver of {@code bot}. */
    public RecordingMatrixClient(UserId bot) {
        this(new World(bot.serverName()), bot, null);
    }

    private RecordingMatrixClient(World world, UserId self, Long originServerTs) {
        this.world = world;
        this.self = self;
        this.originServerTs = originServerTs;
    }

    // ---- what the test reads and sets up ----

    /** Everything sent so far, by every view, in order. */
    public List<Sent> sent() {
        synchronized (world) {
            return List.copyOf(world.sent);
        }
    }

    /** The messages ({@code m.room.message}) sent to {@code room}, in order. */
    public List<Sent> messagesIn(RoomId room) {
        return sent().stream().filter(s -> s.room().equals(room) && s.type().equals("m.room.message")).toList();
    }

    /** The messages sent to {@code room} that are not edits, in order. */
    public List<Sent> postsIn(RoomId room) {
        return messagesIn(room).stream().filter(m -> m.replaces() == null).toList();
    }

    /** The notices ({@code m.notice}, what bots say) sent to {@code room}, edits included, in order. */
    public List<Sent> noticesIn(RoomId room) {
        return messagesIn(room).stream().filter(m -> "m.notice".equals(m.content().path("msgtype").asText())).toList();
    }

    /**
     * The timestamp a sender asked for the event with {@link #withTimestamp} (as a bridge does for
     * messages it copies from elsewhere), or empty when it was sent without one.
     */
    public Optional<Long> timestampOf(EventId event) {
        synchronized (world) {
            return Optional.ofNullable(world.timestamps.get(event));
        }
    }

    /** The edits ({@code m.replace}) sent to {@code room}, in order. */
    public List<Sent> editsIn(RoomId room) {
        return messagesIn(room).stream().filter(m -> m.replaces() != null).toList();
    }

    /** The rooms created so far (direct chats included), in order. */
    public List<Created> createdRooms() {
        synchronized (world) {
            return List.copyOf(world.created);
        }
    }

    /** The calls of {@link #request} so far, in order. */
    public List<Request> requests() {
        synchronized (world) {
            return List.copyOf(world.requests);
        }
    }

    /**
     * Answers {@link #request} with {@code response} when the method is {@code method} and the path
     * (query included) starts with {@code pathPrefix}; the latest answer given for a prefix wins.
     */
    public RecordingMatrixClient answer(String method, String pathPrefix, JsonNode response) {
        synchronized (world) {
            world.answers.put(method + " " + pathPrefix, response.deepCopy());
        }
        return this;
    }

    /**
     * Makes the next {@code calls} calls that send a room event ({@link #send}, {@link #sendEvent},
     * {@link #edit}, {@link #redact}, {@link #react}) fail with a 502 before anything is sent, as a
     * homeserver behind a failing proxy would.
     */
    public RecordingMatrixClient failNext(int calls) {
        synchronized (world) {
            world.failNext = calls;
        }
        return this;
    }

    /** How many of the failures asked with {@link #failNext} have not happened yet. */
    public int failuresLeft() {
        synchronized (world) {
            return world.failNext;
        }
    }

    /**
     * Makes the next {@code calls} calls that send a room event do their work, then fail with a
     * network error, as when the connection drops before the answer arrives: the event is in the
     * room, the caller does not know it.
     */
    public RecordingMatrixClient loseNextAnswers(int calls) {
        synchronized (world) {
            world.loseAnswers = calls;
        }
        return this;
    }

    /**
     * Makes every call that sends a room event to {@code room} throw {@code failure} (not a homeserver
     * error: what a bug would throw), until {@link #clearFaults}.
     */
    public RecordingMatrixClient failIn(RoomId room, RuntimeException failure) {
        synchronized (world) {
            world.broken.put(room, failure);
        }
        return this;
    }

    /** Ends every failure asked with {@link #failNext}, {@link #loseNextAnswers} and {@link #failIn}. */
    public RecordingMatrixClient clearFaults() {
        synchronized (world) {
            world.failNext = 0;
            world.loseAnswers = 0;
            world.broken.clear();
        }
        return this;
    }

    /** The bodies of the messages sent to {@code room}, in order. */
    public List<String> bodiesIn(RoomId room) {
        return messagesIn(room).stream().map(Sent::body).toList();
    }

    /** Forgets what was sent (rooms, members and state stay). */
    public void clearSent() {
        synchronized (world) {
            world.sent.clear();
        }
    }

    /** Puts {@code user} in {@code room} (creating the room), as if they had joined. */
    public RecordingMatrixClient addMember(RoomId room, UserId user) {
        synchronized (world) {
            world.members.computeIfAbsent(room, r -> new LinkedHashSet<>()).add(user);
        }
        return this;
    }

    /**
     * Sets a state event of {@code room} as if it were already there (a room version in
     * {@code m.room.create}, a member's name in {@code m.room.member}…), without recording a send.
     */
    public RecordingMatrixClient putState(RoomId room, String type, String stateKey, ObjectNode content) {
        synchronized (world) {
            world.state.put(room.value() + "|" + type + "|" + stateKey, content.deepCopy());
        }
        return this;
    }

    /** Makes {@code alias} resolve to {@code room}. */
    public RecordingMatrixClient addAlias(RoomAlias alias, RoomId room) {
        synchronized (world) {
            world.aliases.put(alias, room);
        }
        return this;
    }

    /** Gives {@code user} the power level {@code level} in {@code room} (0 otherwise). */
    public RecordingMatrixClient setPowerLevel(RoomId room, UserId user, long level) {
        synchronized (world) {
            world.powerLevels.put(room.value() + "|" + user.value(), level);
        }
        return this;
    }

    /** The display name last set by {@code user}, if any. */
    public Optional<String> displayName(UserId user) {
        synchronized (world) {
            return Optional.ofNullable(world.displayNames.get(user));
        }
    }

    /** The avatar last set by {@code user} ({@link #setAvatarUrl}), if any. */
    public Optional<MxcUri> avatarUrl(UserId user) {
        synchronized (world) {
            return Optional.ofNullable(world.avatars.get(user));
        }
    }

    // ---- MatrixClient ----

    @Override
    public UserId userId() {
        return self;
    }

    @Override
    public MatrixClient as(UserId user) {
        return new RecordingMatrixClient(world, user, null);
    }

    /** A view whose events carry {@code originServerTs}, as read back with {@link #timestampOf}. */
    @Override
    public MatrixClient withTimestamp(long originServerTs) {
        return new RecordingMatrixClient(world, self, originServerTs);
    }

    @Override
    public void ensureRegistered() {
        // every user exists here
    }

    @Override
    public RoomId join(String roomIdOrAlias) {
        RoomId room = roomIdOrAlias.startsWith("#") ? resolveAlias(RoomAlias.of(roomIdOrAlias)) : RoomId.of(roomIdOrAlias);
        addMember(room, self);
        return room;
    }

    @Override
    public void invite(RoomId room, UserId user) {
        sendState(room, "m.room.member", user.value(), membership("invite"));
    }

    @Override
    public void leave(RoomId room) {
        synchronized (world) {
            Set<UserId> in = world.members.get(room);
            if (in != null) {
                in.remove(self);
            }
        }
    }

    @Override
    public void kick(RoomId room, UserId user, String reason) {
        ObjectNode content = membership("leave");
        if (reason != null) {
            content.put("reason", reason);
        }
        sendState(room, "m.room.member", user.value(), content);
        synchronized (world) {
            Set<UserId> in = world.members.get(room);
            if (in != null) {
                in.remove(user);
            }
        }
    }

    @Override
    public RoomId resolveAlias(RoomAlias alias) {
        synchronized (world) {
            RoomId room = world.aliases.get(alias);
            if (room == null) {
                throw new MatrixException(404, "M_NOT_FOUND", "Room alias " + alias + " not found");
            }
            return room;
        }
    }

    @Override
    public RoomId createRoom(ObjectNode request) {
        RoomId room;
        synchronized (world) {
            room = RoomId.of(world.next("!") + ":" + world.serverName);
        }
        addMember(room, self);
        synchronized (world) {
            world.created.add(new Created(room, request.deepCopy()));
        }
        if (request.has("room_alias_name")) {
            addAlias(RoomAlias.of(request.get("room_alias_name").asText(), world.serverName), room);
        }
        request.path("invite").forEach(u -> invite(room, UserId.of(u.asText())));
        return room;
    }

    @Override
    public EventId send(RoomId room, OutgoingMessage message, String txnId) {
        return sendRoomEvent(room, "m.room.message", message.toContent(), txnId);
    }

    @Override
    public EventId sendEvent(RoomId room, String type, ObjectNode content, String txnId) {
        return sendRoomEvent(room, type, content.deepCopy(), txnId);
    }

    @Override
    public EventId sendState(RoomId room, String type, String stateKey, ObjectNode content) {
        synchronized (world) {
            world.state.put(room.value() + "|" + type + "|" + stateKey, content.deepCopy());
        }
        return record(room, type, stateKey, content.deepCopy(), null);
    }

    @Override
    public Optional<ObjectNode> getState(RoomId room, String type, String stateKey) {
        synchronized (world) {
            ObjectNode content = world.state.get(room.value() + "|" + type + "|" + stateKey);
            return Optional.ofNullable(content).map(ObjectNode::deepCopy);
        }
    }

    @Override
    public List<UserId> joinedMembers(RoomId room) {
        synchronized (world) {
            return List.copyOf(world.members.getOrDefault(room, Set.of()));
        }
    }

    @Override
    public List<RoomId> joinedRooms() {
        synchronized (world) {
            return world.members.entrySet().stream().filter(e -> e.getValue().contains(self)).map(Map.Entry::getKey)
                    .toList();
        }
    }

    /** The event as the homeserver would give it, if it was sent through this client. */
    @Override
    public JsonNode getEvent(RoomId room, EventId event) {
        Sent s = sent().stream().filter(x -> x.eventId().equals(event) && x.room().equals(room)).findFirst()
                .orElseThrow(() -> new MatrixException(404, "M_NOT_FOUND", "Event not found"));
        ObjectNode node = JsonNodeFactory.instance.objectNode()
                .put("event_id", s.eventId().value()).put("room_id", room.value())
                .put("sender", s.sender().value()).put("type", s.type());
        if (s.stateKey() != null) {
            node.put("state_key", s.stateKey());
        }
        node.set("content", s.content().deepCopy());
        return node;
    }

    @Override
    public EventId redact(RoomId room, EventId event, String reason, String txnId) {
        ObjectNode content = JsonNodeFactory.instance.objectNode().put("redacts", event.value());
        if (reason != null) {
            content.put("reason", reason);
        }
        return sendRoomEvent(room, "m.room.redaction", content, txnId);
    }

    @Override
    public EventId react(RoomId room, EventId target, String key, String txnId) {
        ObjectNode content = JsonNodeFactory.instance.objectNode();
        content.putObject("m.relates_to").put("rel_type", "m.annotation").put("event_id", target.value()).put("key", key);
        return sendRoomEvent(room, "m.reaction", content, txnId);
    }

    @Override
    public EventId edit(RoomId room, EventId original, OutgoingMessage newContent, String txnId) {
        ObjectNode content = newContent.baseContent();
        content.put("body", "* " + newContent.body());
        content.set("m.new_content", newContent.baseContent());
        content.putObject("m.relates_to").put("rel_type", "m.replace").put("event_id", original.value());
        return sendRoomEvent(room, "m.room.message", content, txnId);
    }

    @Override
    public void setDisplayName(String displayName) {
        synchronized (world) {
            world.displayNames.put(self, displayName);
        }
    }

    @Override
    public void setAvatarUrl(MxcUri avatar) {
        synchronized (world) {
            world.avatars.put(self, avatar);
        }
    }

    @Override
    public long powerLevel(RoomId room, UserId user) {
        synchronized (world) {
            return world.powerLevels.getOrDefault(room.value() + "|" + user.value(), 0L);
        }
    }

    @Override
    public MxcUri upload(byte[] data, String contentType, String fileName) {
        synchronized (world) {
            MxcUri uri = new MxcUri(world.serverName, world.next("media"));
            world.media.put(uri.toString(), data.clone());
            return uri;
        }
    }

    @Override
    public byte[] download(MxcUri uri, long maxBytes) {
        byte[] data;
        synchronized (world) {
            data = world.media.get(uri.toString());
        }
        if (data == null) {
            throw new MatrixException(404, "M_NOT_FOUND", "Media not found");
        }
        if (data.length > maxBytes) {
            throw new MediaTooLargeException(200, maxBytes, data.length);
        }
        return data.clone();
    }

    @Override
    public long ping(String appserviceId, String transactionId) {
        return 0;
    }

    /**
     * Recorded ({@link #requests}), then answered with what {@link #answer} gave for the longest
     * matching prefix.
     *
     * @throws UnsupportedOperationException when no answer was given for the path
     */
    @Override
    public JsonNode request(String method, String path, JsonNode body) {
        synchronized (world) {
            world.requests.add(new Request(method, path, body == null ? null : body.deepCopy()));
            String key = method + " " + path;
            return world.answers.entrySet().stream().filter(e -> key.startsWith(e.getKey()))
                    .max(java.util.Comparator.comparingInt((Map.Entry<String, JsonNode> e) -> e.getKey().length()))
                    .map(e -> (JsonNode) e.getValue().deepCopy())
                    .orElseThrow(() -> new UnsupportedOperationException("RecordingMatrixClient has no answer for " + key));
        }
    }

    /** A room event with a transaction ID: the faults asked for, then sent once per transaction. */
    private EventId sendRoomEvent(RoomId room, String type, ObjectNode content, String txnId) {
        boolean lose;
        EventId id;
        synchronized (world) {
            RuntimeException broken = world.broken.get(room);
            if (broken != null) {
                throw broken;
            }
            if (world.failNext > 0) {
                world.failNext--;
                throw new MatrixException(502, "M_UNKNOWN", "Bad gateway (failure asked by the test)");
            }
            String key = self.value() + "|" + room.value() + "|" + txnId;
            id = txnId == null ? null : world.transactions.get(key);
            if (id == null) {
                id = record(room, type, null, content, txnId);
                if (txnId != null) {
                    world.transactions.put(key, id);
                }
            }
            lose = world.loseAnswers > 0;
            if (lose) {
                world.loseAnswers--;
            }
        }
        if (lose) {
            throw new MatrixException("connection reset (answer lost, as asked by the test)", new java.io.IOException("reset"));
        }
        return id;
    }

    private EventId record(RoomId room, String type, String stateKey, ObjectNode content, String txnId) {
        synchronized (world) {
            EventId id = EventId.of(world.next("$"));
            world.sent.add(new Sent(self, room, type, stateKey, content, id, txnId));
            if (originServerTs != null) {
                world.timestamps.put(id, originServerTs);
            }
            return id;
        }
    }

    private static ObjectNode membership(String value) {
        return JsonNodeFactory.instance.objectNode().put("membership", value);
    }
}
