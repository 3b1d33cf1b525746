package coop.comptoir.internal.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import coop.comptoir.api.store.Database;
import coop.comptoir.internal.config.ComptoirConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The {@link Database} over JDBC: SQLite (a file, the default) or PostgreSQL, chosen from the URL,
 * behind a HikariCP pool.
 *
 * <p><b>SQLite</b> has a single writer. Comptoir keeps <em>one</em> connection and hands it to one
 * caller at a time (HikariCP queues the others, fairly), so concurrent writers wait for their turn
 * instead of failing with {@code SQLITE_BUSY}; transactions start with {@code BEGIN IMMEDIATE},
 * so another process on the same file is waited for ({@code busy_timeout}) rather than failing
 * half-way. The file runs in WAL mode, with {@code synchronous} from the config and foreign keys
 * enforced. Keep work short: a slow query on SQLite makes every other caller wait.
 *
 * <p><b>PostgreSQL</b> gets a pool of {@code poolSize} connections; migrations take an advisory
 * lock so that several Comptoir processes may start together.
 *
 * <p>On both, a call made from inside {@link #inTransaction} or {@link #withConnection} on the same
 * thread reuses that call's connection: a nested {@code inTransaction} joins the running
 * transaction (or opens one on the auto-commit connection of an outer {@code withConnection}), so
 * code may be composed without deadlocking on SQLite's single connection. Connections must not be
 * handed to other threads.
 *
 * <p>SQL errors come out as {@link Database.StoreException}s; messages never hold the password.
 */
public final class JdbcDatabase implements Database, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcDatabase.class);

    /** Default number of PostgreSQL connections. */
    public static final int DEFAULT_POOL_SIZE = 10;
    /** How long SQLite waits for another process holding the write lock. */
    static final int SQLITE_BUSY_TIMEOUT_MS = 10_000;
    /** How long start-up waits for another process to let go of the SQLite file. */
    static final int SQLITE_CLAIM_TIMEOUT_MS = 3_000;
    /** Namespace (first key) of Comptoir's advisory locks: "Comp". */
    static final int ADVISORY_LOCK_NAMESPACE = 0x436f6d70;

    static final String MIGRATIONS_TABLE = "comptoir_migrations";

    private final Dialect dialect;
    private final HikariDataSource pool;
    private final String displayUrl;
    private final ThreadLocal<Connection> bound = new ThreadLocal<>();
    private final Object migrationsTableLock = new Object();
    private volatile boolean migrationsTableReady;

    private JdbcDatabase(Dialect dialect, HikariDataSource pool, String displayUrl) {
        this.dialect = dialect;
        this.pool = pool;
        this.displayUrl = displayUrl;
    }

    /**
     * Opens the database and checks that it answers.
     *
     * @param jdbcUrl {@code jdbc:sqlite:FILE} or {@code jdbc:postgresql://HOST/DB}
     * @param user PostgreSQL user, or null when given in the URL; ignored by SQLite
     * @param password PostgreSQL password, or null; ignored by SQLite
     * @param sqliteSynchronous {@code normal} (null means normal) or {@code full}
     * @param poolSize PostgreSQL connections ({@code <= 0}: {@value #DEFAULT_POOL_SIZE}); SQLite always uses one
     * @throws IllegalArgumentException for a bad URL or setting
     * @throws Database.StoreException when the database cannot be opened
     */
    public static JdbcDatabase open(String jdbcUrl, String user, String password, String sqliteSynchronous, int poolSize) {
        Dialect dialect = JdbcUrls.dialect(jdbcUrl);
        SQLiteConfig.SynchronousMode synchronous = parseSynchronous(sqliteSynchronous); // checked on PostgreSQL too
        String url = jdbcUrl.trim();
        String displayUrl = JdbcUrls.redact(url);
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("comptoir-db");
        hc.setAutoCommit(true);
        // Fail now, with the driver's reason, rather than at the first query.
        hc.setInitializationFailTimeout(1);
        if (dialect == Dialect.SQLITE) {
            JdbcUrls.sqliteFile(url).ifPresent(JdbcDatabase::createParentDirectories);
            SQLiteConfig sc = new SQLiteConfig();
            sc.setJournalMode(SQLiteConfig.JournalMode.WAL);
            sc.setSynchronous(synchronous);
            sc.setBusyTimeout(SQLITE_BUSY_TIMEOUT_MS);
            sc.enforceForeignKeys(true);
            sc.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
            // One process owns the file: no file locks per transaction (measured: about a third of
            // the system calls of a small commit), and a second Comptoir on the same file is refused.
            sc.setLockingMode(SQLiteConfig.LockingMode.EXCLUSIVE);
            SQLiteDataSource sqlite = new SQLiteDataSource(sc);
            sqlite.setUrl(url);
            hc.setDataSource(sqlite);
            hc.setMaximumPoolSize(1);
            hc.setMinimumIdle(1);
            // Never recycle the connection: an in-memory database lives as long as it does.
            hc.setMaxLifetime(0);
            hc.setIdleTimeout(0);
        } else {
            hc.setDriverClassName("org.postgresql.Driver");
            hc.setJdbcUrl(url);
            if (user != null && !user.isBlank()) {
                hc.setUsername(user);
            }
            if (password != null && !password.isEmpty()) {
                hc.setPassword(password);
            }
            hc.setMaximumPoolSize(poolSize > 0 ? poolSize : DEFAULT_POOL_SIZE);
        }
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(hc);
        } catch (RuntimeException e) {
            if (dialect == Dialect.SQLITE && rootMessage(e).contains("SQLITE_BUSY")) {
                throw sqliteInUse(displayUrl, e);
            }
            throw new StoreException("Cannot open database " + displayUrl + ": " + rootMessage(e), e);
        }
        JdbcDatabase db = new JdbcDatabase(dialect, pool, displayUrl);
        if (dialect == Dialect.SQLITE) {
            claimSqliteFile(db, displayUrl);
            LOG.info("Database: SQLite {} (WAL, synchronous={})", displayUrl, synchronous.name().toLowerCase(Locale.ROOT));
        } else {
            LOG.info("Database: PostgreSQL {} (up to {} connections)", displayUrl, hc.getMaximumPoolSize());
        }
        return db;
    }

    /**
     * Takes the SQLite file for this process now (exclusive locking mode keeps it until close), so
     * that a second Comptoir on the same file is refused at start with a clear reason rather than
     * failing at its first write.
     */
    private static void claimSqliteFile(JdbcDatabase db, String displayUrl) {
        try {
            db.withConnection(c -> {
                try (java.sql.Statement st = c.createStatement()) {
                    st.execute("PRAGMA busy_timeout = " + SQLITE_CLAIM_TIMEOUT_MS);
                    try {
                        st.execute("BEGIN IMMEDIATE");
                        st.execute("COMMIT");
                    } finally {
                        st.execute("PRAGMA busy_timeout = " + SQLITE_BUSY_TIMEOUT_MS);
                    }
                }
                return null;
            });
        } catch (StoreException e) {
            db.close();
            throw sqliteInUse(displayUrl, e);
        }
    }

    private static StoreException sqliteInUse(String displayUrl, Exception cause) {
        return new StoreException("The SQLite database " + displayUrl + " is in use by another process (another"
                + " Comptoir?). Only one process may use an SQLite file; use PostgreSQL to run several.", cause);
    }

    /** Opens the database described by the config's {@code database:} section. */
    public static JdbcDatabase open(ComptoirConfig.Database config) {
        Objects.requireNonNull(config, "database config");
        return open(config.url(), config.user(), config.password(), config.sqliteSynchronous(), config.poolSize());
    }

    @Override
    public Dialect dialect() {
        return dialect;
    }

    /**
     * The pool itself, for libraries that manage their own connections (Quartz's job store). On
     * SQLite it has a single connection: whoever holds it blocks every other user of this database.
     */
    public DataSource dataSource() {
        return pool;
    }

    /** The URL, without its password: for logs. */
    public String displayUrl() {
        return displayUrl;
    }

    /** Most connections this database opens (always 1 on SQLite). */
    public int maxConnections() {
        return pool.getMaximumPoolSize();
    }

    @Override
    public <T> T inTransaction(SqlFunction<T> work) {
        Objects.requireNonNull(work, "work");
        Connection outer = bound.get();
        try {
            if (outer != null) {
                if (!outer.getAutoCommit()) {
                    return work.apply(outer); // joins the running transaction
                }
                return transaction(outer, work);
            }
            try (Connection c = connection()) {
                bound.set(c);
                try {
                    return transaction(c, work);
                } finally {
                    bound.remove();
                }
            }
        } catch (SQLException e) {
            throw storeException("Transaction failed", e);
        }
    }

    @Override
    public <T> T withConnection(SqlFunction<T> work) {
        Objects.requireNonNull(work, "work");
        Connection outer = bound.get();
        try {
            if (outer != null) {
                return work.apply(outer);
            }
            try (Connection c = connection()) {
                if (!c.getAutoCommit()) {
                    c.setAutoCommit(true);
                }
                bound.set(c);
                try {
                    return work.apply(c);
                } finally {
                    bound.remove();
                }
            }
        } catch (SQLException e) {
            throw storeException("Database call failed", e);
        }
    }

    @Override
    public void migrate(String component, List<Migration> migrations) {
        if (component == null || component.isBlank()) {
            throw new IllegalArgumentException("migration component must not be blank");
        }
        Objects.requireNonNull(migrations, "migrations");
        for (int i = 0; i < migrations.size(); i++) {
            Migration m = migrations.get(i);
            if (m == null) {
                throw new IllegalArgumentException("migrations of '" + component + "': entry " + (i + 1) + " is null");
            }
            if (m.version() != i + 1) {
                throw new IllegalArgumentException("migrations of '" + component
                        + "' must be numbered 1, 2, 3… in order: entry " + (i + 1) + " has version " + m.version());
            }
            if (m.sql(dialect) == null) {
                throw new IllegalArgumentException("migration '" + component + "' v" + m.version()
                        + " has no SQL for " + dialect);
            }
        }
        ensureMigrationsTable();

        int known = migrations.size();
        int current = withConnection(c -> appliedVersion(c, component));
        checkNotDowngrade(component, current, known);
        if (current == known) {
            LOG.debug("Schema of '{}' is up to date (v{})", component, current);
            return;
        }
        for (Migration m : migrations.subList(current, known)) {
            boolean applied = inTransaction(c -> apply(c, component, m, known));
            if (applied) {
                LOG.info("Migrated '{}' to v{}: {}", component, m.version(), m.description());
            }
        }
    }

    /** Applies {@code m} unless another process did it first; true if it was applied here. */
    private boolean apply(Connection c, String component, Migration m, int known) throws SQLException {
        if (dialect == Dialect.POSTGRES) {
            advisoryLock(c, component.hashCode());
        }
        // Re-check under the lock (PostgreSQL) or the write lock (SQLite's BEGIN IMMEDIATE).
        int current = appliedVersion(c, component);
        checkNotDowngrade(component, current, known);
        if (current >= m.version()) {
            return false;
        }
        if (current != m.version() - 1) {
            throw new StoreException("Migration '" + component + "' v" + m.version() + " cannot run: the database is at v"
                    + current, null);
        }
        List<String> statements = SqlScripts.split(m.sql(dialect));
        try (Statement st = c.createStatement()) {
            for (int i = 0; i < statements.size(); i++) {
                String sql = statements.get(i);
                try {
                    st.execute(sql);
                } catch (SQLException e) {
                    throw storeException("Migration '" + component + "' v" + m.version() + " (" + m.description()
                            + ") failed at statement " + (i + 1) + " [" + abbreviate(sql) + "]", e);
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + MIGRATIONS_TABLE
                + " (component, version, description, applied_at) VALUES (?, ?, ?, ?)")) {
            ps.setString(1, component);
            ps.setInt(2, m.version());
            ps.setString(3, m.description() == null ? "" : m.description());
            ps.setLong(4, System.currentTimeMillis());
            ps.executeUpdate();
        }
        return true;
    }

    private static void checkNotDowngrade(String component, int current, int known) {
        if (current > known) {
            throw new StoreException("The database schema of '" + component + "' is at v" + current
                    + " but this version of Comptoir knows only up to v" + known
                    + ": it was used by a newer Comptoir; downgrading is not supported", null);
        }
    }

    private static int appliedVersion(Connection c, String component) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT COALESCE(MAX(version), 0) FROM " + MIGRATIONS_TABLE + " WHERE component = ?")) {
            ps.setString(1, component);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private void ensureMigrationsTable() {
        if (migrationsTableReady) {
            return;
        }
        synchronized (migrationsTableLock) {
            if (migrationsTableReady) {
                return;
            }
            inTransaction(c -> {
                if (dialect == Dialect.POSTGRES) {
                    // CREATE TABLE IF NOT EXISTS is not safe against a concurrent CREATE on PostgreSQL.
                    advisoryLock(c, 0);
                }
                try (Statement st = c.createStatement()) {
                    st.execute("CREATE TABLE IF NOT EXISTS " + MIGRATIONS_TABLE + " ("
                            + "component TEXT NOT NULL, "
                            + "version INT NOT NULL, "
                            + "description TEXT NOT NULL, "
                            + "applied_at BIGINT NOT NULL, "
                            + "PRIMARY KEY (component, version))");
                }
                return null;
            });
            migrationsTableReady = true;
        }
    }

    /** Held until the end of the transaction; released by commit or rollback. */
    private static void advisoryLock(Connection c, int key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(?, ?)")) {
            ps.setInt(1, ADVISORY_LOCK_NAMESPACE);
            ps.setInt(2, key);
            ps.execute();
        }
    }

    private Connection connection() throws SQLException {
        return pool.getConnection();
    }

    private static <T> T transaction(Connection c, SqlFunction<T> work) throws SQLException {
        c.setAutoCommit(false);
        boolean failed = false;
        try {
            T result = work.apply(c);
            c.commit();
            return result;
        } catch (Throwable t) {
            failed = true;
            try {
                c.rollback();
            } catch (SQLException | RuntimeException rollbackFailure) {
                t.addSuppressed(rollbackFailure);
            }
            throw t;
        } finally {
            try {
                c.setAutoCommit(true);
            } catch (SQLException e) {
                if (failed) {
                    // the transaction's own failure is what the caller reports (SQLite ends a transaction
                    // whose COMMIT failed on a full disk: there is nothing left to end here)
                    LOG.debug("Could not restore auto-commit after a failed transaction: {}", e.getMessage());
                } else {
                    LOG.warn("Could not restore auto-commit on a database connection: {}", e.getMessage());
                }
            }
        }
    }

    private StoreException storeException(String what, SQLException e) {
        StringBuilder msg = new StringBuilder(what).append(" (").append(dialectName()).append(')');
        if (e.getSQLState() != null) {
            msg.append(" [SQLState ").append(e.getSQLState()).append(']');
        }
        msg.append(": ").append(e.getMessage());
        return new StoreException(msg.toString(), e);
    }

    private String dialectName() {
        return dialect == Dialect.SQLITE ? "SQLite" : "PostgreSQL";
    }

    /** Closes the pool; calls made afterwards fail. */
    @Override
    public void close() {
        if (!pool.isClosed()) {
            pool.close();
            LOG.debug("Database {} closed", displayUrl);
        }
    }

    private static SQLiteConfig.SynchronousMode parseSynchronous(String value) {
        if (value == null || value.isBlank()) {
            return SQLiteConfig.SynchronousMode.NORMAL;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "normal" -> SQLiteConfig.SynchronousMode.NORMAL;
            case "full" -> SQLiteConfig.SynchronousMode.FULL;
            default -> throw new IllegalArgumentException(
                    "database.sqlite_synchronous: must be normal or full, not '" + value + "'");
        };
    }

    private static void createParentDirectories(Path file) {
        Path parent = file.toAbsolutePath().getParent();
        if (parent == null || Files.isDirectory(parent)) {
            return;
        }
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw new StoreException("Cannot create the directory of the SQLite database " + parent + ": " + e, e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m;
    }

    private static String abbreviate(String sql) {
        String oneLine = sql.replaceAll("\\s+", " ").strip();
        return oneLine.length() <= 80 ? oneLine : oneLine.substring(0, 77) + "...";
    }

    @Override
    public String toString() {
        return "JdbcDatabase[" + displayUrl + "]";
    }
}
