package coop.comptoir.api.event;

/** Event type names used by the runtime and its plugins. */
public final class EventTypes {
    private EventTypes() {}

    public static final String ROOM_MESSAGE = "m.room.message";
    public static final String ROOM_MEMBER = "m.room.member";
    public static final String ROOM_REDACTION = "m.room.redaction";
    public static final String ROOM_NAME = "m.room.name";
    public static final String ROOM_TOPIC = "m.room.topic";
    public static final String ROOM_POWER_LEVELS = "m.room.power_levels";
    public static final String ROOM_CREATE = "m.room.create";
    public static final String REACTION = "m.reaction";
    public static final String STICKER = "m.sticker";
}
