package coop.comptoir.bots.shifts;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as people write them in the config: {@code 48h}, {@code 2h30m}, {@code 90s}, {@code 14d}, or ISO {@code PT48H}. */
public final class Durations {
    private static final Pattern HUMAN = Pattern.compile("(?:(\\d+)d)?(?:(\\d+)h)?(?:(\\d+)m(?:in)?)?(?:(\\d+)s)?");

    private Durations() {}

    /**
     * @throws IllegalArgumentException with an example of what is expected
     */
    public static Duration parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty duration (write e.g. 48h, 2h30m, 90s, 14d)");
        }
        String t = text.strip().toLowerCase(java.util.Locale.ROOT).replace(" ", "");
        if (t.startsWith("p")) {
            try {
                return Duration.parse(t.toUpperCase(java.util.Locale.ROOT));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("\"" + text + "\" is not a duration (write e.g. 48h, 2h30m, 90s, 14d)");
            }
        }
        Matcher m = HUMAN.matcher(t);
        if (t.isEmpty() || !m.matches()) {
            throw new IllegalArgumentException("\"" + text + "\" is not a duration (write e.g. 48h, 2h30m, 90s, 14d)");
        }
        Duration d = Duration.ZERO;
        if (m.group(1) != null) d = d.plusDays(Long.parseLong(m.group(1)));
        if (m.group(2) != null) d = d.plusHours(Long.parseLong(m.group(2)));
        if (m.group(3) != null) d = d.plusMinutes(Long.parseLong(m.group(3)));
        if (m.group(4) != null) d = d.plusSeconds(Long.parseLong(m.group(4)));
        return d;
    }

    /** Short form for logs and texts: {@code 48h}, {@code 2h30m}, {@code 45s}. */
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
