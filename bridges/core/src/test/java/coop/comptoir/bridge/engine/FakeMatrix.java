package coop.comptoir.bridge.engine;

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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A homeserver in memory, as far as the bridge uses it: what was sent (by whom, with which
 * timestamp and transaction ID; a repeated transaction ID gets the first event back), memberships,
 * profiles, uploads and power levels. {@link #failNext} makes the next sends fail.
 */
final class FakeMatrix implements MatrixClient {
    static final ObjectMapper M = new ObjectMapper();

    /** One event the bridge sent. */
    record Sent(RoomId room, UserId sender, String type, ObjectNode content, EventId id, Long ts, String txnId) {
        String body() {
            return content.path("body").asText(null);
        }

        String msgtype() {
            return content.path("msgtype").asText(null);
        }

        JsonNode relatesTo() {
            return content.path("m.relates_to");
        }
    }

    static final class State {
        final List<Sent> sent = new CopyOnWriteArrayList<>();
        final Map<String, EventId> txns = new ConcurrentHashMap<>();
        final Map<UserId, String> displayNames = new ConcurrentHashMap<>();
        final Map<UserId, MxcUri> avatars = new ConcurrentHashMap<>();
        final Set<UserId> registered = ConcurrentHashMap.newKeySet();
        final Map<RoomId, Set<UserId>> members = new ConcurrentHashMap<>();
        final Map<RoomId, Set<UserId>> invited = new ConcurrentHashMap<>();
        final Set<RoomId> publicRooms = ConcurrentHashMap.newKeySet();
        final Map<String, Long> power = new ConcurrentHashMap<>();
        final Map<String, String> roomDisplayNames = new ConcurrentHashMap<>();
        /** Avatar (mxc URI) by "room user", as in the member event. */
        final Map<String, String> roomAvatars = new ConcurrentHashMap<>();
        final Map<String, byte[]> media = new ConcurrentHashMap<>();
        /** Every download asked for, as "mxc limit", in order. */
        final List<String> downloads = new CopyOnWriteArrayList<>();
        /** The bytes downloads read, as a reader stopping at its limit would (nothing when a length over it is declared). */
        final java.util.concurrent.atomic.AtomicLong bytesRead = new java.util.concurrent.atomic.AtomicLong();
        /** Whether downloads declare their length (as Synapse does), or send it unannounced. */
        volatile boolean declaresLength = true;
        /** Whether the bot reads end-to-end encrypted rooms (encryption.enabled). */
        volatile boolean readsEncrypted;
        /** The bot (the one that may read encrypted rooms; ghosts never do). */
        volatile UserId bot;
        /** The next downloads that fail as an outage (HTTP 503). */
        final AtomicInteger downloadOutages = new AtomicInteger();
        /** When set, downloads wait for it to open. */
        volatile java.util.concurrent.CountDownLatch downloadGate;
        final Map<RoomAlias, RoomId> aliases = new ConcurrentHashMap<>();
        /** Other state events' content by "room|type|state key" (m.room.create, m.room.power_levels, m.room.encryption…). */
        final Map<String, ObjectNode> roomState = new ConcurrentHashMap<>();
        /** Every {@code /createRoom} request, in order. */
        final List<ObjectNode> createdRooms = new CopyOnWriteArrayList<>();
        final AtomicInteger failures = new AtomicInteger();
        final AtomicInteger counter = new AtomicInteger();
        volatile MatrixException failure;
    }

    final State state;
    private final UserId user;
    private final Long ts;

    FakeMatrix(UserId bot) {
        this(new State(), bot, null);
        state.bot = bot;
    }

    private FakeMatrix(State state, UserId user, Long ts) {
        this.state = state;
        this.user = user;
        this.ts = ts;
    }

    /** The next {@code n} sending calls throw {@code e}. */
    void failNext(int n, MatrixException e) {
        state.failure = e;
        state.failures.set(n);
    }

    List<Sent> sent() {
        return List.copyOf(state.sent);
    }

    List<Sent> sentIn(RoomId room) {
        return state.sent.stream().filter(s -> s.room.equals(room)).toList();
    }

    /** Messages (not notices from the bot) sent in the room. */
    List<Sent> messagesIn(RoomId room) {
        return state.sent.stream().filter(s -> s.room.equals(room) && s.type.equals("m.room.message")
                && !s.content.has("m.new_content") && !"m.notice".equals(s.msgtype())).toList();
    }

    List<Sent> noticesIn(RoomId room) {
        return state.sent.stream().filter(s -> s.room.equals(room) && "m.notice".equals(s.msgtype())).toList();
    }

    Optional<Sent> byId(EventId id) {
        return state.sent.stream().filter(s -> s.id.equals(id)).findFirst();
    }

    private void maybeFail() {
        if (state.failures.get() > 0 && state.failures.getAndDecrement() > 0) {
            throw state.failure;
        }
    }

    private EventId record(RoomId room, String type, ObjectNode content, String txnId) {
        maybeFail();
        if (!state.members.getOrDefault(room, Set.of()).contains(user) && !user.localpart().equals("comptoir")) {
            throw new MatrixException(403, "M_FORBIDDEN", user + " is not in " + room);
        }
        String key = user + "|" + (txnId == null ? "rand" + state.counter.incrementAndGet() : txnId);
        synchronized (state) {
            EventId known = state.txns.get(key);
            if (known != null) {
                return known;
            }
            EventId id = EventId.of("$ev" + state.counter.incrementAndGet());
            state.sent.add(new Sent(room, user, type, content.deepCopy(), id, ts, txnId));
            state.txns.put(key, id);
            return id;
        }
    }

    @Override
    public UserId userId() {
        return user;
    }

    @Override
    public boolean readsEncryptedRooms() {
        return state.readsEncrypted && user.equals(state.bot);
    }

    @Override
    public MatrixClient as(UserId other) {
        return new FakeMatrix(state, other, null);
    }

    @Override
    public MatrixClient withTimestamp(long originServerTs) {
        return new FakeMatrix(state, user, originServerTs);
    }

    @Override
    public void ensureRegistered() {
        state.registered.add(user);
    }

    @Override
    public RoomId join(String roomIdOrAlias) {
        RoomId room = RoomId.of(roomIdOrAlias);
        boolean invited = state.invited.getOrDefault(room, Set.of()).contains(user);
        if (!invited && !state.publicRooms.contains(room) && !user.localpart().equals("comptoir")
                && !state.members.getOrDefault(room, Set.of()).contains(user)) {
            throw new MatrixException(403, "M_FORBIDDEN", "not invited");
        }
        state.members.computeIfAbsent(room, r -> ConcurrentHashMap.newKeySet()).add(user);
        return room;
    }

    @Override
    public void invite(RoomId room, UserId u) {
        if (state.members.getOrDefault(room, Set.of()).contains(u)) {
            throw new MatrixException(403, "M_FORBIDDEN", u + " is already in the room");
        }
        state.invited.computeIfAbsent(room, r -> ConcurrentHashMap.newKeySet()).add(u);
    }

    @Override
    public void leave(RoomId room) {
        state.members.getOrDefault(room, Set.of()).remove(user);
    }

    @Override
    public void kick(RoomId room, UserId u, String reason) {
        state.members.getOrDefault(room, Set.of()).remove(u);
    }

    @Override
    public RoomId resolveAlias(RoomAlias alias) {
        RoomId r = state.aliases.get(alias);
        if (r == null) {
            throw new MatrixException(404, "M_NOT_FOUND", "no alias " + alias);
        }
        return r;
    }

    @Override
    public RoomId createRoom(ObjectNode request) {
        maybeFail();
        RoomId room = RoomId.of("!made" + state.counter.incrementAndGet() + ":" + user.serverName());
        state.createdRooms.add(request.deepCopy());
        state.members.computeIfAbsent(room, r -> ConcurrentHashMap.newKeySet()).add(user);
        ObjectNode levels = M.createObjectNode();
        levels.putObject("users").put(user.value(), 100); // as before room version 12
        putState(room, "m.room.power_levels", "", levels);
        request.path("initial_state").forEach(ev -> putState(room, ev.path("type").asText(), ev.path("state_key").asText(),
                (ObjectNode) ev.path("content").deepCopy()));
        return room;
    }

    @Override
    public EventId send(RoomId room, OutgoingMessage message, String txnId) {
        return record(room, "m.room.message", message.toContent(), txnId);
    }

    @Override
    public EventId sendEvent(RoomId room, String type, ObjectNode content, String txnId) {
        return record(room, type, content, txnId);
    }

    @Override
    public EventId sendState(RoomId room, String type, String stateKey, ObjectNode content) {
        maybeFail();
        putState(room, type, stateKey, content.deepCopy());
        return EventId.of("$state" + state.counter.incrementAndGet());
    }

    /** Sets a state event's content in a room. */
    void putState(RoomId room, String type, String stateKey, ObjectNode content) {
        state.roomState.put(room + "|" + type + "|" + stateKey, content);
    }

    @Override
    public Optional<ObjectNode> getState(RoomId room, String type, String stateKey) {
        ObjectNode other = state.roomState.get(room + "|" + type + "|" + stateKey);
        if (other != null) {
            return Optional.of(other.deepCopy());
        }
        if (!"m.room.member".equals(type)) {
            return Optional.empty();
        }
        String name = state.roomDisplayNames.get(room + " " + stateKey);
        if (name == null) {
            return Optional.empty();
        }
        ObjectNode member = M.createObjectNode().put("membership", "join").put("displayname", name);
        String avatar = state.roomAvatars.get(room + " " + stateKey);
        if (avatar != null) {
            member.put("avatar_url", avatar);
        }
        return Optional.of(member);
    }

    @Override
    public List<UserId> joinedMembers(RoomId room) {
        return new ArrayList<>(state.members.getOrDefault(room, Set.of()));
    }

    @Override
    public List<RoomId> joinedRooms() {
        return state.members.entrySet().stream().filter(e -> e.getValue().contains(user)).map(Map.Entry::getKey).toList();
    }

    @Override
    public JsonNode getEvent(RoomId room, EventId event) {
        synchronized (state) {
            Sent sent = state.sent.stream().filter(x -> x.id().equals(event) && x.room().equals(room)).findFirst()
                    .orElseThrow(() -> new MatrixException(404, "M_NOT_FOUND", "no event " + event));
            ObjectNode e = M.createObjectNode().put("event_id", event.value()).put("type", sent.type())
                    .put("sender", sent.sender().value()).put("room_id", room.value());
            e.set("content", sent.content().deepCopy());
            return e;
        }
    }

    @Override
    public EventId redact(RoomId room, EventId event, String reason, String txnId) {
        ObjectNode c = M.createObjectNode().put("redacts", event.value());
        return record(room, "m.room.redaction", c, txnId);
    }

    @Override
    public EventId react(RoomId room, EventId target, String key, String txnId) {
        ObjectNode c = M.createObjectNode();
        c.putObject("m.relates_to").put("rel_type", "m.annotation").put("event_id", target.value()).put("key", key);
        return record(room, "m.reaction", c, txnId);
    }

    @Override
    public EventId edit(RoomId room, EventId original, OutgoingMessage newContent, String txnId) {
        ObjectNode c = newContent.baseContent();
        c.put("body", "* " + newContent.body());
        c.set("m.new_content", newContent.baseContent());
        c.putObject("m.relates_to").put("rel_type", "m.replace").put("event_id", original.value());
        return record(room, "m.room.message", c, txnId);
    }

    @Override
    public void setDisplayName(String displayName) {
        state.displayNames.put(user, displayName);
    }

    @Override
    public void setAvatarUrl(MxcUri avatar) {
        state.avatars.put(user, avatar);
    }

    @Override
    public long powerLevel(RoomId room, UserId u) {
        return state.power.getOrDefault(room + " " + u, 0L);
    }

    @Override
    public MxcUri upload(byte[] data, String contentType, String fileName) {
        maybeFail();
        MxcUri uri = new MxcUri("coop.example", "m" + state.counter.incrementAndGet());
        state.media.put(uri.toString(), data.clone());
        return uri;
    }

    @Override
    public byte[] download(MxcUri uri, long maxBytes) {
        state.downloads.add(uri + " " + maxBytes);
        var gate = state.downloadGate;
        if (gate != null) {
            try {
                gate.await(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (state.downloadOutages.get() > 0 && state.downloadOutages.getAndDecrement() > 0) {
            throw new MatrixException(503, "M_UNKNOWN", "the media store is down");
        }
        byte[] d = state.media.get(uri.toString());
        if (d == null) {
            throw new MatrixException(404, "M_NOT_FOUND", "no media");
        }
        if (d.length > maxBytes) {
            state.bytesRead.addAndGet(state.declaresLength ? 0 : maxBytes + 1);
            throw new coop.comptoir.api.matrix.MediaTooLargeException(200, maxBytes, state.declaresLength ? d.length : -1);
        }
        state.bytesRead.addAndGet(d.length);
        return d.clone();
    }

    @Override
    public long ping(String appserviceId, String transactionId) {
        return 1;
    }

    @Override
    public JsonNode request(String method, String path, JsonNode body) {
        if (path.endsWith("/media/config")) {
            return M.createObjectNode().put("m.upload.size", 1000);
        }
        if (method.equals("GET") && path.startsWith("/_matrix/client/v3/profile/")) {
            UserId who = UserId.of(java.net.URLDecoder.decode(path.substring("/_matrix/client/v3/profile/".length()),
                    java.nio.charset.StandardCharsets.UTF_8));
            ObjectNode profile = M.createObjectNode();
            if (state.displayNames.containsKey(who)) {
                profile.put("displayname", state.displayNames.get(who));
            }
            if (state.avatars.containsKey(who)) {
                profile.put("avatar_url", state.avatars.get(who).toString());
            }
            return profile;
        }
        if (method.equals("GET") && path.endsWith("/joined_members")) {
            String room = java.net.URLDecoder.decode(path.split("/")[5], java.nio.charset.StandardCharsets.UTF_8);
            ObjectNode joined = M.createObjectNode();
            for (UserId u : state.members.getOrDefault(RoomId.of(room), Set.of())) {
                ObjectNode m = joined.putObject(u.value());
                String name = state.roomDisplayNames.getOrDefault(room + " " + u.value(), state.displayNames.get(u));
                if (name != null) {
                    m.put("display_name", name);
                }
            }
            ObjectNode out = M.createObjectNode();
            out.set("joined", joined);
            return out;
        }
        if (method.equals("GET") && path.endsWith("/state")) {
            String room = java.net.URLDecoder.decode(path.split("/")[5], java.nio.charset.StandardCharsets.UTF_8);
            com.fasterxml.jackson.databind.node.ArrayNode all = M.createArrayNode();
            state.roomState.forEach((key, content) -> {
                String[] k = key.split("\\|", 3);
                if (k[0].equals(room)) {
                    all.addObject().put("type", k[1]).put("state_key", k[2]).set("content", content.deepCopy());
                }
            });
            return all;
        }
        throw new UnsupportedOperationException(path);
    }

    static Map<String, Object> map() {
        return new HashMap<>();
    }
}
