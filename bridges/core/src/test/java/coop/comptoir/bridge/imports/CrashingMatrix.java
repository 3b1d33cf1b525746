package coop.comptoir.bridge.imports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.api.id.EventId;
import coop.comptoir.api.id.MxcUri;
import coop.comptoir.api.id.RoomAlias;
import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.id.UserId;
import coop.comptoir.api.matrix.MatrixClient;
import coop.comptoir.api.matrix.MatrixException;
import coop.comptoir.api.matrix.OutgoingMessage;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A client in front of a recording one: remembers the {@code ?ts=} of each event it sends (by event
 * ID), and fails the homeserver for good once {@code failAfter} ghost messages were sent (a crash).
 */
final class CrashingMatrix implements MatrixClient {
    final MatrixClient inner;
    final Long ts;
    final AtomicInteger ghostSends;
    final int[] failAfter;
    final Map<EventId, Long> timestamps;

    CrashingMatrix(MatrixClient inner) {
        this(inner, null, new AtomicInteger(), new int[] {Integer.MAX_VALUE}, new ConcurrentHashMap<>());
    }

    private CrashingMatrix(MatrixClient inner, Long ts, AtomicInteger ghostSends, int[] failAfter, Map<EventId, Long> timestamps) {
        this.inner = inner;
        this.ts = ts;
        this.ghostSends = ghostSends;
        this.failAfter = failAfter;
        this.timestamps = timestamps;
    }

    void crashAfter(int ghostMessages) {
        failAfter[0] = ghostMessages;
        ghostSends.set(0);
    }

    private EventId sent(EventId e) {
        if (ts != null) {
            timestamps.put(e, ts);
        }
        return e;
    }

    /** Called with the number of each ghost send, before it goes out (e.g. to ask for a stop meanwhile). */
    static volatile java.util.function.IntConsumer beforeGhostSend = n -> { };

    private void maybeCrash() {
        if (ts != null) {
            beforeGhostSend.accept(ghostSends.get() + 1);
        }
        if (ts != null && ghostSends.incrementAndGet() > failAfter[0]) {
            throw new MatrixException(500, "M_UNKNOWN", "the homeserver went away");
        }
    }

    @Override public UserId userId() { return inner.userId(); }
    @Override public MatrixClient as(UserId user) { return new CrashingMatrix(inner.as(user), ts, ghostSends, failAfter, timestamps); }
    @Override public MatrixClient withTimestamp(long t) { return new CrashingMatrix(inner, t, ghostSends, failAfter, timestamps); }
    @Override public void ensureRegistered() { inner.ensureRegistered(); }
    @Override public RoomId join(String r) { return inner.join(r); }
    @Override public void invite(RoomId room, UserId user) { inner.invite(room, user); }
    @Override public void leave(RoomId room) { inner.leave(room); }
    @Override public void kick(RoomId room, UserId user, String reason) { inner.kick(room, user, reason); }
    @Override public RoomId resolveAlias(RoomAlias alias) { return inner.resolveAlias(alias); }
    @Override public RoomId createRoom(ObjectNode request) { return inner.createRoom(request); }

    @Override
    public EventId send(RoomId room, OutgoingMessage message, String txnId) {
        maybeCrash();
        return sent(inner.send(room, message, txnId));
    }

    @Override
    public EventId sendEvent(RoomId room, String type, ObjectNode content, String txnId) {
        maybeCrash();
        return sent(inner.sendEvent(room, type, content, txnId));
    }

    @Override public EventId sendState(RoomId room, String type, String key, ObjectNode c) { return inner.sendState(room, type, key, c); }
    @Override public Optional<ObjectNode> getState(RoomId room, String type, String key) { return inner.getState(room, type, key); }
    @Override public List<UserId> joinedMembers(RoomId room) { return inner.joinedMembers(room); }
    @Override public List<RoomId> joinedRooms() { return inner.joinedRooms(); }
    @Override public JsonNode getEvent(RoomId room, EventId event) { return inner.getEvent(room, event); }
    @Override public EventId redact(RoomId room, EventId e, String reason, String txn) { return inner.redact(room, e, reason, txn); }
    @Override public EventId react(RoomId room, EventId e, String key, String txn) { return inner.react(room, e, key, txn); }
    @Override public EventId edit(RoomId room, EventId e, OutgoingMessage m, String txn) { return inner.edit(room, e, m, txn); }
    @Override public void setDisplayName(String name) { inner.setDisplayName(name); }
    @Override public void setAvatarUrl(MxcUri avatar) { inner.setAvatarUrl(avatar); }
    @Override public long powerLevel(RoomId room, UserId user) { return inner.powerLevel(room, user); }
    @Override public MxcUri upload(byte[] data, String type, String name) { return inner.upload(data, type, name); }
    @Override public byte[] download(MxcUri uri, long max) { return inner.download(uri, max); }
    @Override public long ping(String id, String txn) { return inner.ping(id, txn); }
    @Override public JsonNode request(String method, String path, JsonNode body) { return inner.request(method, path, body); }
}
