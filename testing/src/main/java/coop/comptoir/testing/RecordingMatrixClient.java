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
import coop.comptoir.api.matrix.OutgoingMessage;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A Matrix client that talks to no homeserver: it records what a plugin sends (messages, events,
 * state, reactions, edits, redactions) and keeps a small in-memory picture of rooms, members, state,
 * aliases and media, so that a plugin reading back what it wrote sees it. Thread-safe.
 *
 * <p>Views made with {@link #as(UserId)} share the record; each {@link Sent} says who sent it. As a
 * homeserver does, a transaction ID used again by the same sender in the same room is answered
 * with the first event and records nothing. The test can make calls fail ({@link #failNext},
 * {@link #failUntilCleared}, {@link #loseNextAnswers}, {@link #failIn}). The escape hatch
 * {@link #request} answers what a test gave for a path ({@link #answer}), else, from the live
 * picture, {@code /joined_members}, a room's {@code /state} and {@code /messages} and
 * {@code /media/config}; any other request throws. {@link #forgetTransactionIds} plays a homeserver
 * restart. Media go to a {@link FakeMediaRepository} ({@link #media()}).
 *
 * <p>By default anyone may send anywhere and join any room. {@link #strictMembership()} makes it
 * behave as Synapse does for membership, to test a plugin that must join or invite first.
 */
public final class RecordingMatrixClient implements MatrixClient {
    /**
     * One event sent through the client; {@code stateKey} is null for a non-state event. What a
     * reader sees of its content (body, text of an edit, HTML, mentions, reply) comes from
     * {@link EventContent}.
     */
    public record Sent(UserId sender, RoomId room, String type, String stateKey, ObjectNode content, EventId eventId,
            String txnId, Long timestamp) implements EventContent {}

    /** A room made with {@link #createRoom} (a direct chat too), with the request as sent. */
    public record Created(RoomId room, ObjectNode request) {}

    /** A call of the escape hatch {@link #request}. */
    public record Request(String method, String path, JsonNode body) {}

    private final FakeHomeserver world;
    private final UserId self;
    /** The timestamp asked with {@link #withTimestamp}, or null. */
    private final Long originServerTs;

    /** A client acting as {@code bot}, on the homeserver of {@code bot}. */
    public RecordingMatrixClient(UserId bot) {
        this(new FakeHomeserver(bot), bot, null);
    }

    private RecordingMatrixClient(FakeHomeserver world, UserId self, Long originServerTs) {
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

    /**
     * The messages people posted in {@code room} (and, for a bridge, the remote users it speaks for):
     * neither notices (what bots say) nor edits, in order.
     */
    public List<Sent> chatIn(RoomId room) {
        return postsIn(room).stream().filter(m -> !m.isNotice()).toList();
    }

    /** The events sent to {@code room} that are not state (messages, reactions, redactions…), in order. */
    public List<Sent> eventsIn(RoomId room) {
        return sent().stream().filter(s -> s.room().equals(room) && s.stateKey() == null).toList();
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
        return failNext(calls, new MatrixException(502, "M_UNKNOWN", "Bad gateway (failure asked by the test)"), MatrixCall.SEND);
    }

    /**
     * Makes the next {@code times} calls of the kinds {@code calls} (every kind when none is given)
     * throw {@code failure} before doing anything: a homeserver answering 502 or 429, a refusal
     * ({@code new MatrixException(403, "M_FORBIDDEN", …)}), a network failure
     * ({@code new MatrixException(0, MatrixException.NETWORK, …)}). Failures asked earlier come first.
     */
    public RecordingMatrixClient failNext(int times, MatrixException failure, MatrixCall... calls) {
        if (times < 0) {
            throw new IllegalArgumentException("times < 0");
        }
        world.faults.add(List.of(calls), failure, times);
        return this;
    }

    /** As {@link #failNext(int, MatrixException, MatrixCall...)}, for every call until {@link #clearFaults}. */
    public RecordingMatrixClient failUntilCleared(MatrixException failure, MatrixCall... calls) {
        world.faults.add(List.of(calls), failure, -1);
        return this;
    }

    /** How many of the failures asked with {@link #failNext} have not happened yet. */
    public int failuresLeft() {
        return world.faults.left();
    }

    /**
     * Makes the next {@code calls} calls that send a room event do their work, then fail with a
     * network error, as when the connection drops before the answer arrives: the event is in the
     * room, the caller does not know it.
     */
    public RecordingMatrixClient loseNextAnswers(int calls) {
        return loseNextAnswers(calls, null);
    }

    /**
     * As {@link #loseNextAnswers(int)}, the calls failing with {@code failure} once their work is
     * done: a {@code new MatrixException(504, "M_UNKNOWN", …)} plays a proxy that gave up waiting
     * while the homeserver stored the event; null is the dropped connection.
     */
    public RecordingMatrixClient loseNextAnswers(int calls, MatrixException failure) {
        synchronized (world) {
            world.loseAnswers = calls;
            world.lostAnswer = failure;
        }
        return this;
    }

    /**
     * Forgets the transaction IDs seen so far, as Synapse does when it restarts (it keeps an
     * appservice's transaction IDs in memory only): a send retried after this with the same
     * transaction ID makes a second event. With {@link #loseNextAnswers} it plays "the homeserver
     * stored the event, stopped before answering, and came back".
     */
    public RecordingMatrixClient forgetTransactionIds() {
        synchronized (world) {
            world.transactions.clear();
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

    /**
     * Ends every failure asked with {@link #failNext}, {@link #failUntilCleared},
     * {@link #loseNextAnswers} and {@link #failIn}.
     */
    public RecordingMatrixClient clearFaults() {
        world.faults.clear();
        synchronized (world) {
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
     * {@code m.room.create}, a member's name in {@code m.room.member}…), without recording a send
     * (its sender is then unknown: {@code /state} gives none).
     */
    public RecordingMatrixClient putState(RoomId room, String type, String stateKey, ObjectNode content) {
        synchronized (world) {
            world.state.put(room.value() + "|" + type + "|" + stateKey, content.deepCopy());
            world.stateSenders.remove(room.value() + "|" + type + "|" + stateKey);
        }
        return this;
    }

    /** Removes a state event of {@code room}, as if it had never been set. */
    public RecordingMatrixClient removeState(RoomId room, String type, String stateKey) {
        synchronized (world) {
            world.state.remove(FakeHomeserver.stateKey(room, type, stateKey));
        }
        return this;
    }

    /**
     * Sets the name and avatar {@code user} shows in {@code room} (their {@code m.room.member}
     * state, membership {@code join}; a null leaves that field out), without making them a member:
     * what {@code getState} and {@code /joined_members} give.
     */
    public RecordingMatrixClient memberProfile(RoomId room, UserId user, String displayName, MxcUri avatar) {
        ObjectNode content = membership("join");
        if (displayName != null) {
            content.put("displayname", displayName);
        }
        if (avatar != null) {
            content.put("avatar_url", avatar.toString());
        }
        return putState(room, "m.room.member", user.value(), content);
    }

    /**
     * From now on, membership is checked as Synapse checks it: a send, an edit, a reaction, a
     * redaction or a state event from a user not joined to the room is refused with 403
     * {@code M_FORBIDDEN}; so is a join to a room whose join rule (default {@code invite}) does not
     * let the user in (not invited, not {@code public}, not a member of a room a {@code restricted}
     * rule allows), and an invite of a user already joined. The bot is no exception.
     */
    public RecordingMatrixClient strictMembership() {
        synchronized (world) {
            world.strict = true;
        }
        return this;
    }

    /** Whether the bot reads end-to-end encrypted rooms ({@code encryption.enabled}); default false. */
    public RecordingMatrixClient readEncryptedRooms(boolean reads) {
        synchronized (world) {
            world.readsEncrypted = reads;
        }
        return this;
    }

    /** The homeserver's media store: what was uploaded, downloads asked for, limits and gates. */
    public FakeMediaRepository media() {
        return world.media;
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

    /** True for the bot once {@link #readEncryptedRooms(boolean) asked}; never for the other users (ghosts). */
    @Override
    public boolean readsEncryptedRooms() {
        synchronized (world) {
            return world.readsEncrypted && self.equals(world.bot);
        }
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
        world.faults.check(MatrixCall.PROFILE); // every user exists here
    }

    /**
     * Joins {@code self} to the room (its member state becomes {@code join}). With
     * {@link #strictMembership()}: refused with 403 {@code M_FORBIDDEN} unless already joined,
     * invited, or the join rule lets in anyone ({@code public}) or members of an allowed room
     * ({@code restricted}).
     */
    @Override
    public RoomId join(String roomIdOrAlias) {
        world.faults.check(MatrixCall.JOIN);
        RoomId room = roomIdOrAlias.startsWith("#") ? resolveAlias(RoomAlias.of(roomIdOrAlias)) : RoomId.of(roomIdOrAlias);
        world.join(room, self);
        return room;
    }

    /**
     * Records an invite ({@code m.room.member} state). With {@link #strictMembership()}: refused
     * with 403 {@code M_FORBIDDEN} when {@code user} is already in the room, or the inviter is not.
     */
    @Override
    public void invite(RoomId room, UserId user) {
        synchronized (world) {
            if (world.strict && world.isJoined(room, user)) {
                throw new MatrixException(403, "M_FORBIDDEN", user + " is already in the room.");
            }
        }
        sendState(room, "m.room.member", user.value(), membership("invite"));
    }

    @Override
    public void leave(RoomId room) {
        world.faults.check(MatrixCall.LEAVE);
        world.leave(room, self, null);
    }

    @Override
    public void kick(RoomId room, UserId user, String reason) {
        ObjectNode content = membership("leave");
        if (reason != null) {
            content.put("reason", reason);
        }
        sendState(room, "m.room.member", user.value(), content);
        world.leave(room, user, content);
    }

    @Override
    public RoomId resolveAlias(RoomAlias alias) {
        world.faults.check(MatrixCall.READ);
        synchronized (world) {
            RoomId room = world.aliases.get(alias);
            if (room == null) {
                throw new MatrixException(404, "M_NOT_FOUND", "Room alias " + alias + " not found");
            }
            return room;
        }
    }

    /**
     * Makes the room as Synapse would: the creator joined, then the state of the request
     * ({@code m.room.create} with {@code room_version}, default 10; power levels giving the creator
     * 100, merged with {@code power_level_content_override}; the join rule of the {@code preset};
     * {@code initial_state}; {@code name}; {@code topic}), set without being recorded as sent;
     * then the alias and the invites.
     */
    @Override
    public RoomId createRoom(ObjectNode request) {
        world.faults.check(MatrixCall.CREATE_ROOM);
        RoomId room;
        synchronized (world) {
            room = RoomId.of(world.next("!") + ":" + world.serverName);
            addMember(room, self);
            world.created.add(new Created(room, request.deepCopy()));
            world.setUpCreated(room, self, request);
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
        world.faults.check(MatrixCall.STATE);
        synchronized (world) {
            world.checkJoined(self, room, "set state in");
            world.state.put(FakeHomeserver.stateKey(room, type, stateKey), content.deepCopy());
            world.stateSenders.put(FakeHomeserver.stateKey(room, type, stateKey), self);
            return world.record(self, originServerTs, room, type, stateKey, content.deepCopy(), null);
        }
    }

    @Override
    public Optional<ObjectNode> getState(RoomId room, String type, String stateKey) {
        world.faults.check(MatrixCall.READ);
        synchronized (world) {
            ObjectNode content = world.state.get(room.value() + "|" + type + "|" + stateKey);
            return Optional.ofNullable(content).map(ObjectNode::deepCopy);
        }
    }

    @Override
    public List<UserId> joinedMembers(RoomId room) {
        world.faults.check(MatrixCall.READ);
        synchronized (world) {
            return List.copyOf(world.members.getOrDefault(room, Set.of()));
        }
    }

    @Override
    public List<RoomId> joinedRooms() {
        world.faults.check(MatrixCall.READ);
        synchronized (world) {
            return world.members.entrySet().stream().filter(e -> e.getValue().contains(self)).map(Map.Entry::getKey)
                    .toList();
        }
    }

    /** The event as the homeserver would give it, if it was sent through this client. */
    @Override
    public JsonNode getEvent(RoomId room, EventId event) {
        world.faults.check(MatrixCall.READ);
        return world.event(room, event);
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
        world.faults.check(MatrixCall.PROFILE);
        synchronized (world) {
            world.displayNames.put(self, displayName);
        }
    }

    @Override
    public void setAvatarUrl(MxcUri avatar) {
        world.faults.check(MatrixCall.PROFILE);
        synchronized (world) {
            world.avatars.put(self, avatar);
        }
    }

    @Override
    public long powerLevel(RoomId room, UserId user) {
        world.faults.check(MatrixCall.READ);
        synchronized (world) {
            return world.powerLevels.getOrDefault(room.value() + "|" + user.value(), 0L);
        }
    }

    /** Stored in {@link #media()}; refused with 413 {@code M_TOO_LARGE} over its upload limit. */
    @Override
    public MxcUri upload(byte[] data, String contentType, String fileName) {
        world.faults.check(MatrixCall.UPLOAD);
        return world.media.upload(data, contentType, fileName);
    }

    /** Served from {@link #media()}: 404 {@code M_NOT_FOUND} for an unknown file. */
    @Override
    public byte[] download(MxcUri uri, long maxBytes) {
        return world.media.download(uri, maxBytes, () -> world.faults.check(MatrixCall.DOWNLOAD));
    }

    @Override
    public long ping(String appserviceId, String transactionId) {
        return 0;
    }

    /**
     * Recorded ({@link #requests}), then answered with what {@link #answer} gave for the longest
     * matching prefix; else, from the live picture: {@code GET …/rooms/{room}/joined_members}
     * (display names and avatars from the members' state, else their profiles),
     * {@code GET …/rooms/{room}/state}, {@code GET …/rooms/{room}/messages} (what was sent to the
     * room, in order, as client events: {@code dir}, {@code from}, {@code limit} and a
     * {@code filter} by types, senders and {@code contains_url}), {@code GET …/profile/{user}} (the
     * name and avatar the user set) and {@code GET /_matrix/client/v1/media/config}.
     *
     * @throws UnsupportedOperationException when nothing answers the path
     */
    @Override
    public JsonNode request(String method, String path, JsonNode body) {
        world.faults.check(MatrixCall.REQUEST);
        return world.request(method, path, body);
    }

    private EventId sendRoomEvent(RoomId room, String type, ObjectNode content, String txnId) {
        return world.sendRoomEvent(self, originServerTs, room, type, content, txnId);
    }

    private static ObjectNode membership(String value) {
        return JsonNodeFactory.instance.objectNode().put("membership", value);
    }
}
