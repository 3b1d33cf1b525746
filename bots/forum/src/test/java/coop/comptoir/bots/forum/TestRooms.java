package coop.comptoir.bots.forum;

import coop.comptoir.api.config.RoomRef;
import java.util.Arrays;
import java.util.List;

/** Room lists for the config records in tests. */
final class TestRooms {
    private TestRooms() {}

    static List<RoomRef> of(String... rooms) {
        return Arrays.stream(rooms).map(RoomRef::of).toList();
    }
}
