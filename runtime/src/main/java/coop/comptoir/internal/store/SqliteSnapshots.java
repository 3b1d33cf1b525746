package coop.comptoir.internal.store;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Snapshots of the running instance's SQLite database, for backups without stopping Comptoir
 * (the file is held exclusively while Comptoir runs, so no other process may read it). Each
 * snapshot is a complete database file, {@code comptoir-YYYYMMDD-HHMMSS-mmm.db} (UTC), written with
 * {@code VACUUM INTO} on Comptoir's own connection, then renamed into place: a file with that name
 * is always whole. Only the newest {@code keep} are kept.
 *
 * <p>A snapshot is taken at a quiet moment: when no received transaction is waiting to be handled
 * (the journal has none unhandled) and, because SQLite has a single connection here, none can be
 * stored while it is written. Restored, it therefore replays nothing that the instance had already
 * answered. Under a steady stream the wait is bounded ({@link #QUIET_WAIT}); past it the snapshot
 * is taken anyway, with a warning, and the transactions in progress then would be handled again
 * after a restore.
 *
 * <p>While a snapshot is written, every other use of the database waits (a few milliseconds for a
 * coop's database of a few megabytes).
 */
public final class SqliteSnapshots implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SqliteSnapshots.class);

    /** How long a snapshot waits for a moment without unhandled transactions. */
    static final Duration QUIET_WAIT = Duration.ofSeconds(30);
    /** The longest a first snapshot waits after start when none is recent: start-up stays quick. */
    static final Duration FIRST_DELAY = Duration.ofMinutes(1);
    private static final Pattern NAME = Pattern.compile("comptoir-\\d{8}-\\d{6}-\\d{3}\\.db");
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS").withZone(ZoneOffset.UTC);

    private final JdbcDatabase database;
    private final Path folder;
    private final int keep;
    private final Clock clock;
    private final Duration quietWait;
    private volatile Listener listener = new Listener() {};
    private ScheduledExecutorService timer;

    /** Told of each scheduled snapshot, for the metrics; called on the snapshot thread, must not block. */
    public interface Listener {
        /** A snapshot was written at {@code at}. */
        default void written(Instant at) {}

        /** A scheduled snapshot could not be written (the reason is in the log). */
        default void failed() {}
    }

    /** Sets who is told of the scheduled snapshots (before {@link #start}). */
    public void listener(Listener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /**
     * @param database an SQLite database (a file)
     * @param folder where snapshots go; created (owner only) when missing
     * @param keep how many snapshots to keep, at least 1
     * @param clock for the names and the schedule
     */
    public SqliteSnapshots(JdbcDatabase database, Path folder, int keep, Clock clock) {
        this(database, folder, keep, clock, QUIET_WAIT);
    }

    SqliteSnapshots(JdbcDatabase database, Path folder, int keep, Clock clock, Duration quietWait) {
        if (database.dialect() != coop.comptoir.api.store.Database.Dialect.SQLITE) {
            throw new IllegalArgumentException("snapshots are for SQLite; back PostgreSQL up with pg_dump");
        }
        if (keep < 1) {
            throw new IllegalArgumentException("keep must be at least 1, got " + keep);
        }
        this.database = database;
        this.folder = Objects.requireNonNull(folder, "folder").toAbsolutePath().normalize();
        this.keep = keep;
        this.clock = clock;
        this.quietWait = quietWait;
    }

    /**
     * Takes a snapshot every {@code every} on a thread of its own, the first one when the newest
     * snapshot in the folder is {@code every} old (at most {@link #FIRST_DELAY} after now when there
     * is none or it is older). Failures are logged, and the next one is tried on schedule.
     */
    public synchronized void start(Duration every) {
        if (timer != null) {
            throw new IllegalStateException("already started");
        }
        long periodMs = every.toMillis();
        if (periodMs < 1000) {
            throw new IllegalArgumentException("every must be at least 1s, got " + every);
        }
        removeLeftovers();
        Duration firstIn = firstDelay(every);
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "comptoir-backup");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::takeLogged, firstIn.toMillis(), periodMs, TimeUnit.MILLISECONDS);
        LOG.info("Backup: a snapshot of the database every {} into {}, the newest {} kept; next in {}",
                every, folder, keep, firstIn.withNanos(0));
    }

    private Duration firstDelay(Duration every) {
        Duration cap = every.compareTo(FIRST_DELAY) < 0 ? every : FIRST_DELAY;
        Optional<Instant> newest = snapshots().stream().reduce((a, b) -> b).map(SqliteSnapshots::modified);
        if (newest.isEmpty()) {
            return cap;
        }
        Duration left = Duration.between(clock.instant(), newest.get().plus(every));
        if (left.isNegative() || left.compareTo(cap) < 0) {
            return cap;
        }
        return left.compareTo(every) > 0 ? every : left;
    }

    private void takeLogged() {
        try {
            take();
            listener.written(clock.instant());
        } catch (RuntimeException e) {
            if (Thread.currentThread().isInterrupted()) {
                LOG.info("Backup: the snapshot waiting for a quiet moment was abandoned at stop");
            } else {
                LOG.error("Backup: the snapshot into {} failed: {}", folder, e.getMessage());
                listener.failed();
            }
        }
    }

    /**
     * Takes one snapshot now, then removes the oldest beyond {@code keep}. Blocks until a quiet
     * moment (up to {@link #QUIET_WAIT}) and while the file is written.
     *
     * @return the snapshot's file
     * @throws IllegalStateException when the folder or the file cannot be written
     */
    public Path take() {
        long started = System.nanoTime();
        try {
            Files.createDirectories(folder);
            restrict(folder, "rwx------");
        } catch (IOException e) {
            throw new IllegalStateException("cannot create the backup folder " + folder + ": " + e.getMessage(), e);
        }
        Path target = folder.resolve("comptoir-" + STAMP.format(clock.instant()) + ".db");
        if (Files.exists(target)) {
            throw new IllegalStateException(target + " exists already");
        }
        Path part = folder.resolve("." + target.getFileName() + ".part");
        long waitedFor = writeWhenQuiet(part);
        try {
            restrict(part, "rw-------");
            try {
                Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(part, target);
            }
        } catch (FileAlreadyExistsException e) {
            throw new IllegalStateException(target + " exists already", e);
        } catch (IOException e) {
            throw new IllegalStateException("cannot move the snapshot into " + target + ": " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(part);
            } catch (IOException e) {
                LOG.warn("Backup: could not remove {}: {}", part, e.getMessage());
            }
        }
        List<Path> removed = prune();
        long kib = size(target) / 1024;
        LOG.info("Backup: snapshot {} ({} KiB, {} ms){}", target, kib,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
                removed.isEmpty() ? "" : "; removed the older " + removed.size());
        if (waitedFor > 0) {
            LOG.warn("Backup: {} transaction(s) were being handled during snapshot {} (no quiet moment in {}):"
                    + " restored, it would handle them again", waitedFor, target.getFileName(), quietWait);
        }
        return target;
    }

    /**
     * Writes the snapshot into {@code part} holding the connection, once no transaction is
     * unhandled (or when the wait is over). Returns how many were unhandled when it was written.
     */
    private long writeWhenQuiet(Path part) {
        try {
            Files.deleteIfExists(part); // VACUUM INTO refuses an existing file
        } catch (IOException e) {
            throw new IllegalStateException("cannot remove " + part + ": " + e.getMessage(), e);
        }
        long deadline = System.nanoTime() + quietWait.toNanos();
        while (true) {
            boolean last = System.nanoTime() >= deadline;
            long unhandled = database.withConnection(c -> {
                long pending = unhandled(c);
                if (pending > 0 && !last) {
                    return pending;
                }
                try (PreparedStatement st = c.prepareStatement("VACUUM INTO ?")) {
                    st.setString(1, part.toString());
                    st.execute();
                }
                return -1L - pending;
            });
            if (unhandled < 0) {
                return -1L - unhandled;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for a quiet moment", e);
            }
        }
    }

    private static long unhandled(java.sql.Connection c) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM core_txn WHERE handled = 0")) {
            return rs.next() ? rs.getLong(1) : 0;
        } catch (SQLException e) {
            if (String.valueOf(e.getMessage()).contains("no such table")) {
                return 0; // no journal yet: nothing received
            }
            throw e;
        }
    }

    /** The snapshots in the folder, oldest first. */
    public List<Path> snapshots() {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> NAME.matcher(f.getFileName().toString()).matches()).sorted().toList();
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + folder + ": " + e.getMessage(), e);
        }
    }

    private List<Path> prune() {
        List<Path> all = snapshots();
        List<Path> removed = new ArrayList<>();
        for (Path old : all.subList(0, Math.max(0, all.size() - keep))) {
            try {
                Files.deleteIfExists(old);
                removed.add(old);
            } catch (IOException e) {
                LOG.warn("Backup: could not remove the old snapshot {}: {}", old, e.getMessage());
            }
        }
        return removed;
    }

    /** A snapshot cut short by a stop leaves a {@code .part} file: never a backup, removed. */
    private void removeLeftovers() {
        if (!Files.isDirectory(folder)) {
            return;
        }
        try (Stream<Path> files = Files.list(folder)) {
            for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".db.part")).toList()) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            LOG.warn("Backup: could not clean {}: {}", folder, e.getMessage());
        }
    }

    /**
     * Stops the schedule: a snapshot waiting for a quiet moment is abandoned, one being written is
     * finished first (up to 60 s).
     */
    @Override
    public synchronized void close() {
        if (timer == null) {
            return;
        }
        timer.shutdownNow();
        try {
            if (!timer.awaitTermination(60, TimeUnit.SECONDS)) {
                LOG.warn("Backup: a snapshot still running at stop was abandoned");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            timer.shutdownNow();
        }
    }

    private static void restrict(Path path, String permissions) {
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
        } catch (UnsupportedOperationException | IOException e) {
            // not a POSIX file system: the folder's own permissions apply
        }
    }

    private static Instant modified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toInstant();
        } catch (IOException e) {
            return Instant.EPOCH;
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }
}
