package coop.comptoir.internal.clock;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A test facility: the system clock shifted by an offset read from a file, so that end-to-end
 * tests can move the time that plugins see ({@code PluginContext.clock()}) in a Comptoir running
 * as a separate process. Turned on by the environment variable {@value #ENV}; never meant for
 * production.
 *
 * <p>The file holds one offset: an ISO-8601 duration ({@code PT47H59M30S}, {@code -PT5M}) or a
 * whole number of milliseconds ({@code 172770000}). A missing file means no offset. The file is
 * read at most every {@value #CHECK_EVERY_MS} ms and its content compared with the last one, so a
 * test moves the clock by rewriting it (best by writing another file and moving it in place). An
 * empty file (one being rewritten: truncated, not yet written) keeps the offset in force (none at
 * first); an unreadable offset keeps it too, and is logged once.
 *
 * <p>Only the plugins' clock is shifted: Quartz, the transaction journal and the core commands keep
 * the system time. A plugin that wants a job at a time of this clock polls it from a short cron job.
 */
public final class OffsetFileClock extends Clock {
    public static final String ENV = "COMPTOIR_CLOCK_FILE";
    static final long CHECK_EVERY_MS = 50;
    private static final long MAX_BYTES = 1024;
    private static final Logger log = LoggerFactory.getLogger(OffsetFileClock.class);

    private final Path file;
    private final Clock base;
    private final ZoneId zone;
    private volatile State state;

    /** @param text the file's content when last read (trimmed; null: no file), to see a change */
    private record State(Duration offset, long checkedAtMillis, String text) {}

    private OffsetFileClock(Path file, Clock base, ZoneId zone, State state) {
        this.file = Objects.requireNonNull(file, "file");
        this.base = Objects.requireNonNull(base, "base");
        this.zone = zone;
        this.state = state;
    }

    /** A clock over {@code base} shifted by the offset in {@code file}, read now. */
    public static OffsetFileClock of(Path file, Clock base) {
        OffsetFileClock c = new OffsetFileClock(file, base, base.getZone(), new State(Duration.ZERO, Long.MIN_VALUE, null));
        c.refresh(true);
        return c;
    }

    /**
     * The plugins' clock for this process: shifted when {@value #ENV} names a file (logged loudly),
     * else {@code base} itself.
     */
    public static Clock fromEnvironment(java.util.Map<String, String> env, Clock base) {
        String path = env.get(ENV);
        if (path == null || path.isBlank()) {
            return base;
        }
        OffsetFileClock c = of(Path.of(path.trim()), base);
        log.warn("TEST FACILITY: {} is set: plugins see the system time shifted by the offset in {} (now {}, "
                + "plugin time {}). Never set it in production.", ENV, c.file, c.offset(), c.instant());
        return c;
    }

    /** The offset in force. */
    public Duration offset() {
        refresh(false);
        return state.offset();
    }

    @Override
    public Instant instant() {
        refresh(false);
        return base.instant().plus(state.offset());
    }

    @Override
    public long millis() {
        return instant().toEpochMilli();
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    @Override
    public Clock withZone(ZoneId other) {
        return other.equals(zone) ? this : new OffsetFileClock(file, base, other, state);
    }

    private void refresh(boolean force) {
        State s = state;
        long now = System.currentTimeMillis();
        if (!force && now - s.checkedAtMillis() < CHECK_EVERY_MS && now >= s.checkedAtMillis()) {
            return;
        }
        synchronized (this) {
            s = state;
            // The file is tiny: its content, not its time stamp and size (a rewrite within the same
            // millisecond, or to the same length, changes neither), says whether it changed.
            String text;
            try {
                if (Files.size(file) > MAX_BYTES) {
                    throw new IOException("larger than " + MAX_BYTES + " bytes");
                }
                text = Files.readString(file).trim();
            } catch (NoSuchFileException e) {
                text = null;
            } catch (IOException e) {
                if (!("io:" + e.getMessage()).equals(s.text())) {
                    log.warn("Test clock file {} unreadable, keeping the offset {}: {}", file, s.offset(), e.getMessage());
                }
                state = new State(s.offset(), now, "io:" + e.getMessage());
                return;
            }
            if (text != null && text.isEmpty()) {
                // Being rewritten (truncated, not yet written): the offset in force stays.
                state = new State(s.offset(), now, s.text());
                return;
            }
            if (java.util.Objects.equals(text, s.text())) {
                state = new State(s.offset(), now, s.text());
                return;
            }
            Duration offset = s.offset();
            try {
                offset = text == null ? Duration.ZERO : parse(text);
                if (!offset.equals(s.offset())) {
                    log.info("Test clock offset from {}: {} (plugin time now {})", file, offset, base.instant().plus(offset));
                }
            } catch (IllegalArgumentException e) {
                log.warn("Test clock file {} unreadable, keeping the offset {}: {}", file, offset, e.getMessage());
            }
            state = new State(offset, now, text);
        }
    }

    /** An offset as written in the file: ISO-8601 duration or milliseconds; empty is zero. */
    static Duration parse(String text) {
        if (text.isEmpty()) {
            return Duration.ZERO;
        }
        if (text.matches("[+-]?\\d+")) {
            return Duration.ofMillis(Long.parseLong(text));
        }
        try {
            return Duration.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("\"" + text + "\" is neither an ISO-8601 duration nor milliseconds");
        }
    }

    @Override
    public String toString() {
        return "OffsetFileClock[" + file + ", " + state.offset() + "]";
    }
}
