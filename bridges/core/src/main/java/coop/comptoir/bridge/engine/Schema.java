package coop.comptoir.bridge.engine;

import coop.comptoir.api.store.Database;
import coop.comptoir.api.store.Database.Migration;
import java.util.List;

/**
 * The bridge engine's tables, shared by every bridge instance (each row carries its
 * {@code instance}). Times are epoch milliseconds.
 */
final class Schema {
    private Schema() {}

    private static final String TABLES = """
            CREATE TABLE bridge_portal (
              instance TEXT NOT NULL,
              room_id TEXT NOT NULL,
              channel_id TEXT NOT NULL,
              origin TEXT NOT NULL,
              linked_by TEXT,
              linked_at BIGINT NOT NULL,
              PRIMARY KEY (instance, room_id),
              UNIQUE (instance, channel_id)
            );
            CREATE TABLE bridge_ghost (
              instance TEXT NOT NULL,
              remote_id TEXT NOT NULL,
              display_name TEXT,
              avatar_source TEXT,
              avatar_mxc TEXT,
              synced_at BIGINT,
              PRIMARY KEY (instance, remote_id)
            );
            CREATE TABLE bridge_message (
              instance TEXT NOT NULL,
              room_id TEXT NOT NULL,
              event_id TEXT NOT NULL,
              channel_id TEXT NOT NULL,
              remote_id TEXT NOT NULL,
              part INTEGER NOT NULL,
              direction TEXT NOT NULL,
              sender TEXT NOT NULL,
              created_at BIGINT NOT NULL,
              PRIMARY KEY (instance, event_id, remote_id)
            );
            CREATE UNIQUE INDEX bridge_message_event_part ON bridge_message (instance, event_id, part);
            CREATE UNIQUE INDEX bridge_message_remote_part ON bridge_message (instance, remote_id, part);
            CREATE INDEX bridge_message_room ON bridge_message (instance, room_id, direction, created_at);
            CREATE TABLE bridge_reaction (
              instance TEXT NOT NULL,
              room_id TEXT NOT NULL,
              event_id TEXT NOT NULL,
              target_event_id TEXT NOT NULL,
              channel_id TEXT NOT NULL,
              remote_message_id TEXT NOT NULL,
              reactor TEXT NOT NULL,
              reaction_key TEXT NOT NULL,
              direction TEXT NOT NULL,
              PRIMARY KEY (instance, event_id),
              UNIQUE (instance, remote_message_id, reactor, reaction_key)
            );
            CREATE TABLE bridge_cursor (
              instance TEXT NOT NULL,
              room_id TEXT NOT NULL,
              name TEXT NOT NULL,
              channel_id TEXT NOT NULL,
              position TEXT,
              done_count BIGINT NOT NULL DEFAULT 0,
              state TEXT,
              notice_event TEXT,
              updated_at BIGINT NOT NULL,
              PRIMARY KEY (instance, room_id, name)
            )""";

    private static final String OUTBOX_COLUMNS = """
              instance TEXT NOT NULL,
              direction TEXT NOT NULL,
              room_id TEXT NOT NULL,
              channel_id TEXT NOT NULL,
              dedup_key TEXT NOT NULL,
              sort_key BIGINT NOT NULL,
              kind TEXT NOT NULL,
              payload TEXT NOT NULL,
              state TEXT NOT NULL,
              attempts INTEGER NOT NULL DEFAULT 0,
              next_attempt BIGINT NOT NULL,
              last_error TEXT,
              created_at BIGINT NOT NULL,
              updated_at BIGINT NOT NULL,
              UNIQUE (instance, direction, dedup_key)
            );
            CREATE INDEX bridge_outbox_lane ON bridge_outbox (instance, direction, room_id, state, sort_key, id)""";

    private static final String OUTBOX_SQLITE = "CREATE TABLE bridge_outbox (\n  id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
            + OUTBOX_COLUMNS;
    private static final String OUTBOX_POSTGRES = "CREATE TABLE bridge_outbox (\n  id BIGSERIAL PRIMARY KEY,\n" + OUTBOX_COLUMNS;

    /**
     * {@code sent_at}: when the message was written on its own side (the remote message's time, the
     * Matrix event's {@code origin_server_ts}), where {@code created_at} is when it crossed; a
     * channel's past brought by {@code !bridge import} crosses today but was written long ago.
     * Null for rows older than this column (read as {@code created_at}).
     */
    private static final String SENT_AT = """
            ALTER TABLE bridge_message ADD COLUMN sent_at BIGINT;
            CREATE INDEX bridge_message_sent ON bridge_message (instance, room_id, sent_at)""";

    static void migrate(Database db) {
        db.migrate("bridge", List.of(
                Migration.both(1, "portals, ghosts, message and reaction links, cursors", TABLES),
                new Migration(2, "durable outbox, one queue per direction", OUTBOX_SQLITE, OUTBOX_POSTGRES),
                Migration.both(3, "when each bridged message was written (migration statistics)", SENT_AT)));
    }
}
