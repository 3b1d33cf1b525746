package coop.comptoir.api.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import org.jdbi.v3.core.Handle;

/**
 * The shared SQL database: SQLite (default, a file) or PostgreSQL. Plugins keep their own tables,
 * prefixed with their type, created by numbered migrations per dialect.
 *
 * <p>Plugins write their SQL with <a href="https://jdbi.org">Jdbi</a> through {@link #withHandle}
 * and {@link #inHandleTransaction}: bound parameters, row mappers and batches, without the JDBC
 * boilerplate of {@link #withConnection}. Jdbi rather than plain JDBC (a dozen lines of
 * {@code prepareStatement}, {@code setString}, {@code ResultSet} loops per query, repeated in every
 * store), jOOQ (a query DSL to learn, at its best with code generated from the schema, and a large library)
 * or JPA (an ORM with its own entity life cycle, caches and schema ideas): Jdbi is small, generates
 * no code, maps nothing behind the plugin's back, runs the plugin's own SQL as written on SQLite and
 * PostgreSQL alike, and leaves the schema to the numbered {@link Migration}s below. It is one of the
 * few libraries in the contract (a {@link Handle} is what the callbacks get).
 *
 * <p>Every way in shares one set of rules, whichever the plugin uses: a call made on the thread of
 * a running call reuses its connection (a nested transaction joins the running one), SQLite has a
 * single writer that callers wait for in turn, and SQL errors come out as {@link StoreException}s
 * (which the runtime retries when they are not about the data itself).
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

    /**
     * Runs {@code work} with a Jdbi {@link Handle} on a connection in auto-commit mode (each
     * statement commits on its own), as {@link #withConnection} does. Blocks while another thread
     * holds SQLite's connection. The handle is {@code work}'s only: it must not be kept or handed to
     * another thread. Configuration set on it (a row mapper, say) ends with it.
     *
     * <pre>{@code
     * Optional<String> name = db.withHandle(h -> h.createQuery("SELECT name FROM myplugin_thing WHERE id = ?")
     *         .bind(0, id).mapTo(String.class).findFirst());
     * }</pre>
     *
     * @throws StoreException when a statement fails (the SQL is in the message, the bound values
     *                        never are); what {@code work} throws otherwise comes out as it is
     */
    default <T> T withHandle(HandleFunction<T> work) {
        Objects.requireNonNull(work, "work");
        return withConnection(c -> JdbiHandles.apply(dialect(), c, work));
    }

    /**
     * Runs {@code work} with a Jdbi {@link Handle} in one transaction, as {@link #inTransaction}
     * does: committed if {@code work} returns, rolled back (leaving nothing behind) if it throws. On
     * SQLite the transaction takes the write lock when it starts, so keep it short.
     *
     * @throws StoreException when a statement, the commit or the rollback fails; what {@code work}
     *                        throws otherwise comes out as it is, after the rollback
     */
    default <T> T inHandleTransaction(HandleFunction<T> work) {
        Objects.requireNonNull(work, "work");
        return inTransaction(c -> JdbiHandles.apply(dialect(), c, work));
    }

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

    /**
     * Work done with a Jdbi handle (see {@link #withHandle}). Jdbi's own errors are unchecked and
     * come out of the {@code Database} call as {@link StoreException}s.
     */
    @FunctionalInterface
    interface HandleFunction<T> {
        T apply(Handle h);
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
