package coop.comptoir.bots.shifts;

import coop.comptoir.api.store.Database;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * Small named values of one shifts instance, shared by the processes of a cluster (table
 * {@code shifts_flag}, created by {@link ShiftsStore}): a source outage already reported, the
 * problems of the schedule the admins were told about. Each call blocks on the database.
 */
final class ShiftsFlags {
    private final Database db;
    private final String instance;

    /** @param db a database {@link ShiftsStore} has migrated */
    ShiftsFlags(Database db, String instance) {
        this.db = db;
        this.instance = instance;
    }

    /** Sets a flag unless it is set; true if this call set it. */
    boolean raise(String name, String value) {
        return db.withHandle(h -> h.execute("INSERT INTO shifts_flag (instance, name, value) VALUES (?, ?, ?) "
                + "ON CONFLICT (instance, name) DO NOTHING", instance, name, value)) == 1;
    }

    /** Sets a flag to {@code value}, whether it was set or not. */
    void set(String name, String value) {
        db.withHandle(h -> h.execute("INSERT INTO shifts_flag (instance, name, value) VALUES (?, ?, ?) "
                + "ON CONFLICT (instance, name) DO UPDATE SET value = excluded.value", instance, name, value));
    }

    /** Clears a flag; its value if this call cleared it. */
    Optional<String> lower(String name) {
        return db.inHandleTransaction(h -> {
            Optional<String> value = flag(h, name);
            if (value.isEmpty()) {
                return value;
            }
            return h.execute("DELETE FROM shifts_flag WHERE instance = ? AND name = ?", instance, name) == 1
                    ? value : Optional.<String>empty();
        });
    }

    Optional<String> flag(String name) {
        return db.withHandle(h -> flag(h, name));
    }

    private Optional<String> flag(Handle h, String name) {
        return h.select("SELECT value FROM shifts_flag WHERE instance = ? AND name = ?", instance, name)
                .mapTo(String.class).findFirst();
    }
}
