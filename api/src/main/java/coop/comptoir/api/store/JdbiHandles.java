package coop.comptoir.api.store;

import coop.comptoir.api.store.Database.Dialect;
import coop.comptoir.api.store.Database.HandleFunction;
import coop.comptoir.api.store.Database.StoreException;
import java.sql.Connection;
import java.sql.SQLException;
import org.jdbi.v3.core.ConnectionFactory;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.StatementException;
import org.jdbi.v3.core.statement.StatementExceptions;

/**
 * Opens Jdbi handles on the connections a {@link Database} lends ({@link Database#withHandle}), so
 * that the database keeps its own rules: which connection, when a transaction starts and ends,
 * who waits for SQLite's single writer. Jdbi neither opens nor closes a connection here.
 *
 * <p>One {@link Jdbi} serves every database: it holds only configuration, fixed here and never
 * handed out (a plugin configures its own handle), and each call gets a handle of its own.
 */
final class JdbiHandles {
    /** How much of a failed statement an error message shows. */
    private static final int SQL_IN_MESSAGE = 300;

    /** The connection being lent to the handle that {@link #JDBI} is opening on this thread. */
    private static final ThreadLocal<Connection> LENT = new ThreadLocal<>();

    private static final Jdbi JDBI = Jdbi.create(new ConnectionFactory() {
        @Override
        public Connection openConnection() throws SQLException {
            Connection c = LENT.get();
            if (c == null) {
                throw new SQLException("no connection lent: handles come from Database.withHandle or inHandleTransaction");
            }
            return c;
        }

        @Override
        public void closeConnection(Connection conn) {
            // The database that lent it takes it back.
        }
    });

    static {
        // The statement, never the bound values: they may be message bodies or secrets.
        JDBI.getConfig(StatementExceptions.class).setMessageRendering(JdbiHandles::render);
    }

    private JdbiHandles() {}

    /** Runs {@code work} with a handle on {@code c}; Jdbi's errors come out as {@link StoreException}s. */
    static <T> T apply(Dialect dialect, Connection c, HandleFunction<T> work) {
        Handle h;
        LENT.set(c);
        try {
            h = JDBI.open();
        } catch (JdbiException e) {
            throw storeException(dialect, e);
        } finally {
            LENT.remove();
        }
        try (h) {
            return work.apply(h);
        } catch (JdbiException e) {
            throw storeException(dialect, e);
        }
    }

    private static StoreException storeException(Dialect dialect, JdbiException e) {
        StringBuilder msg = new StringBuilder("Database call failed (")
                .append(dialect == Dialect.SQLITE ? "SQLite" : "PostgreSQL").append(')');
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                msg.append(" [SQLState ").append(sql.getSQLState()).append(']');
                break;
            }
        }
        return new StoreException(msg.append(": ").append(e.getMessage()).toString(), e);
    }

    private static String render(StatementException e) {
        String sql = e.getStatementContext() == null ? null : e.getStatementContext().getRenderedSql();
        if (sql == null) {
            return e.getShortMessage();
        }
        String oneLine = sql.replaceAll("\\s+", " ").strip();
        if (oneLine.length() > SQL_IN_MESSAGE) {
            oneLine = oneLine.substring(0, SQL_IN_MESSAGE - 3) + "...";
        }
        return e.getShortMessage() + " [statement: " + oneLine + "]";
    }
}
