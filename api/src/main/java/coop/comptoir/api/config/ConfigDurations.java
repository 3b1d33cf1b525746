package coop.comptoir.api.config;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one way durations are written in the config: a number and a unit, {@code 90s}, {@code 10m},
 * {@code 48h}, {@code 14d}, or several together ({@code 2h30m}). The runtime binds
 * {@link java.time.Duration} record components with {@link #parse}; a bare number is refused,
 * with a message saying how to write it (the unit would be a guess).
 */
public final class ConfigDurations {
    /** How a duration is written, for error messages. */
    public static final String HOW = "a number and a unit: 90s, 10m, 48h, 14d (or 2h30m)";

    private static final Pattern FORM = Pattern.compile("(?:(\\d+)d)?(?:(\\d+)h)?(?:(\\d+)m(?:in)?)?(?:(\\d+)s)?");

    private ConfigDurations() {}

    /**
     * Parses {@code 90s}, {@code 10m}, {@code 48h}, {@code 14d}, {@code 2h30m}; ISO-8601
     * ({@code PT10M}) is still read, as older configs wrote it.
     *
     * @throws IllegalArgumentException saying how to write it, for a bare number or anything else
     */
    public static Duration parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty: expected " + HOW);
        }
        String t = text.strip().toLowerCase(Locale.ROOT).replace(" ", "");
        if (t.matches("\\d+(\\.\\d+)?")) {
            throw new IllegalArgumentException("\"" + text.strip() + "\" has no unit: write " + t + "s, " + t + "m, " + t + "h or "
                    + t + "d");
        }
        if (t.startsWith("p")) {
            try {
                return Duration.parse(t.toUpperCase(Locale.ROOT));
            } catch (java.time.format.DateTimeParseException e) {
                throw notADuration(text);
            }
        }
        Matcher m = FORM.matcher(t);
        if (t.isEmpty() || !m.matches()) {
            throw notADuration(text);
        }
        try {
            Duration d = Duration.ZERO;
            if (m.group(1) != null) d = d.plusDays(Long.parseLong(m.group(1)));
            if (m.group(2) != null) d = d.plusHours(Long.parseLong(m.group(2)));
            if (m.group(3) != null) d = d.plusMinutes(Long.parseLong(m.group(3)));
            if (m.group(4) != null) d = d.plusSeconds(Long.parseLong(m.group(4)));
            return d;
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("\"" + text.strip() + "\" is too long a duration");
        }
    }

    private static IllegalArgumentException notADuration(String text) {
        String t = text.strip();
        return new IllegalArgumentException("\"" + (t.length() > 40 ? t.substring(0, 37) + "..." : t)
                + "\" is not a duration: expected " + HOW);
    }

    /** The short form, as {@link #parse} reads it, in hours at most: {@code 48h}, {@code 2h30m}, {@code 45s}. */
    public static String format(Duration d) {
        StringBuilder sb = new StringBuilder();
        long s = d.getSeconds();
        if (s >= 3600) {
            sb.append(s / 3600).append('h');
            s %= 3600;
        }
        if (s >= 60) {
            sb.append(s / 60).append('m');
            s %= 60;
        }
        if (s > 0 || sb.isEmpty()) {
            sb.append(s).append('s');
        }
        return sb.toString();
    }
}
