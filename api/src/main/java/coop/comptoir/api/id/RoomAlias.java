package coop.comptoir.api.id;

/** A room alias, {@code #localpart:server}. */
public record RoomAlias(String value) {
    public RoomAlias {
        Ids.check("room alias", '#', value, true);
    }

    public static RoomAlias of(String value) {
        return new RoomAlias(value);
    }

    public static RoomAlias of(String localpart, String serverName) {
        return new RoomAlias("#" + localpart + ":" + serverName);
    }

    public String localpart() {
        return value.substring(1, value.indexOf(':'));
    }

    public String serverName() {
        return value.substring(value.indexOf(':') + 1);
    }

    @Override
    public String toString() {
        return value;
    }
}
