package coop.comptoir.api.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.api.id.EventId;
import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.id.UserId;
import java.util.Objects;
import java.util.Optional;

/**
 * One event as the homeserver sent it. The whole JSON object is kept ({@link #json()}), so fields
 * this model does not know about are never lost; typed views ({@link #message()},
 * {@link #membership()}, {@link #relation()}, …) read the parts that are known.
 *
 * <p>Events are immutable for their handlers: never modify {@link #json()}.
 */
public final class MatrixEvent {
    private final ObjectNode json;
    private final String type;
    private final RoomId roomId;
    private final UserId sender;
    private final EventId eventId;

    private MatrixEvent(ObjectNode json, String type, RoomId roomId, UserId sender, EventId eventId) {
        this.json = json;
        this.type = type;
        this.roomId = roomId;
        this.sender = sender;
        this.eventId = eventId;
    }

    /**
     * Reads an event from the homeserver's JSON.
     *
     * @throws IllegalArgumentException if {@code type} is missing, or an ID field is present but malformed
     */
    public static MatrixEvent of(JsonNode node) {
        if (!(node instanceof ObjectNode obj)) {
            throw new IllegalArgumentException("event is not a JSON object");
        }
        JsonNode t = obj.get("type");
        if (t == null || !t.isTextual()) {
            throw new IllegalArgumentException("event has no string 'type'");
        }
        return new MatrixEvent(obj, t.textValue(),
                optText(obj, "room_id").map(RoomId::new).orElse(null),
                optText(obj, "sender").map(UserId::new).orElse(null),
                optText(obj, "event_id").map(EventId::new).orElse(null));
    }

    private static Optional<String> optText(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v != null && v.isTextual() ? Optional.of(v.textValue()) : Optional.empty();
    }

    public ObjectNode json() {
        return json;
    }

    public String type() {
        return type;
    }

    /** The room, or null for events outside rooms (to-device, presence). */
    public RoomId roomId() {
        return roomId;
    }

    public UserId sender() {
        return sender;
    }

    public EventId eventId() {
        return eventId;
    }

    public long originServerTs() {
        JsonNode ts = json.get("origin_server_ts");
        return ts != null && ts.canConvertToLong() ? ts.longValue() : 0L;
    }

    /** The state key, if this is a state event. */
    public Optional<String> stateKey() {
        return optText(json, "state_key");
    }

    public boolean isState() {
        return json.has("state_key");
    }

    /** The content object (an empty object if absent, as after a redaction). */
    public ObjectNode content() {
        JsonNode c = json.get("content");
        return c instanceof ObjectNode o ? o : JsonNodeFactory.instance.objectNode();
    }

    /** The {@code m.relates_to} of the content, if any: replies, edits, threads, reactions, references. */
    public Optional<Relation> relation() {
        return Relation.from(content());
    }

    /** A view of an {@code m.room.message} (or {@code m.sticker}) event. */
    public Optional<Message> message() {
        return EventTypes.ROOM_MESSAGE.equals(type) ? Optional.of(new Message(content())) : Optional.empty();
    }

    /** A view of an {@code m.room.member} event. */
    public Optional<Membership> membership() {
        if (!EventTypes.ROOM_MEMBER.equals(type)) {
            return Optional.empty();
        }
        return stateKey().map(k -> new Membership(UserId.of(k), content(), json.path("unsigned").path("prev_content")));
    }

    /**
     * The event a redaction removes, read where the room version puts it: the top-level
     * {@code redacts} in room versions 1 to 10, {@code content.redacts} from version 11 on. Servers
     * authorise only that field; the other is a copy for clients, and an event from another
     * homeserver may put anything there. For a room version not known here, the answer is given
     * only when both places agree (or one is absent). Empty for other event types, or when the
     * authorised field is missing or malformed.
     *
     * @param roomVersion the room's version, from its {@code m.room.create} state ({@code room_version}, "1" when absent)
     */
    public Optional<EventId> redacts(String roomVersion) {
        if (!EventTypes.ROOM_REDACTION.equals(type)) {
            return Optional.empty();
        }
        Optional<String> top = optText(json, "redacts");
        Optional<String> inContent = optText(content(), "redacts");
        Optional<String> chosen = switch (redactsPlace(roomVersion)) {
            case TOP_LEVEL -> top;
            case CONTENT -> inContent;
            case UNKNOWN -> top.isPresent() && inContent.isPresent() && !top.equals(inContent) ? Optional.empty()
                    : top.or(() -> inContent);
        };
        return chosen.flatMap(id -> {
            try {
                return Optional.of(new EventId(id));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        });
    }

    private enum RedactsPlace { TOP_LEVEL, CONTENT, UNKNOWN }

    /** Room versions 1–10 keep {@code redacts} at the top level; 11 and later numbered versions in content (MSC2174). */
    private static RedactsPlace redactsPlace(String roomVersion) {
        String v = roomVersion == null || roomVersion.isEmpty() ? "1" : roomVersion;
        if (v.length() > 6 || !v.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return RedactsPlace.UNKNOWN;
        }
        return Integer.parseInt(v) <= 10 ? RedactsPlace.TOP_LEVEL : RedactsPlace.CONTENT;
    }

    /** The annotation of an {@code m.reaction}: the event reacted to and the key (an emoji). */
    public Optional<Relation> reaction() {
        return EventTypes.REACTION.equals(type) ? relation().filter(r -> Relation.ANNOTATION.equals(r.relType())) : Optional.empty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MatrixEvent e && json.equals(e.json);
    }

    @Override
    public int hashCode() {
        return Objects.hash(eventId, type);
    }

    @Override
    public String toString() {
        return type + " " + eventId + " in " + roomId + " from " + sender;
    }
}
