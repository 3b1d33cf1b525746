package coop.comptoir.bridge.imports;

import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.store.Database;
import java.util.Optional;

/**
 * What the migration tools have recorded, for the bridge engine: the export-file imports made
 * into a room ({@code !migration import … / apply}) and the sub-spaces made for remote categories
 * ({@code !migration structure … apply}). Blocks on the database; creates the tables when the
 * migration tools never ran.
 */
public final class MigrationRecords {
    /** An export import into the room finished. */
    public static final String DONE = ImportLog.DONE;
    /** An export import into the room is under way (or was cut by a stop and resumes). */
    public static final String RUNNING = ImportLog.RUNNING;

    private MigrationRecords() {}

    /**
     * The state of the export-file imports into {@code room}: {@link #DONE} when one finished,
     * else {@link #RUNNING} when one is under way, else empty.
     */
    public static Optional<String> exportImportInto(Database db, RoomId room) {
        return new ImportLog(db).stateInto(room.value());
    }

    /** The sub-space made for the remote category {@code remoteId} of bridge {@code instance}, if any. */
    public static Optional<RoomId> spaceOfCategory(Database db, String instance, String remoteId) {
        MigrationTables.Mirrored m = new MigrationTables(db).mirrored(instance).get(remoteId);
        return m != null && m.kind().equals(StructurePlan.CATEGORY) ? Optional.of(m.room()) : Optional.empty();
    }
}
