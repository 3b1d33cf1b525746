package coop.comptoir.internal.appservice;

import coop.comptoir.api.store.Database;
import coop.comptoir.api.store.Database.Migration;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable log of transactions received from the homeserver. A transaction is acknowledged only
 * once its body is committed here; it is marked handled once every one of its events went through
 * the handlers. After a crash, {@link #unhandled()} gives back what was stored but not handled.
 *
 * <p>Writes are group commits: the caller that finds no commit under way commits everything
 * waiting, its own transaction included, in one database transaction, while later callers queue
 * for the next one. With one transaction in flight (Synapse's pattern) the request's own thread
 * stores it, with no hand-over to another thread; under concurrent load, many transactions share a
 * commit. A background thread writes the "handled" marks that no request carried along, woken as
 * soon as one waits.
 *
 * <p>A transaction is known by its txnId and the fingerprint of its body ({@link TransactionBody}):
 * one retried after it was stored is recognised and acknowledged without being handled again, also
 * across restarts. The same txnId with another fingerprint is a new transaction (a homeserver
 * restored from a backup numbers its transactions again): it is stored and handled, with a warning.
 * Rows stored before fingerprints were kept have none: their txnId alone counts, as it did then.
 * Handled transactions keep only their ID and fingerprint, for {@link #RETENTION}.
 *
 * <p>While a transaction is not handled yet, the dispatcher may save its progress (which events, or
 * which plugins for one event, are done): {@link #saveProgress}. A replay after a restart gets it
 * back with the transaction, so what was done is not done again.
 */
public final class TransactionJournal implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TransactionJournal.class);

    /** How long the IDs of handled transactions are kept to recognise retries. */
    public static final Duration RETENTION = Duration.ofDays(7);

    /**
     * Rows the clean-up ({@link #prune()}) goes through per database transaction: between two, the
     * transactions arriving meanwhile are stored.
     */
    static final int PRUNE_BATCH = 2_000;

    static final List<Migration> MIGRATIONS = List.of(new Migration(1, "appservice transaction journal",
            """
            CREATE TABLE core_txn (
              seq INTEGER PRIMARY KEY,
              txn_id TEXT NOT NULL UNIQUE,
              body BLOB,
              received_at INTEGER NOT NULL,
              handled INTEGER NOT NULL DEFAULT 0
            )
            """,
            """
            CREATE TABLE core_txn (
              seq BIGSERIAL PRIMARY KEY,
              txn_id TEXT NOT NULL UNIQUE,
              body BYTEA,
              received_at BIGINT NOT NULL,
              handled SMALLINT NOT NULL DEFAULT 0
            )
            """),
            new Migration(2, "appservice transactions known by ID and fingerprint",
                    // SQLite cannot drop a column's UNIQUE: the table is rebuilt.
                    """
                    CREATE TABLE core_txn_v2 (
                      seq INTEGER PRIMARY KEY,
                      txn_id TEXT NOT NULL,
                      body_hash TEXT,
                      body BLOB,
                      received_at INTEGER NOT NULL,
                      handled INTEGER NOT NULL DEFAULT 0
                    );
                    INSERT INTO core_txn_v2 (seq, txn_id, body, received_at, handled)
                      SELECT seq, txn_id, body, received_at, handled FROM core_txn;
                    DROP TABLE core_txn;
                    ALTER TABLE core_txn_v2 RENAME TO core_txn;
                    CREATE UNIQUE INDEX core_txn_id_hash ON core_txn (txn_id, body_hash)
                    """,
                    """
                    ALTER TABLE core_txn ADD COLUMN body_hash TEXT;
                    ALTER TABLE core_txn DROP CONSTRAINT core_txn_txn_id_key;
                    CREATE UNIQUE INDEX core_txn_id_hash ON core_txn (txn_id, body_hash)
                    """),
            Migration.both(3, "progress of transactions being handled",
                    "ALTER TABLE core_txn ADD COLUMN progress TEXT"));

    /**
     * A transaction as stored: {@code seq} orders transactions; {@code attachment} is what the caller
     * passed to {@link #append} (the parsed events), null for transactions read back from the database;
     * {@code progress} is what {@link #saveProgress} last saved for it, or null.
     */
    public record Stored(long seq, String txnId, byte[] body, Object attachment, String progress) {}

    /**
     * Outcome of {@link #append}: the stored transaction, or null if that transaction was already
     * stored; {@code reusedId} when its txnId was already known with other events.
     */
    public record Appended(Stored stored, boolean reusedId) {
        public boolean duplicate() {
            return stored == null;
        }
    }

    private record Pending(String txnId, String fingerprint, byte[] body, Object attachment,
                           CompletableFuture<Appended> result) {}

    /** What is known of a txnId before storing it. */
    private enum Known { NEW, SAME, OTHER }

    private final Database db;
    private final Clock clock;
    private final int pruneBatch;
    /** Where the next clean-up starts clearing bodies: below it, every transaction was handled and cleared. */
    private volatile long bodiesClearedBelow;
    private final LinkedBlockingQueue<Pending> appends = new LinkedBlockingQueue<>();
    private final LinkedBlockingQueue<Long> handled = new LinkedBlockingQueue<>();
    /** Latest progress per transaction, not yet written. */
    private final ConcurrentHashMap<Long, String> progress = new ConcurrentHashMap<>();
    private final Consumer<List<Stored>> onCommitted;
    private final Thread writer;
    private final ReentrantLock commitLock = new ReentrantLock();
    /** Wakes the writer as soon as a handled mark or a progress waits, instead of at its next tick. */
    private final Semaphore wake = new Semaphore(0);
    private volatile boolean running = true;
    private final long retryTickMs;
    /**
     * The first txnId of the current run of reused IDs (a homeserver numbering again), null when the
     * last one stored was new; with {@link #reusedInRun}. Under {@link #commitLock}.
     */
    private String reusingSince;
    private long reusedInRun;
    /**
     * While commits fail: the cause logged (class and message of the root cause), and the failed
     * commits since; null once one succeeds. Under {@link #commitLock}: the cause is logged once per
     * outage (and again only if it changes), not once per transaction the homeserver retries.
     */
    private volatile String failingCause;
    /** Until when (clock millis) a transaction refused during the last outage is awaited back; 0: none. */
    private volatile long resendAwaitedUntil;
    /** How long after an outage the homeserver is still asked to send again what it had refused. */
    static final Duration RESEND_AWAIT = Duration.ofMinutes(1);
    private long failedCommits;
    private long refusedWhileFailing;

    /**
     * @param onCommitted called on the writer thread, in commit order, with the transactions just
     *                    stored (not duplicates); must not block
     */
    public TransactionJournal(Database db, Clock clock, Consumer<List<Stored>> onCommitted) {
        this(db, clock, onCommitted, Duration.ofMillis(20), PRUNE_BATCH);
    }

    /** With another batch size for the clean-up (tests). */
    TransactionJournal(Database db, Clock clock, Consumer<List<Stored>> onCommitted, int pruneBatch) {
        this(db, clock, onCommitted, Duration.ofMillis(20), pruneBatch);
    }

    /** With another writer timer: how often the writer tries again what a failed commit kept (tests make it long). */
    TransactionJournal(Database db, Clock clock, Consumer<List<Stored>> onCommitted, Duration retryTick) {
        this(db, clock, onCommitted, retryTick, PRUNE_BATCH);
    }

    private TransactionJournal(Database db, Clock clock, Consumer<List<Stored>> onCommitted, Duration retryTick,
                               int pruneBatch) {
        if (pruneBatch < 1) {
            throw new IllegalArgumentException("pruneBatch must be at least 1: " + pruneBatch);
        }
        this.pruneBatch = pruneBatch;
        this.db = db;
        this.clock = clock;
        this.onCommitted = onCommitted;
        this.retryTickMs = retryTick.toMillis();
        db.migrate("core", MIGRATIONS);
        this.writer = new Thread(this::writeLoop, "comptoir-journal");
        this.writer.setDaemon(true);
    }

    public void start() {
        writer.start();
    }

    /**
     * Stores a transaction; the future completes once it is committed (or known as a duplicate).
     *
     * @param fingerprint what tells this body from another one under the same txnId ({@link TransactionBody})
     */
    public CompletableFuture<Appended> append(String txnId, String fingerprint, byte[] body, Object attachment) {
        Objects.requireNonNull(fingerprint, "fingerprint");
        CompletableFuture<Appended> f = new CompletableFuture<>();
        if (!running) {
            f.completeExceptionally(new IllegalStateException("journal closed"));
            return f;
        }
        appends.add(new Pending(txnId, fingerprint, body, attachment, f));
        // Commit now unless someone else is committing: that one picks this up when it is done.
        commitIfFree();
        return f;
    }

    /**
     * Marks a transaction handled: the writer thread commits it at once (with whatever else waits),
     * so that a crash right after a handler's visible work runs it again only within that commit's
     * few milliseconds. Never blocks.
     */
    public void markHandled(long seq) {
        handled.add(seq);
        wake.release();
    }

    /**
     * Saves the progress of a transaction not handled yet (written with the next batch; a later call
     * for the same transaction replaces an earlier one not written yet). Never blocks.
     */
    public void saveProgress(long seq, String state) {
        progress.put(seq, state);
        wake.release();
    }

    /** Transactions stored but not handled, oldest first. */
    public List<Stored> unhandled() {
        return db.withConnection(c -> {
            List<Stored> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT seq, txn_id, body, progress FROM core_txn WHERE handled = 0 ORDER BY seq")) {
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Stored(rs.getLong(1), rs.getString(2), rs.getBytes(3), null, rs.getString(4)));
                    }
                }
            }
            return out;
        });
    }

    /** The ID of the last transaction stored, or null if none is. */
    public String lastTxnId() {
        List<String> recent = recentTxnIds(1);
        return recent.isEmpty() ? null : recent.get(0);
    }

    /**
     * Whether this transaction (the txnId with this fingerprint, or stored without one) is stored,
     * within {@link #RETENTION}. Blocks on the database; false when the database cannot be read
     * (the caller then decides as for a new transaction).
     */
    public boolean isStored(String txnId, String fingerprint) {
        try {
            return db.withConnection(c -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT body_hash FROM core_txn WHERE txn_id = ?")) {
                    ps.setString(1, txnId);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            String hash = rs.getString(1);
                            if (hash == null || hash.equals(fingerprint)) {
                                return true;
                            }
                        }
                        return false;
                    }
                }
            });
        } catch (RuntimeException e) {
            log.debug("Could not look up transaction {}: {}", txnId, e.toString());
            return false;
        }
    }

    /** The txnIds of the last {@code n} transactions stored, newest first. */
    public List<String> recentTxnIds(int n) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT txn_id FROM core_txn ORDER BY seq DESC LIMIT ?")) {
                ps.setInt(1, n);
                try (ResultSet rs = ps.executeQuery()) {
                    List<String> ids = new ArrayList<>();
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                    }
                    return ids;
                }
            }
        });
    }

    /**
     * Drops the bodies of handled transactions (kept until now so that a commit stays one small row
     * write) and forgets those older than {@link #RETENTION}; returns how many were forgotten.
     *
     * <p>Works through the journal by ranges of {@code seq}, {@link #PRUNE_BATCH} rows per database
     * transaction, so that transactions arriving meanwhile are stored between two batches instead of
     * waiting for the whole clean-up (on SQLite they share one connection; measured in
     * docs/benchmarks.md). Forgetting stops at the first range that holds a recent row (rows are
     * appended in time order); bodies are cleared from where the last clean-up found the first
     * unhandled transaction. Blocks on the database; call from a housekeeping thread.
     */
    public int prune() {
        long cutoff = clock.millis() - RETENTION.toMillis();
        long[] bounds = db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT min(seq), max(seq) FROM core_txn");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                long min = rs.getLong(1);
                return rs.wasNull() ? null : new long[] {min, rs.getLong(2)};
            }
        });
        if (bounds == null) {
            return 0;
        }
        long max = bounds[1];
        int forgotten = 0;
        for (long from = bounds[0]; from <= max; from += pruneBatch) {
            long start = from;
            long end = from + pruneBatch;
            long[] r = db.inTransaction(c -> {
                try (PreparedStatement old = c.prepareStatement(
                        "DELETE FROM core_txn WHERE seq >= ? AND seq < ? AND handled = 1 AND received_at < ?");
                     PreparedStatement recent = c.prepareStatement(
                             "SELECT 1 FROM core_txn WHERE seq >= ? AND seq < ? AND received_at >= ? LIMIT 1")) {
                    old.setLong(1, start);
                    old.setLong(2, end);
                    old.setLong(3, cutoff);
                    int n = old.executeUpdate();
                    recent.setLong(1, start);
                    recent.setLong(2, end);
                    recent.setLong(3, cutoff);
                    try (ResultSet rs = recent.executeQuery()) {
                        return new long[] {n, rs.next() ? 1 : 0};
                    }
                }
            });
            forgotten += (int) r[0];
            if (r[1] == 1) {
                break;
            }
        }
        boolean allHandledSoFar = true;
        for (long from = Math.max(bounds[0], bodiesClearedBelow); from <= max; from += pruneBatch) {
            long start = from;
            long end = from + pruneBatch;
            long firstUnhandled = db.inTransaction(c -> {
                try (PreparedStatement bodies = c.prepareStatement("UPDATE core_txn SET body = NULL, progress = NULL"
                        + " WHERE seq >= ? AND seq < ? AND handled = 1 AND body IS NOT NULL");
                     PreparedStatement unhandled = c.prepareStatement(
                             "SELECT min(seq) FROM core_txn WHERE seq >= ? AND seq < ? AND handled = 0")) {
                    bodies.setLong(1, start);
                    bodies.setLong(2, end);
                    bodies.executeUpdate();
                    unhandled.setLong(1, start);
                    unhandled.setLong(2, end);
                    try (ResultSet rs = unhandled.executeQuery()) {
                        rs.next();
                        long seq = rs.getLong(1);
                        return rs.wasNull() ? -1L : seq;
                    }
                }
            });
            if (allHandledSoFar) {
                // the next clean-up starts at the first transaction still unhandled now
                bodiesClearedBelow = firstUnhandled >= 0 ? firstUnhandled : Math.min(end, max + 1);
                allHandledSoFar = firstUnhandled < 0;
            }
        }
        return forgotten;
    }

    /** Writes the handled marks and progress that no request carried along, as soon as they wait. */
    private void writeLoop() {
        while (running) {
            try {
                // woken by a mark or a progress; the timeout retries what a failed commit kept
                wake.tryAcquire(retryTickMs, TimeUnit.MILLISECONDS);
                wake.drainPermits();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            if (!handled.isEmpty() || !progress.isEmpty()) {
                // A commit under way (of transactions being stored) may have taken what waited before these
                // came: wait for it and write them right after it, not at the next tick. Each millisecond
                // here is one in which a crash runs again a handler that had finished.
                commitLock.lock();
                try {
                    commitWaiting();
                } finally {
                    commitLock.unlock();
                }
                commitIfFree();
            }
        }
        commitLock.lock();
        try {
            commitWaiting();
        } finally {
            commitLock.unlock();
        }
        Pending p;
        while ((p = appends.poll()) != null) {
            p.result.completeExceptionally(new IllegalStateException("journal closed"));
        }
    }

    /**
     * Commits what is waiting unless a commit is under way. Whoever releases the lock checks again,
     * so a transaction queued while someone else was committing never waits for a timer.
     */
    private void commitIfFree() {
        while (!appends.isEmpty() && commitLock.tryLock()) {
            try {
                commitWaiting();
            } finally {
                commitLock.unlock();
            }
        }
    }

    /**
     * Whether the homeserver should be asked to send again now: the last attempt to write failed (a
     * transaction was refused, or marks wait), or the database works again but a transaction refused
     * meanwhile has not come back yet (for at most {@link #RESEND_AWAIT}): the homeserver retries
     * with a growing delay, and the first write after an outage may be a handled mark, not its
     * retry. May be called from any thread; does not block.
     */
    public boolean failing() {
        return failingCause != null || clock.millis() < resendAwaitedUntil;
    }

    /** The cause of the current outage ({@code SQLiteException: …}), or null when the last write worked. */
    String failingCause() {
        return failingCause;
    }

    /** The deepest cause's class and message: what to tell an admin (no values: SQL errors name no data). */
    private static String rootCause(Throwable e) {
        Throwable t = e;
        for (int depth = 0; t.getCause() != null && t.getCause() != t && depth < 16; depth++) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    /** Commits what is waiting, in one database transaction. Call with {@link #commitLock} held. */
    private void commitWaiting() {
        List<Pending> batch = new ArrayList<>();
        List<Long> done = new ArrayList<>();
        appends.drainTo(batch, 1000);
        handled.drainTo(done, 10_000);
        Map<Long, String> states = new HashMap<>();
        for (Long seq : List.copyOf(progress.keySet())) {
            String state = progress.remove(seq);
            if (state != null) {
                states.put(seq, state);
            }
        }
        if (batch.isEmpty() && done.isEmpty() && states.isEmpty()) {
            return;
        }
        try {
            commit(batch, done, states);
            if (failingCause != null) {
                log.info("The database works again, after {} failed attempt(s) to write; {} transaction(s) were refused"
                        + " meanwhile (the homeserver sends them again)", failedCommits, refusedWhileFailing);
                failingCause = null;
                if (batch.isEmpty() && refusedWhileFailing > 0) {
                    resendAwaitedUntil = clock.millis() + RESEND_AWAIT.toMillis();
                }
            }
            if (!batch.isEmpty()) {
                resendAwaitedUntil = 0;
            }
        } catch (RuntimeException e) {
            String cause = rootCause(e);
            if (!cause.equals(failingCause)) {
                log.error("Could not store {} transaction(s): {}. The homeserver is told to retry (503) until the"
                        + " database can be written again; later failures for the same reason are not logged one by one",
                        batch.size(), cause, e);
                failingCause = cause;
                failedCommits = 0;
                refusedWhileFailing = 0;
            } else {
                log.debug("Could not store {} transaction(s) (still: {})", batch.size(), cause);
            }
            failedCommits++;
            refusedWhileFailing += batch.size();
            for (Pending p : batch) {
                p.result.completeExceptionally(e);
            }
            // handled marks and progress are kept for the next attempt (a newer progress wins)
            handled.addAll(done);
            states.forEach(progress::putIfAbsent);
        }
    }

    /**
     * Logs a homeserver that uses its transaction IDs again once per run of reused IDs, not once per
     * transaction (a Synapse on SQLite numbers from 1 again at each restart: every ID up to the old
     * highest one comes back). Call with {@link #commitLock} held.
     */
    private void noteReuse(String txnId, boolean reused) {
        if (reused) {
            if (reusingSince == null) {
                log.warn("Transaction {} was received before with other events: the homeserver uses its transaction IDs"
                        + " again (restarted, or restored from a backup). Handling it as a new transaction, and the next"
                        + " ones reusing IDs too (not logged one by one); check that nothing was lost or repeated around"
                        + " that time", txnId);
                reusingSince = txnId;
                reusedInRun = 0;
            }
            reusedInRun++;
        } else if (reusingSince != null) {
            log.info("Transaction {} has a new ID again; {} transaction(s) from {} on reused the IDs of earlier ones",
                    txnId, reusedInRun, reusingSince);
            reusingSince = null;
        }
    }

    private void commit(List<Pending> batch, List<Long> done, Map<Long, String> states) {
        long now = clock.millis();
        List<Stored> stored = new ArrayList<>(batch.size());
        Appended[] results = new Appended[batch.size()];
        db.inTransaction(c -> {
            if (!batch.isEmpty()) {
                try (PreparedStatement find = c.prepareStatement("SELECT body_hash FROM core_txn WHERE txn_id = ?");
                     PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO core_txn (txn_id, body_hash, body, received_at) VALUES (?, ?, ?, ?) "
                                + "ON CONFLICT (txn_id, body_hash) DO NOTHING RETURNING seq")) {
                    for (int i = 0; i < batch.size(); i++) {
                        Pending p = batch.get(i);
                        Known known = known(find, p);
                        if (known == Known.SAME) {
                            results[i] = new Appended(null, false);
                            continue;
                        }
                        ps.setString(1, p.txnId);
                        ps.setString(2, p.fingerprint);
                        ps.setBytes(3, p.body);
                        ps.setLong(4, now);
                        try (ResultSet rs = ps.executeQuery()) {
                            results[i] = rs.next()
                                    ? new Appended(new Stored(rs.getLong(1), p.txnId, p.body, p.attachment, null), known == Known.OTHER)
                                    : new Appended(null, false);
                        }
                    }
                }
            }
            if (!done.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement("UPDATE core_txn SET handled = 1 WHERE seq = ?")) {
                    for (Long seq : done) {
                        ps.setLong(1, seq);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            }
            if (!states.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement("UPDATE core_txn SET progress = ? WHERE seq = ? AND handled = 0")) {
                    for (Map.Entry<Long, String> e : states.entrySet()) {
                        ps.setString(1, e.getValue());
                        ps.setLong(2, e.getKey());
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            }
            return null;
        });
        for (int i = 0; i < batch.size(); i++) {
            if (!results[i].duplicate()) {
                stored.add(results[i].stored());
                noteReuse(batch.get(i).txnId, results[i].reusedId());
            }
        }
        if (!stored.isEmpty()) {
            try {
                onCommitted.accept(stored);
            } catch (RuntimeException e) {
                log.error("Dispatching stored transactions failed; they will be replayed at the next start", e);
            }
        }
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).result.complete(results[i]);
        }
    }

    /** Whether the txnId is new, known with the same fingerprint (or stored without one), or only with others. */
    private static Known known(PreparedStatement find, Pending p) throws SQLException {
        find.setString(1, p.txnId);
        boolean any = false;
        try (ResultSet rs = find.executeQuery()) {
            while (rs.next()) {
                String hash = rs.getString(1);
                if (hash == null || hash.equals(p.fingerprint)) {
                    return Known.SAME;
                }
                any = true;
            }
        }
        return any ? Known.OTHER : Known.NEW;
    }

    /** Writes what is waiting, then stops the writer. */
    @Override
    public void close() {
        running = false;
        try {
            writer.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
