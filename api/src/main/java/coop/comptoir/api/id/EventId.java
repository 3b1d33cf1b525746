package coop.comptoir.api.id;

/** A Matrix event ID: {@code $opaque} (room versions 3+) or {@code $opaque:server} (versions 1 and 2). */
public record EventId(String value) {
    public EventId {
        Ids.check("event ID", '$', value, false);
    }

    public static EventId of(String value) {
        return new EventId(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
