package coop.comptoir.bots.welcome;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** Lets a thing happen once per key in a period (one FAQ answer per room and topic). Thread-safe. */
final class Cooldown {
    private final Clock clock;
    private final Duration period;
    private final Map<String, Instant> last = new HashMap<>();

    Cooldown(Clock clock, Duration period) {
        if (period.isNegative()) {
            throw new IllegalArgumentException("negative cool-down: " + period);
        }
        this.clock = clock;
        this.period = period;
    }

    /** True, and starts the period, if {@code key} is not in its period; false otherwise. */
    synchronized boolean tryAcquire(String key) {
        Instant now = clock.instant();
        Instant previous = last.get(key);
        if (previous != null && now.isBefore(previous.plus(period))) {
            return false;
        }
        last.put(key, now);
        if (last.size() > 10_000) {
            last.values().removeIf(t -> !now.isBefore(t.plus(period)));
        }
        return true;
    }
}
