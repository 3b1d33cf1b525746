package coop.comptoir.internal.dispatch;

import coop.comptoir.api.event.MatrixEvent;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The events of one transaction while the dispatcher handles them: how many are left, and what is
 * done (for the progress saved in the journal).
 */
final class Batch {
    /** An event and the subscriptions that want it; {@code ok} and {@code attempts} change under the batch's lock. */
    static final class Item {
        final MatrixEvent event;
        /** Position in the transaction's events, as {@link coop.comptoir.internal.appservice.TransactionBody} reads them. */
        final int index;
        final List<Dispatcher.Subscription> subscribers;
        final Batch batch;
        /** Keys of the subscriptions done with the event, once one of the others asked for a retry. */
        Set<String> ok;
        /** Failed attempts so far. */
        int attempts;

        Item(MatrixEvent event, int index, List<Dispatcher.Subscription> subscribers, Batch batch) {
            this.event = event;
            this.index = index;
            this.subscribers = subscribers;
            this.batch = batch;
        }
    }

    final long seq;
    final long created = System.nanoTime();
    final AtomicInteger remaining = new AtomicInteger();
    /** Guarded by this: indexes done, items partly done, and whether that changed since last saved. */
    final BitSet done;
    final Set<Item> partial = new HashSet<>();
    int version;
    int savedVersion;

    Batch(long seq, BitSet done) {
        this.seq = seq;
        this.done = (BitSet) done.clone();
    }

    /** The progress as it is now; counts as saved. */
    synchronized String progress() {
        Map<Integer, Progress.Partial> parts = new HashMap<>();
        for (Item i : partial) {
            parts.put(i.index, new Progress.Partial(i.attempts, Set.copyOf(i.ok)));
        }
        savedVersion = version;
        return new Progress(done, parts).encode();
    }
}
