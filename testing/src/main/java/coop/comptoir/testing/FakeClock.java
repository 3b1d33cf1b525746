package coop.comptoir.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Objects;

/** A clock the test moves by hand; every copy made with {@link #withZone} moves with it. Thread-safe. */
public final class FakeClock extends Clock {
    private final Instant[] now;
    private final ZoneId zone;

    /** A clock at {@code start}, in {@code zone}. */
    public FakeClock(Instant start, ZoneId zone) {
        this(new Instant[] {Objects.requireNonNull(start)}, Objects.requireNonNull(zone));
    }

    private FakeClock(Instant[] now, ZoneId zone) {
        this.now = now;
        this.zone = zone;
    }

    /** Moves the time forward (or back, with a negative duration). */
    public void advance(Duration by) {
        synchronized (now) {
            now[0] = now[0].plus(by);
        }
    }

    /** Sets the time. */
    public void set(Instant instant) {
        synchronized (now) {
            now[0] = Objects.requireNonNull(instant);
        }
    }

    @Override
    public Instant instant() {
        synchronized (now) {
            return now[0];
        }
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return new FakeClock(now, zone);
    }
}
