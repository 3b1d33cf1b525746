package coop.comptoir.bridge.engine;

import coop.comptoir.api.store.Database;

/** For tests of other packages that read the engine's tables: creates them as the engine does. */
public final class EngineTables {
    private EngineTables() {}

    /** Runs the engine's migrations on {@code db}. */
    public static void create(Database db) {
        Schema.migrate(db);
    }

    /** Creates the linked accounts' tables too, and links {@code remoteId} (ghost {@code ghost}) of {@code instance} to {@code matrixUser}. */
    public static void linkAccount(Database db, String instance, String remoteId, String ghost, String matrixUser) {
        AccountTable t = new AccountTable(db);
        String code = t.newCode(coop.comptoir.api.id.UserId.of(matrixUser), 0, Long.MAX_VALUE);
        t.redeem(code, instance, new coop.comptoir.bridge.api.RemoteUserId(remoteId), coop.comptoir.api.id.UserId.of(ghost), "x", "m",
                1);
    }
}
