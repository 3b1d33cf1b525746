package coop.comptoir.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Timings of the start-up steps, printed when the JVM runs with {@code -Dcomptoir.startup.trace}
 * (or {@code -Dcomptoir.startup.trace=true}): one log line per step with the time the step took
 * and the time since the JVM started (its boot included). Without the property every call
 * returns at once and nothing is logged, so the marks may stay in the start-up path.
 *
 * <p>Used by {@code bench/startup.sh} and {@code docs/benchmarks.md} to see where the time to the
 * first answered transaction goes. Thread-safe; never throws.
 */
public final class StartupTrace {
    /** The system property that turns the trace on. */
    public static final String PROPERTY = "comptoir.startup.trace";

    private static final boolean ON = enabled(System.getProperty(PROPERTY));
    private static final Logger LOG = ON ? LoggerFactory.getLogger(StartupTrace.class) : null;
    private static long last = System.nanoTime();
    private static boolean firstTransactionSeen;

    private StartupTrace() {
    }

    static boolean enabled(String value) {
        return value != null && (value.isEmpty() || value.equalsIgnoreCase("true"));
    }

    /** True when the trace is on (so callers may skip work done only for it). */
    public static boolean on() {
        return ON;
    }

    /**
     * Marks the end of a start-up step: logs how long it took since the previous mark and since
     * the process started. May be called from any thread.
     */
    public static synchronized void mark(String step) {
        if (!ON) {
            return;
        }
        long now = System.nanoTime();
        long stepMs = (now - last) / 1_000_000;
        last = now;
        LOG.info("Start-up: {} took {} ms ({} ms since the process started)", step, stepMs, sinceProcessStart());
    }

    /** Marks the first transaction answered by this process; later calls do nothing. */
    public static void firstTransaction() {
        if (!ON) {
            return;
        }
        synchronized (StartupTrace.class) {
            if (firstTransactionSeen) {
                return;
            }
            firstTransactionSeen = true;
        }
        mark("first transaction stored");
    }

    /**
     * From the process's start time as the kernel keeps it (10 ms steps on Linux). Not from JMX's
     * {@code RuntimeMXBean}: that loads about 130 classes, which would then be counted in the
     * memory figures the trace is used to take.
     */
    private static long sinceProcessStart() {
        return ProcessHandle.current().info().startInstant()
                .map(start -> System.currentTimeMillis() - start.toEpochMilli())
                .orElse(-1L);
    }
}
