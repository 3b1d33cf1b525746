package coop.comptoir.testing.discord;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Discord IDs: milliseconds since 2015 in the high bits, so IDs grow with time. */
final class Snowflakes {
    static final long DISCORD_EPOCH = 1420070400000L;
    private static final DateTimeFormatter ISO =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSxxx").withZone(ZoneOffset.UTC);

    private long last;

    synchronized String next() {
        long candidate = (System.currentTimeMillis() - DISCORD_EPOCH) << 22;
        last = Math.max(candidate, last + 1);
        return Long.toString(last);
    }

    static Instant time(String id) {
        return Instant.ofEpochMilli((Long.parseLong(id) >>> 22) + DISCORD_EPOCH);
    }

    /** Discord's timestamp form: {@code 2026-11-25T10:00:00.123000+00:00}. */
    static String iso(Instant instant) {
        return ISO.format(instant);
    }

    static String isoOf(String id) {
        return iso(time(id));
    }
}
