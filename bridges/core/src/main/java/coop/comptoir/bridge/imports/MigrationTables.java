package coop.comptoir.bridge.imports;

import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.store.Database;
import coop.comptoir.api.store.Database.Migration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the migration tools remember: the Matrix room made for each remote server, category and
 * channel ({@code migration_structure}: running the mirroring again creates nothing twice), and
 * when each channel was last invited to move ({@code migration_invites}). Rows carry the bridge
 * instance. Blocks on the database.
 */
final class MigrationTables {
    /** The room exists; linking it and attaching it to its space may still be missing. */
    static final String CREATED = "CREATED";
    /** Everything is done for this entry. */
    static final String DONE = "DONE";

    /** The Matrix room of one remote entry ({@code kind}: server, category or channel). */
    record Mirrored(String remoteId, String kind, RoomId room, String state) {}

    private final Database db;

    MigrationTables(Database db) {
        this.db = db;
        db.migrate("bridge-migration", List.of(Migration.both(1, "mirrored structure and invitations", """
                CREATE TABLE migration_structure (instance VARCHAR(255) NOT NULL, remote_id VARCHAR(255) NOT NULL,
                  kind VARCHAR(16) NOT NULL, room_id VARCHAR(255) NOT NULL, state VARCHAR(16) NOT NULL,
                  updated_ms BIGINT NOT NULL, PRIMARY KEY (instance, remote_id));
                CREATE TABLE migration_invites (instance VARCHAR(255) NOT NULL, channel_id VARCHAR(255) NOT NULL,
                  posted_ms BIGINT NOT NULL, message_id VARCHAR(255) NOT NULL, PRIMARY KEY (instance, channel_id))""")));
    }

    /** Every mirrored entry of a bridge instance, by remote ID. */
    Map<String, Mirrored> mirrored(String instance) {
        return db.withHandle(h -> {
            Map<String, Mirrored> out = new LinkedHashMap<>();
            h.select("SELECT remote_id, kind, room_id, state FROM migration_structure WHERE instance = ?", instance)
                    .map((rs, ctx) -> new Mirrored(rs.getString(1), rs.getString(2), RoomId.of(rs.getString(3)), rs.getString(4)))
                    .forEach(m -> out.put(m.remoteId(), m));
            return out;
        });
    }

    /** Records (or moves on) the room of a remote entry. */
    void putMirrored(String instance, Mirrored m, long now) {
        db.inHandleTransaction(h -> {
            h.execute("DELETE FROM migration_structure WHERE instance = ? AND remote_id = ?", instance, m.remoteId());
            return h.execute("INSERT INTO migration_structure (instance, remote_id, kind, room_id, state, updated_ms)"
                    + " VALUES (?, ?, ?, ?, ?, ?)", instance, m.remoteId(), m.kind(), m.room().value(), m.state(), now);
        });
    }

    /** When a channel was last invited, in epoch ms. */
    Optional<Long> lastInvite(String instance, String channelId) {
        return db.withHandle(h -> h.select("SELECT posted_ms FROM migration_invites WHERE instance = ? AND channel_id = ?",
                instance, channelId).mapTo(Long.class).findFirst());
    }

    void putInvite(String instance, String channelId, long postedMs, String messageId) {
        db.inHandleTransaction(h -> {
            h.execute("DELETE FROM migration_invites WHERE instance = ? AND channel_id = ?", instance, channelId);
            return h.execute("INSERT INTO migration_invites (instance, channel_id, posted_ms, message_id) VALUES (?, ?, ?, ?)",
                    instance, channelId, postedMs, messageId);
        });
    }
}
