package coop.comptoir.bridge.engine;

import coop.comptoir.api.store.Database;
import coop.comptoir.bridge.api.RemoteUserId;
import java.util.Optional;

/** {@code bridge_ghost}: what each ghost's profile was last set to, so that it is set only when it changes. */
final class GhostTable {
    /**
     * @param avatarSource the remote URL the avatar was taken from
     * @param avatarMxc    where it was uploaded
     */
    record Ghost(RemoteUserId remoteId, String displayName, String avatarSource, String avatarMxc, long syncedAt) {}

    private final Database db;
    private final String instance;

    GhostTable(Database db, String instance) {
        this.db = db;
        this.instance = instance;
    }

    Optional<Ghost> get(RemoteUserId id) {
        return db.withHandle(h -> h.select("SELECT display_name, avatar_source, avatar_mxc, synced_at FROM bridge_ghost "
                        + "WHERE instance = ? AND remote_id = ?", instance, id.value())
                .map((rs, ctx) -> new Ghost(id, rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4)))
                .findFirst());
    }

    void put(Ghost g) {
        db.inHandleTransaction(h -> {
            h.execute("DELETE FROM bridge_ghost WHERE instance = ? AND remote_id = ?", instance, g.remoteId().value());
            return h.execute("INSERT INTO bridge_ghost (instance, remote_id, display_name, avatar_source, avatar_mxc, synced_at) "
                            + "VALUES (?, ?, ?, ?, ?, ?)",
                    instance, g.remoteId().value(), g.displayName(), g.avatarSource(), g.avatarMxc(), g.syncedAt());
        });
    }
}
