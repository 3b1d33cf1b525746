package coop.comptoir.api.id;

/**
 * A Matrix room ID. Before room version 12 it is {@code !opaque:server}; from version 12 on it is
 * {@code !} followed by a hash, with no server part. Both are accepted.
 */
public record RoomId(String value) implements Comparable<RoomId> {
    public RoomId {
        Ids.check("room ID", '!', value, false);
    }

    public static RoomId of(String value) {
        return new RoomId(value);
    }

    @Override
    public int compareTo(RoomId o) {
        return value.compareTo(o.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
