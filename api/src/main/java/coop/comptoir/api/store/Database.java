package coop.comptoir.api.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * The shared SQL database: SQLite (default, a file) or PostgreSQL. Plugins keep their own tables,
 * prefixed with their type, created by numbered migrations per dialect.
 */
public interface Database {
    /** Which SQL the database speaks: migrations give one script per dialect. */
    enum Dialect { SQLITE, POSTGRES }

    Dialect dialect();

    /**
     * Applies the migrations of {@code component} not yet applied, in order, each in its own
     * transaction. Versions start at 1 and must be consecutive. Safe with several processes.
     */
    void migrate(String component, List<Migration> migrations);

    /** Runs {@code work} in one transaction: committed if it returns, rolled back if it throws. */
    <T> T inTransaction(SqlFunction<T> work);

    /** Runs {@code work} with a connection in auto-commit mode. */
    <T> T withConnection(SqlFunction<T> work);

    /** One migration: SQL statements for each dialect (separated by {@code ;} at line ends). */
    record Migration(int version, String description, String sqlite, String postgres) {
        public static Migration both(int version, String description, String sql) {
            return new Migration(version, description, sql, sql);
        }

        public String sql(Dialect d) {
            return d == Dialect.SQLITE ? sqlite : postgres;
        }
    }

    /** Work done with a JDBC connection; it may throw {@link SQLException}, wrapped by the caller. */
    @FunctionalInterface
    interface SqlFunction<T> {
        T apply(Connection c) throws SQLException;
    }

    /** Wraps SQL errors so that callers need not catch checked exceptions. */
    class StoreException extends RuntimeException {
        public StoreException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Keeps the list order: helper for {@link #migrate}. */
    static List<Migration> migrations(Migration... ms) {
        return List.of(ms);
    }
}
