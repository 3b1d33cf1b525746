package coop.comptoir.bots.shifts;

import java.time.Duration;

/** A period as a Quartz cron expression: it must divide a minute, an hour or a day evenly. */
final class Cadence {
    private Cadence() {}

    /** @throws IllegalArgumentException with examples when the period does not fit */
    static String cron(Duration d) {
        long s = d.getSeconds();
        if (d.getNano() == 0 && s > 0) {
            if (s < 60 && 60 % s == 0) {
                return "0/" + s + " * * * * ?";
            }
            if (s % 60 == 0 && s < 3600 && 60 % (s / 60) == 0) {
                return "0 0/" + (s / 60) + " * * * ?";
            }
            if (s % 3600 == 0 && s < 86400 && 24 % (s / 3600) == 0) {
                return "0 0 0/" + (s / 3600) + " * * ?";
            }
            if (s == 86400) {
                return "0 0 0 * * ?";
            }
        }
        throw new IllegalArgumentException(coop.comptoir.api.config.ConfigDurations.format(d)
                + " does not divide a minute, an hour or a day evenly (e.g. 5s, 30s, 1m, 5m, 15m, 1h)");
    }
}
