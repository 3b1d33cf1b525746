package coop.comptoir.bridge.discord;

import coop.comptoir.api.store.Database;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which thread a bridged message lives in. The engine only knows portal channels, but Discord
 * routes edits, deletes and reactions through the channel that holds the message: a thread's own
 * ID. Messages not found here live in the portal channel itself.
 */
interface ThreadPlaces {
    void put(String messageId, String threadId);

    Optional<String> threadOf(String messageId);

    /** Kept in memory only (tests, and a fallback); the oldest entries are forgotten past {@code max}. */
    static ThreadPlaces inMemory(int max) {
        Map<String, String> map = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
                return size() > max;
            }
        };
        return new ThreadPlaces() {
            @Override
            public synchronized void put(String messageId, String threadId) {
                map.put(messageId, threadId);
            }

            @Override
            public synchronized Optional<String> threadOf(String messageId) {
                return Optional.ofNullable(map.get(messageId));
            }
        };
    }

    /** Kept in the shared database, so that a restart still finds threaded messages. */
    static ThreadPlaces stored(Database db, String instanceId) {
        db.migrate("discord", List.of(Database.Migration.both(1, "thread of each bridged threaded message",
                "CREATE TABLE discord_thread_message (instance TEXT NOT NULL, message_id TEXT NOT NULL, "
                        + "thread_id TEXT NOT NULL, PRIMARY KEY (instance, message_id))")));
        return new ThreadPlaces() {
            @Override
            public void put(String messageId, String threadId) {
                db.withHandle(h -> h.execute("INSERT INTO discord_thread_message (instance, message_id, thread_id) VALUES (?, ?, ?) "
                        + "ON CONFLICT (instance, message_id) DO NOTHING", instanceId, messageId, threadId));
            }

            @Override
            public Optional<String> threadOf(String messageId) {
                return db.withHandle(h -> h.select("SELECT thread_id FROM discord_thread_message WHERE instance = ? AND message_id = ?",
                        instanceId, messageId).mapTo(String.class).findFirst());
            }
        };
    }
}
