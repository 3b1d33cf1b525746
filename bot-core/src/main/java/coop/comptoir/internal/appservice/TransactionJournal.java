package coop.comptoir.internal.appservice;

import coop.comptoir.api.store.Database;
import coop.comptoir.api.store.Database.Migration;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
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
 * commit. A background thread writes the "handled" marks that no request carried along.
 *
 * <p>The txnId is unique in the table, so a transaction retried after it was stored is recognised
 * and acknowledged without being handled again, also across restarts. Handled transactions keep
 * only their ID, for {@link #RETENTION}.
 */
public final class TransactionJournal implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TransactionJournal.class);

    /** How long the IDs of handled transactions are kept to recognise retries. */
    public static final Duration RETENTION = Duration.ofDays(7);

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
            """));

    /**
     * A transaction as stored: {@code seq} orders transactions; {@code attachment} is what the caller
     * passed to {@link #append} (the parsed events), null for transactions read back from the database.
     */
    public record Stored(long seq, String txnId, byte[] body, Object attachment) {}

    /** Outcome of {@link #append}: the stored transaction, or null if that txnId was already stored. */
    public record Appended(Stored stored) {
        public boolean duplicate() {
            return stored == null;
        }
    }

    private record Pending(String txnId, byte[] body, Object attachment, CompletableFuture<Appended> result) {}

    private final Database db;
    private final Clock clock;
    private final LinkedBlockingQueue<Pending> appends = new LinkedBlockingQueue<>();
    private final LinkedBlockingQueue<Long> handled = new LinkedBlockingQueue<>();
    private final Consumer<List<Stored>> onCommitted;
    private final Thread writer;
    private final ReentrantLock commitLock = new ReentrantLock();
    private volatile boolean running = true;

    /**
     * @param onCommitted called on the writer thread, in commit order, with the transactions just
     *                    stored (not duplicates); must not block
     */
    public TransactionJournal(Database db, Clock clock, Consumer<List<Stored>> onCommitted) {
        this.db = db;
        this.clock = clock;
        this.onCommitted = onCommitted;
        db.migrate("core", MIGRATIONS);
        this.writer = new Thread(this::writeLoop, "comptoir-journal");
        this.writer.setDaemon(true);
    }

    public void start() {
        writer.start();
    }

    /** Stores a transaction; the future completes once it is committed (or known as a duplicate). */
    public CompletableFuture<Appended> append(String txnId, byte[] body, Object attachment) {
        CompletableFuture<Appended> f = new CompletableFuture<>();
        if (!running) {
            f.completeExceptionally(new IllegalStateException("journal closed"));
            return f;
        }
        appends.add(new Pending(txnId, body, attachment, f));
        // Commit now unless someone else is committing: that one picks this up when it is done.
        commitIfFree();
        return f;
    }

    /** Marks a transaction handled (written with the next batch). */
    public void markHandled(long seq) {
        handled.add(seq);
    }

    /** Transactions stored but not handled, oldest first. */
    public List<Stored> unhandled() {
        return db.withConnection(c -> {
            List<Stored> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT seq, txn_id, body FROM core_txn WHERE handled = 0 ORDER BY seq")) {
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Stored(rs.getLong(1), rs.getString(2), rs.getBytes(3), null));
                    }
                }
            }
            return out;
        });
    }

    /** The ID of the last transaction stored, or null if none is. */
    public String lastTxnId() {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT txn_id FROM core_txn ORDER BY seq DESC LIMIT 1");
                 ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        });
    }

    /**
     * Drops the bodies of handled transactions (kept until now so that a commit stays one small row
     * write) and forgets those older than {@link #RETENTION}; returns how many were forgotten.
     */
    public int prune() {
        long cutoff = clock.millis() - RETENTION.toMillis();
        return db.inTransaction(c -> {
            try (PreparedStatement bodies = c.prepareStatement("UPDATE core_txn SET body = NULL WHERE handled = 1 AND body IS NOT NULL");
                 PreparedStatement old = c.prepareStatement("DELETE FROM core_txn WHERE handled = 1 AND received_at < ?")) {
                bodies.executeUpdate();
                old.setLong(1, cutoff);
                return old.executeUpdate();
            }
        });
    }

    /** Writes the handled marks that no request carried along, every few milliseconds. */
    private void writeLoop() {
        while (running) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            if (!handled.isEmpty() && commitLock.tryLock()) {
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

    /** Commits what is waiting, in one database transaction. Call with {@link #commitLock} held. */
    private void commitWaiting() {
        List<Pending> batch = new ArrayList<>();
        List<Long> done = new ArrayList<>();
        appends.drainTo(batch, 1000);
        handled.drainTo(done, 10_000);
        if (batch.isEmpty() && done.isEmpty()) {
            return;
        }
        try {
            commit(batch, done);
        } catch (RuntimeException e) {
            log.error("Could not store {} transaction(s); the homeserver will retry them", batch.size(), e);
            for (Pending p : batch) {
                p.result.completeExceptionally(e);
            }
            // handled marks are kept for the next attempt
            handled.addAll(done);
        }
    }

    private void commit(List<Pending> batch, List<Long> done) {
        long now = clock.millis();
        List<Stored> stored = new ArrayList<>(batch.size());
        Appended[] results = new Appended[batch.size()];
        db.inTransaction(c -> {
            if (!batch.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO core_txn (txn_id, body, received_at) VALUES (?, ?, ?) "
                                + "ON CONFLICT (txn_id) DO NOTHING RETURNING seq")) {
                    for (int i = 0; i < batch.size(); i++) {
                        Pending p = batch.get(i);
                        ps.setString(1, p.txnId);
                        ps.setBytes(2, p.body);
                        ps.setLong(3, now);
                        try (ResultSet rs = ps.executeQuery()) {
                            results[i] = rs.next() ? new Appended(new Stored(rs.getLong(1), p.txnId, p.body, p.attachment)) : new Appended(null);
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
            return null;
        });
        for (int i = 0; i < batch.size(); i++) {
            if (!results[i].duplicate()) {
                stored.add(results[i].stored());
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
