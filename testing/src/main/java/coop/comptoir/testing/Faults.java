package coop.comptoir.testing;

import coop.comptoir.api.matrix.MatrixException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** The failures a test asked of a {@link RecordingMatrixClient}'s homeserver, oldest first. Thread-safe. */
final class Faults {
    /** {@code left} is the number of failures still to come, or -1 for "until cleared". */
    private static final class Rule {
        final Set<MatrixCall> calls;
        final MatrixException failure;
        int left;

        Rule(Set<MatrixCall> calls, MatrixException failure, int left) {
            this.calls = calls;
            this.failure = failure;
            this.left = left;
        }
    }

    private final List<Rule> rules = new ArrayList<>();

    synchronized void add(java.util.Collection<MatrixCall> calls, MatrixException failure, int times) {
        if (failure == null) {
            throw new IllegalArgumentException("a failure to throw is needed");
        }
        if (times == 0) {
            return;
        }
        rules.add(new Rule(calls.isEmpty() ? EnumSet.allOf(MatrixCall.class) : EnumSet.copyOf(calls), failure, times));
    }

    synchronized void clear() {
        rules.clear();
    }

    /** How many failures the counted rules still hold (an "until cleared" rule counts as none). */
    synchronized int left() {
        return rules.stream().mapToInt(r -> Math.max(r.left, 0)).sum();
    }

    /** Throws the failure of the oldest rule covering {@code call}, using one of its times. */
    void check(MatrixCall call) {
        MatrixException thrown = null;
        synchronized (this) {
            for (Rule r : rules) {
                if (r.calls.contains(call)) {
                    thrown = r.failure;
                    if (r.left > 0 && --r.left == 0) {
                        rules.remove(r);
                    }
                    break;
                }
            }
        }
        if (thrown != null) {
            throw thrown;
        }
    }
}
