package coop.comptoir.bridge.engine;

import coop.comptoir.api.store.Database;

/** For tests of other packages that read the engine's tables: creates them as the engine does. */
public final class EngineTables {
    private EngineTables() {}

    /** Runs the engine's migrations on {@code db}. */
    public static void create(Database db) {
        Schema.migrate(db);
    }
}
