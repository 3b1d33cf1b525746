package coop.comptoir.bots.shifts.source;

import java.util.Locale;

/** How errors of an iCalendar feed are worded: the event (UID, SUMMARY), the property, the reason. */
final class IcalErrors {
    private IcalErrors() {}

    /** The deepest message of {@code e}, without ical4j's prefixes and class names. */
    static String reason(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        java.util.regex.Matcher enumConstant = java.util.regex.Pattern
                .compile("No enum constant [\\w.]*\\.(\\w+)\\.(\\w+)").matcher(m);
        if (enumConstant.find()) {
            String what = enumConstant.group(1).equals("Frequency") ? "FREQ" : enumConstant.group(1);
            return "unknown " + what + " \"" + enumConstant.group(2) + "\"";
        }
        return m.replaceFirst("^Error at line \\d+:", "").trim();
    }

    /** Where a parse error is: the event (UID, SUMMARY) and the property at a physical line. */
    record Located(String uid, String summary, String property, int line) {
        static Located at(String text, int lineNo) {
            String[] lines = text.split("\r?\n", -1);
            int i = Math.min(Math.max(lineNo, 1), lines.length) - 1;
            while (i > 0 && (lines[i].startsWith(" ") || lines[i].startsWith("\t"))) {
                i--;
            }
            String property = lines.length == 0 ? "" : lines[i].split("[;:]", 2)[0].toUpperCase(Locale.ROOT);
            int begin = i;
            while (begin >= 0 && !lines[begin].trim().equalsIgnoreCase("BEGIN:VEVENT")) {
                begin--;
            }
            if (begin < 0) {
                return new Located(null, null, property, lineNo);
            }
            String uid = null;
            String summary = null;
            for (int j = begin + 1; j < lines.length && !lines[j].trim().equalsIgnoreCase("END:VEVENT"); j++) {
                StringBuilder logical = new StringBuilder(lines[j]);
                while (j + 1 < lines.length && (lines[j + 1].startsWith(" ") || lines[j + 1].startsWith("\t"))) {
                    logical.append(lines[++j].substring(1));
                }
                String l = logical.toString();
                String name = l.split("[;:]", 2)[0].toUpperCase(Locale.ROOT);
                int colon = l.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                if (name.equals("UID") && uid == null) {
                    uid = l.substring(colon + 1).trim();
                } else if (name.equals("SUMMARY") && summary == null) {
                    summary = l.substring(colon + 1).trim().replace("\\,", ",").replace("\\;", ";");
                }
            }
            return new Located(uid, summary, property, lineNo);
        }

        String describe(String reason) {
            if (uid == null && summary == null) {
                return "line " + line + (property.isEmpty() ? "" : " (" + property + ")") + ": " + reason;
            }
            return eventName(uid, summary) + ": " + property + ": " + reason;
        }
    }

    /** {@code event "uid@coop" (Samedi matin)}. */
    static String eventName(String uid, String summary) {
        StringBuilder b = new StringBuilder("event");
        if (uid != null) {
            b.append(" \"").append(uid).append('"');
        }
        if (summary != null && !summary.isBlank()) {
            b.append(" (").append(summary.trim()).append(')');
        }
        return b.toString();
    }
}
