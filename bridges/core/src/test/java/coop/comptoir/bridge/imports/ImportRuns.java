package coop.comptoir.bridge.imports;

import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.store.Database;

/** For tests of other packages: writes what the migration tools record (export imports, mirrored categories). */
public final class ImportRuns {
    private ImportRuns() {}

    /** Records a run of a DiscordChatExporter file into {@code room}, left in {@code state} (RUNNING or DONE). */
    public static void record(Database db, RoomId room, String state) {
        ImportLog log = new ImportLog(db);
        ImportLog.Origin origin = new ImportLog.Origin("discord", "/srv/exports/general.json", "555", room.value());
        log.setState("discord:/srv/exports/general.json:555:" + room.value(), state, origin, 0L);
    }

    /** Records a sub-space made for a remote category as {@code !migration structure … apply} does. */
    public static void mirroredCategory(Database db, String instance, String categoryId, RoomId space) {
        new MigrationTables(db).putMirrored(instance, new MigrationTables.Mirrored(categoryId, StructurePlan.CATEGORY, space,
                MigrationTables.DONE), 0L);
    }
}
