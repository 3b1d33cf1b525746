package coop.comptoir.internal.appservice;

import java.util.HashSet;
import java.util.Set;
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
 * <p>Only purely numeric txnIds take part; other homeservers' IDs are left alone.
 */
final class TxnGapGuard {
    private static final Logger log = LoggerFactory.getLogger(TxnGapGuard.class);
    /** Larger jumps are taken as a new numbering (a homeserver reset), not as lost transactions. */
    private static final long MAX_GAP = 10_000;

    private long last;
    private final Set<Long> refusedOnce = new HashSet<>();

    /** @param lastStored the last txnId stored before this start, or null */
    TxnGapGuard(String lastStored) {
        this.last = parse(lastStored);
    }

    /**
     * Whether {@code txnId} may be stored now; false means "answer 503 so the homeserver sends the
     * missing ones first". Records the ID as seen when it returns true.
     */
    synchronized boolean admit(String txnId) {
        long n = parse(txnId);
        if (n < 0) {
            return true;
        }
        if (last >= 0 && n > last + 1 && n - last <= MAX_GAP && refusedOnce.add(n)) {
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
