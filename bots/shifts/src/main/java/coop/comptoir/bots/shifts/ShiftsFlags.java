package coop.comptoir.bots.shifts;

import coop.comptoir.api.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

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
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO shifts_flag (instance, name, value) VALUES (?, ?, ?) "
                    + "ON CONFLICT (instance, name) DO NOTHING")) {
                ps.setString(1, instance);
                ps.setString(2, name);
                ps.setString(3, value);
                return ps.executeUpdate() == 1;
            }
        });
    }

    /** Sets a flag to {@code value}, whether it was set or not. */
    void set(String name, String value) {
        db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO shifts_flag (instance, name, value) VALUES (?, ?, ?) "
                    + "ON CONFLICT (instance, name) DO UPDATE SET value = excluded.value")) {
                ps.setString(1, instance);
                ps.setString(2, name);
                ps.setString(3, value);
                return ps.executeUpdate();
            }
        });
    }

    /** Clears a flag; its value if this call cleared it. */
    Optional<String> lower(String name) {
        return db.inTransaction(c -> {
            Optional<String> value = flag(c, name);
            if (value.isEmpty()) {
                return value;
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM shifts_flag WHERE instance = ? AND name = ?")) {
                ps.setString(1, instance);
                ps.setString(2, name);
                return ps.executeUpdate() == 1 ? value : Optional.<String>empty();
            }
        });
    }

    Optional<String> flag(String name) {
        return db.withConnection(c -> flag(c, name));
    }

    private Optional<String> flag(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT value FROM shifts_flag WHERE instance = ? AND name = ?")) {
            ps.setString(1, instance);
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.<String>empty();
            }
        }
    }
}
