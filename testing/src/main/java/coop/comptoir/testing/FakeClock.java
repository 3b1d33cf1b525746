package coop.comptoir.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Objects;

/**
 * A clock the test moves by hand; every copy made with {@link #withZone} moves with it. A
 * {@link #ticking} clock also runs with the system's time, for code whose own threads wait in real
 * time while the test jumps ahead (a day, a week) to what it schedules. Thread-safe.
 */
public final class FakeClock extends Clock {
    /** [0]: the time of a still clock; [1]: the offset of a ticking one, as an instant after the epoch. */
    private final Instant[] now;
    private final boolean ticking;
    private final ZoneId zone;

    /** A still clock at {@code start}, in {@code zone}: it moves only when the test moves it. */
    public FakeClock(Instant start, ZoneId zone) {
        this(new Instant[] {Objects.requireNonNull(start)}, false, Objects.requireNonNull(zone));
    }

    /** A clock that runs with the system's time (starting now) plus what the test moves it by. */
    public static FakeClock ticking(ZoneId zone) {
        return new FakeClock(new Instant[] {Instant.EPOCH}, true, Objects.requireNonNull(zone));
    }

    private FakeClock(Instant[] now, boolean ticking, ZoneId zone) {
        this.now = now;
        this.ticking = ticking;
        this.zone = zone;
    }

    /** Moves the time forward (or back, with a negative duration). */
    public void advance(Duration by) {
        synchronized (now) {
            now[0] = now[0].plus(by);
        }
    }

    /** Sets the time (a ticking clock goes on running from there). */
    public void set(Instant instant) {
        Objects.requireNonNull(instant);
        synchronized (now) {
            now[0] = ticking ? Instant.EPOCH.plus(Duration.between(Instant.now(), instant)) : instant;
        }
    }

    @Override
    public Instant instant() {
        synchronized (now) {
            return ticking ? Instant.now().plus(Duration.between(Instant.EPOCH, now[0])) : now[0];
        }
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return new FakeClock(now, ticking, zone);
    }
}
