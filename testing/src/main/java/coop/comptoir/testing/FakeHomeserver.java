package coop.comptoir.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.api.id.EventId;
import coop.comptoir.api.id.MxcUri;
import coop.comptoir.api.id.RoomAlias;
import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.id.UserId;
import coop.comptoir.api.matrix.MatrixException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the views of one {@link RecordingMatrixClient} share: the homeserver's rooms, state,
 * members, profiles, media and the record of what was sent. Guarded by its own monitor
 * ({@code synchronized (world)} in the client); the methods here expect the caller to hold it.
 */
final class FakeHomeserver {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final Pattern PROFILE_PATH = Pattern.compile("/_matrix/client/(?:v3|r0)/profile/([^/?]+)");
    private static final Pattern ROOM_PATH = Pattern.compile("/_matrix/client/(?:v3|r0)/rooms/([^/?]+)/(joined_members|state)");
    private static final Pattern MESSAGES_PATH = Pattern.compile("/_matrix/client/(?:v3|r0)/rooms/([^/?]+)/messages(?:\\?(.*))?");

    final String serverName;
    final UserId bot;
    final FakeMediaRepository media;
    final Faults faults = new Faults();
    boolean strict;
    boolean readsEncrypted;
    final AtomicInteger counter = new AtomicInteger();
    final List<RecordingMatrixClient.Sent> sent = new ArrayList<>();
    final Map<RoomId, Set<UserId>> members = new LinkedHashMap<>();
    /** State content by "room|type|state key". */
    final Map<String, ObjectNode> state = new LinkedHashMap<>();
    /** Who sent the state event, by "room|type|state key", when it was sent through a client or made with the room. */
    final Map<String, UserId> stateSenders = new HashMap<>();
    final Map<RoomAlias, RoomId> aliases = new LinkedHashMap<>();
    final Map<String, Long> powerLevels = new LinkedHashMap<>();
    final Map<UserId, String> displayNames = new LinkedHashMap<>();
    final Map<UserId, MxcUri> avatars = new LinkedHashMap<>();
    final Map<EventId, Long> timestamps = new LinkedHashMap<>();
    final Map<String, EventId> transactions = new LinkedHashMap<>();
    final List<RecordingMatrixClient.Created> created = new ArrayList<>();
    final List<RecordingMatrixClient.Request> requests = new ArrayList<>();
    final Map<String, JsonNode> answers = new LinkedHashMap<>();
    final Map<RoomId, RuntimeException> broken = new LinkedHashMap<>();
    int loseAnswers;
    /** What a lost answer throws; null for a dropped connection. */
    MatrixException lostAnswer;

    FakeHomeserver(UserId bot) {
        this.serverName = bot.serverName();
        this.bot = bot;
        this.media = new FakeMediaRepository(serverName);
    }

    String next(String prefix) {
        return prefix + "fake" + counter.incrementAndGet();
    }

    static String stateKey(RoomId room, String type, String stateKey) {
        return room.value() + "|" + type + "|" + stateKey;
    }

    boolean isJoined(RoomId room, UserId user) {
        return members.getOrDefault(room, Set.of()).contains(user);
    }

    /** Whether Synapse lets {@code user} join: already in, invited, or let in by the join rule. */
    boolean mayJoin(RoomId room, UserId user) {
        if (isJoined(room, user)) {
            return true;
        }
        ObjectNode own = state.get(stateKey(room, "m.room.member", user.value()));
        if (own != null && "invite".equals(own.path("membership").asText())) {
            return true;
        }
        ObjectNode rules = state.get(stateKey(room, "m.room.join_rules", ""));
        String rule = rules == null ? "invite" : rules.path("join_rule").asText("invite");
        if (rule.equals("public")) {
            return true;
        }
        if (rule.equals("restricted") || rule.equals("knock_restricted")) {
            for (JsonNode allow : rules.path("allow")) {
                if (allow.hasNonNull("room_id") && isJoined(RoomId.of(allow.get("room_id").asText()), user)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Joins {@code user} to the room; with strict membership, only as Synapse would let them. */
    synchronized void join(RoomId room, UserId user) {
        if (strict && !mayJoin(room, user)) {
            throw new MatrixException(403, "M_FORBIDDEN", "You are not invited to this room.");
        }
        members.computeIfAbsent(room, r -> new java.util.LinkedHashSet<>()).add(user);
        setMembership(room, user, "join");
    }

    /** {@code user} is out of the room, with {@code content} as member state (null: membership {@code leave}). */
    synchronized void leave(RoomId room, UserId user, ObjectNode content) {
        Set<UserId> in = members.get(room);
        if (in != null) {
            in.remove(user);
        }
        if (content == null) {
            setMembership(room, user, "leave");
        } else {
            state.put(stateKey(room, "m.room.member", user.value()), content.deepCopy());
        }
    }

    /** Sets the member state's {@code membership}, keeping its other fields. */
    void setMembership(RoomId room, UserId user, String membership) {
        String key = stateKey(room, "m.room.member", user.value());
        ObjectNode content = state.containsKey(key) ? state.get(key) : F.objectNode();
        content.put("membership", membership);
        state.put(key, content);
    }

    /** The state Synapse gives a room {@code creator} just made with {@code request}. */
    void setUpCreated(RoomId room, UserId creator, ObjectNode request) {
        state.put(stateKey(room, "m.room.create", ""), F.objectNode()
                .put("room_version", request.path("room_version").asText("10")).put("creator", creator.value()));
        setMembership(room, creator, "join");
        ObjectNode levels = F.objectNode();
        levels.putObject("users").put(creator.value(), 100); // as before room version 12
        request.path("power_level_content_override").properties().forEach(e -> {
            if (e.getKey().equals("users") && e.getValue().isObject()) {
                levels.with("users").setAll((ObjectNode) e.getValue().deepCopy());
            } else {
                levels.set(e.getKey(), e.getValue().deepCopy());
            }
        });
        state.put(stateKey(room, "m.room.power_levels", ""), levels);
        String preset = request.path("preset").asText("public".equals(request.path("visibility").asText())
                ? "public_chat" : "private_chat");
        state.put(stateKey(room, "m.room.join_rules", ""), F.objectNode()
                .put("join_rule", preset.equals("public_chat") ? "public" : "invite"));
        request.path("initial_state").forEach(ev -> state.put(stateKey(room, ev.path("type").asText(),
                ev.path("state_key").asText("")), ev.path("content").deepCopy()));
        if (request.hasNonNull("name")) {
            state.put(stateKey(room, "m.room.name", ""), F.objectNode().put("name", request.get("name").asText()));
        }
        if (request.hasNonNull("topic")) {
            state.put(stateKey(room, "m.room.topic", ""), F.objectNode().put("topic", request.get("topic").asText()));
        }
        state.keySet().stream().filter(k -> k.startsWith(room.value() + "|")).forEach(k -> stateSenders.put(k, creator));
    }

    /** The answer the live picture gives to a request, or null when it has none. */
    JsonNode liveAnswer(String method, String path) {
        if (!"GET".equals(method)) {
            return null;
        }
        if (path.equals("/_matrix/client/v1/media/config") || path.equals("/_matrix/media/v3/config")) {
            return media.config();
        }
        Matcher profile = PROFILE_PATH.matcher(path);
        if (profile.matches()) {
            UserId who = UserId.of(URLDecoder.decode(profile.group(1), StandardCharsets.UTF_8));
            ObjectNode answer = F.objectNode();
            if (displayNames.containsKey(who)) {
                answer.put("displayname", displayNames.get(who));
            }
            if (avatars.containsKey(who)) {
                answer.put("avatar_url", avatars.get(who).toString());
            }
            return answer;
        }
        Matcher messages = MESSAGES_PATH.matcher(path);
        if (messages.matches()) {
            return RoomHistory.page(sent, timestamps, RoomId.of(URLDecoder.decode(messages.group(1), StandardCharsets.UTF_8)),
                    messages.group(2) == null ? "" : messages.group(2));
        }
        Matcher m = ROOM_PATH.matcher(path);
        if (!m.matches()) {
            return null;
        }
        String room = URLDecoder.decode(m.group(1), StandardCharsets.UTF_8);
        if (m.group(2).equals("state")) {
            ArrayNode all = F.arrayNode();
            state.forEach((k, content) -> {
                String[] parts = k.split("\\|", 3);
                if (parts[0].equals(room)) {
                    ObjectNode ev = all.addObject().put("type", parts[1]).put("state_key", parts[2]).put("room_id", room);
                    if (stateSenders.containsKey(k)) {
                        ev.put("sender", stateSenders.get(k).value());
                    }
                    ev.set("content", content.deepCopy());
                }
            });
            return all;
        }
        ObjectNode joined = F.objectNode();
        for (UserId u : members.getOrDefault(RoomId.of(room), Set.of())) {
            ObjectNode member = joined.putObject(u.value());
            JsonNode own = state.getOrDefault(room + "|m.room.member|" + u.value(), F.objectNode());
            String name = own.hasNonNull("displayname") ? own.get("displayname").asText() : displayNames.get(u);
            String avatar = own.hasNonNull("avatar_url") ? own.get("avatar_url").asText()
                    : avatars.containsKey(u) ? avatars.get(u).toString() : null;
            if (name != null) {
                member.put("display_name", name);
            }
            if (avatar != null) {
                member.put("avatar_url", avatar);
            }
        }
        ObjectNode out = F.objectNode();
        out.set("joined", joined);
        return out;
    }

    /** Refuses, with strict membership, what {@code user} does in a room it is not joined to. */
    void checkJoined(UserId user, RoomId room, String what) {
        if (strict && !isJoined(room, user)) {
            throw new MatrixException(403, "M_FORBIDDEN", "User " + user + " not in room " + room + ": cannot " + what + " it");
        }
    }

    /** A room event with a transaction ID: the faults asked for, then sent once per transaction. */
    EventId sendRoomEvent(UserId sender, Long ts, RoomId room, String type, ObjectNode content, String txnId) {
        boolean lose;
        MatrixException lostAs;
        EventId id;
        synchronized (this) {
            RuntimeException bug = broken.get(room);
            if (bug != null) {
                throw bug;
            }
            faults.check(MatrixCall.SEND);
            checkJoined(sender, room, "send to");
            String key = sender.value() + "|" + room.value() + "|" + txnId;
            id = txnId == null ? null : transactions.get(key);
            if (id == null) {
                id = record(sender, ts, room, type, null, content, txnId);
                if (txnId != null) {
                    transactions.put(key, id);
                }
            }
            lose = loseAnswers > 0;
            lostAs = lostAnswer;
            if (lose) {
                loseAnswers--;
            }
        }
        if (lose && lostAs != null) {
            throw lostAs;
        }
        if (lose) {
            throw new MatrixException("connection reset (answer lost, as asked by the test)", new java.io.IOException("reset"));
        }
        return id;
    }

    synchronized EventId record(UserId sender, Long ts, RoomId room, String type, String stateKey, ObjectNode content,
            String txnId) {
        EventId id = EventId.of(next("$"));
        sent.add(new RecordingMatrixClient.Sent(sender, room, type, stateKey, content, id, txnId, ts));
        if (ts != null) {
            timestamps.put(id, ts);
        }
        return id;
    }

    /** The event as the homeserver would give it, if it was sent here. */
    synchronized JsonNode event(RoomId room, EventId event) {
        RecordingMatrixClient.Sent s = sent.stream().filter(x -> x.eventId().equals(event) && x.room().equals(room)).findFirst()
                .orElseThrow(() -> new MatrixException(404, "M_NOT_FOUND", "Event not found"));
        ObjectNode node = F.objectNode().put("event_id", s.eventId().value()).put("room_id", room.value())
                .put("sender", s.sender().value()).put("type", s.type());
        if (s.stateKey() != null) {
            node.put("state_key", s.stateKey());
        }
        node.set("content", s.content().deepCopy());
        return node;
    }

    /** Records a request, then answers it: the test's answer for the longest prefix, else the live one. */
    synchronized JsonNode request(String method, String path, JsonNode body) {
        requests.add(new RecordingMatrixClient.Request(method, path, body == null ? null : body.deepCopy()));
        String key = method + " " + path;
        return answers.entrySet().stream().filter(e -> key.startsWith(e.getKey()))
                .max(java.util.Comparator.comparingInt((Map.Entry<String, JsonNode> e) -> e.getKey().length()))
                .map(e -> (JsonNode) e.getValue().deepCopy())
                .or(() -> java.util.Optional.ofNullable(liveAnswer(method, path)))
                .orElseThrow(() -> new UnsupportedOperationException("RecordingMatrixClient has no answer for " + key));
    }
}
