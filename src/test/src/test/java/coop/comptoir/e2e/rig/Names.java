package coop.comptoir.e2e.rig;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Names that no other test of the run uses, so that every test class can share one homeserver
 * without seeing another's users or rooms.
 */
public final class Names {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final String RUN = Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36), 36);

    private Names() {}

    /** A valid Matrix localpart such as {@code alice_3_k2f}: lowercase, digits and underscores. */
    public static String unique(String prefix) {
        return prefix.toLowerCase(java.util.Locale.ROOT) + "_" + COUNTER.incrementAndGet() + "_" + RUN;
    }

    /** A number not handed out before in this JVM, at least 1000 (for ghost IDs and the like). */
    public static int uniqueNumber() {
        return 1000 + COUNTER.incrementAndGet();
    }
}
