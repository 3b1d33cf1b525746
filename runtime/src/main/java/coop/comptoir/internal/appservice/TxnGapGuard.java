package coop.comptoir.internal.appservice;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices a transaction that the homeserver created but never sent, and makes it send it.
 *
 * <p>Synapse numbers its transactions 1, 2, 3, … per appservice and sends them one at a time, in
 * order. When Comptoir comes back after a stop, Synapse's retry loop may finish while a new
 * transaction is being created; that one is then kept in Synapse's database, unsent, until the next
 * failure (seen with Synapse 1.163). Comptoir sees it as a gap: it receives N+2 after N.
 *
 * <p>The cure is to refuse N+2 once (503): Synapse then enters its retry loop, which sends the
 * oldest unsent transaction first (N+1), then N+2 again, which is accepted. Order is kept and nothing
 * waits for a later failure. A gap that was never a lost transaction costs one retry delay (2 s).
 *
 * <p>The guard applies only where IDs count up one by one, and switches itself on when it sees it:
 * two consecutive numeric IDs in a row (stored before this start, or received since). Other
 * homeservers number otherwise and are left alone: Dendrite (0.13) uses the nanosecond time of the
 * event stream's message, or {@code <ts>_<count>}; Conduit, conduwuit and continuwuity a base64
 * hash. A non-numeric ID, or a numeric one that does not follow the previous one by exactly one,
 * never arms it. The cost: on Synapse, a transaction lost before two in a row were seen (the very
 * first ones of a new database) waits for the next failure, as it would without the guard.
 *
 * <p>A Synapse on SQLite numbers again after each restart, from the highest transaction still in
 * its database (sent ones are deleted there), so from 1 when everything was sent; seen in the fault
 * suite (docs/reliability.md, scenario 2). An ID lower than the last one is therefore a new
 * numbering, not a retry: the guard follows it (gaps are noticed again at once). When the new
 * numbering does not start at 1, the transaction before it was left unsent in the homeserver's
 * database (a stop while it was in flight): the first one is refused once, as for a gap, and the
 * guard takes whatever comes next as the new start (the oldest unsent one).
 */
final class TxnGapGuard {
    private static final Logger log = LoggerFactory.getLogger(TxnGapGuard.class);
    /** Larger jumps are taken as a new numbering (a homeserver reset), not as lost transactions. */
    private static final long MAX_GAP = 10_000;

    private long last;
    /** Whether IDs were seen counting up one by one, so that a gap means a transaction not sent. */
    private boolean armed;
    private final Set<Long> refusedOnce = new HashSet<>();

    /** @param recentStored the last txnIds stored before this start, newest first (may be empty) */
    TxnGapGuard(List<String> recentStored) {
        this.last = recentStored.isEmpty() ? -1 : parse(recentStored.get(0));
        this.armed = recentStored.size() >= 2 && last > 0 && parse(recentStored.get(1)) == last - 1;
    }

    /**
     * Whether {@code txnId} may be stored now; false means "answer 503 so the homeserver sends the
     * missing ones first". Records the ID as seen when it returns true.
     */
    synchronized boolean admit(String txnId) {
        return admit(txnId, () -> false);
    }

    /**
     * As {@link #admit(String)}, where {@code repeat} tells whether this very transaction (same ID
     * and body) is already stored. It is asked only when an ID lower than the last one arrives: a
     * repeat (a late retry, a homeserver restored from a backup) is then admitted, for the journal
     * to acknowledge, and leaves the numbering as it was, while another body under an old ID is a
     * new numbering. May block briefly (a database read).
     */
    synchronized boolean admit(String txnId, BooleanSupplier repeat) {
        long n = parse(txnId);
        if (n < 0) {
            return true;
        }
        if (!armed && last >= 0 && n == last + 1) {
            armed = true;
            log.debug("Transaction IDs count up one by one: a gap will be taken as a transaction not sent");
        }
        if (last >= 0 && n < last) {
            if (repeat.getAsBoolean()) {
                return true; // the journal acknowledges it again; the numbering is unchanged
            }
            if (armed && n > 1 && refusedOnce.add(n)) {
                log.warn("Transaction {} arrived after {}: the homeserver numbers its transactions again (a restart);"
                        + " asking it to send first the one(s) it may have kept unsent", n, last);
                last = -1;
                return false;
            }
            log.info("Transaction {} arrived after {}: the homeserver numbers its transactions again (a restart)", n, last);
            last = n;
            refusedOnce.remove(n);
            return true;
        }
        if (last < 0 && armed) {
            // the first one after a new numbering was refused: this is the oldest one it had kept
            last = n;
            refusedOnce.remove(n);
            return true;
        }
        if (armed && last >= 0 && n > last + 1 && n - last <= MAX_GAP && refusedOnce.add(n)) {
            log.warn("Transaction {} arrived but {} did not: asking the homeserver to send the missing one(s) first",
                    n, last + 1 == n - 1 ? Long.toString(last + 1) : (last + 1) + " to " + (n - 1));
            return false;
        }
        refusedOnce.remove(n);
        if (n > last) {
            last = n;
        }
        return true;
    }

    private static long parse(String txnId) {
        if (txnId == null || txnId.isEmpty() || txnId.length() > 18) {
            return -1;
        }
        for (int i = 0; i < txnId.length(); i++) {
            if (txnId.charAt(i) < '0' || txnId.charAt(i) > '9') {
                return -1;
            }
        }
        return Long.parseLong(txnId);
    }
}
