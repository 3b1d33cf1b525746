package coop.comptoir.bots.shifts.source;

import coop.comptoir.api.id.UserId;
import coop.comptoir.bots.shifts.Shift;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.StringReader;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.Temporal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import net.fortuna.ical4j.data.CalendarBuilder;
import net.fortuna.ical4j.data.ParserException;
import net.fortuna.ical4j.model.Calendar;
import net.fortuna.ical4j.model.Component;
import net.fortuna.ical4j.model.Parameter;
import net.fortuna.ical4j.model.Period;
import net.fortuna.ical4j.model.Property;
import net.fortuna.ical4j.model.component.VEvent;
import net.fortuna.ical4j.model.property.Attendee;
import net.fortuna.ical4j.model.property.DateListProperty;
import net.fortuna.ical4j.model.property.DateProperty;
import net.fortuna.ical4j.model.property.RRule;
import okhttp3.Credentials;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.slf4j.Logger;

/**
 * Shifts from an iCalendar feed (a URL, read with conditional GET, or a local file, re-read when it
 * changes): one event per shift, recurring events expanded (RRULE, RDATE, EXDATE, and instances
 * overridden or cancelled through RECURRENCE-ID), in the zones the feed names (VTIMEZONE, TZID, UTC;
 * floating times in the configured zone). All-day events are not shifts: they are skipped and
 * logged once.
 *
 * <p>A shift's id is {@code ical:<UID>:<original start instant>}, e.g.
 * {@code ical:samedi-a@coop:2026-03-07T08:00:00Z}: a moved instance keeps the id of the date it
 * replaces.
 */
public final class IcalShiftSource implements ShiftSource {
    private static final long MAX_BYTES = 8L * 1024 * 1024;

    private final IcalSourceConfig config;
    private final ZoneId coopZone;
    private final ZoneId floatingZone;
    private final OkHttpClient http;
    private final Logger log;
    private final String described;
    private final Set<String> allDayLogged = new HashSet<>();

    // What the last successful read gave, with what identifies it (HTTP validators, or file stamp).
    private Calendar calendar;
    private String etag;
    private String lastModified;
    private FileTime fileTime;
    private long fileSize = -1;

    /**
     * @param config   the source's section, already checked with {@link IcalSourceConfig#problems}
     * @param coopZone the coop's time zone: shifts are given in it (and floating times read in it
     *                 unless {@code zone} is set)
     * @param http     the plugin's shared client ({@code context.http()}); derived here with the
     *                 configured timeout
     * @param log      where skipped events are reported (the plugin's logger); never gets a credential
     */
    public IcalShiftSource(IcalSourceConfig config, ZoneId coopZone, OkHttpClient http, Logger log) {
        this.config = config;
        this.coopZone = coopZone;
        this.floatingZone = config.floatingZone(coopZone);
        OkHttpClient.Builder client = http.newBuilder().callTimeout(java.time.Duration.ofSeconds(config.timeoutSeconds()));
        if (config.auth() != null) {
            // The credentials go to the configured address only: a redirect could lead them to any host, or to http.
            client.followRedirects(false).followSslRedirects(false);
        }
        this.http = client.build();
        this.log = log;
        this.described = config.url() != null && !config.url().isBlank()
                ? "iCalendar " + Safe.origin(config.url().trim())
                : "iCalendar file " + config.file().trim();
    }

    @Override
    public String describe() {
        return described;
    }

    @Override
    public String mask(String text) {
        IcalSourceConfig.Auth auth = config.auth();
        return auth == null ? text : Safe.mask(text, auth.token(), auth.password());
    }

    @Override
    public List<Shift> fetch(Instant from, Instant to) throws IOException, ShiftSourceException {
        Calendar cal = config.url() != null && !config.url().isBlank() ? readUrl() : readFile();
        return expand(cal, from, to);
    }

    // ---- reading ---------------------------------------------------------------------------------

    private Calendar readUrl() throws IOException, ShiftSourceException {
        Request.Builder b = new Request.Builder().url(config.url().trim())
                .header("Accept", "text/calendar, */*;q=0.5");
        IcalSourceConfig.Auth auth = config.auth();
        if (auth != null) {
            try {
                if (auth.token() != null) {
                    if (auth.header() != null) {
                        b.header(auth.header(), auth.token());
                    } else {
                        b.header("Authorization", "Bearer " + auth.token());
                    }
                } else {
                    b.header("Authorization", Credentials.basic(auth.username(), auth.password(), StandardCharsets.UTF_8));
                }
            } catch (IllegalArgumentException e) {
                // OkHttp's message quotes the header value: never passed on.
                throw new ShiftSourceException(described + ": auth: the token has a character not allowed in an HTTP header");
            }
        }
        if (calendar != null) {
            if (etag != null) {
                b.header("If-None-Match", etag);
            }
            if (lastModified != null) {
                b.header("If-Modified-Since", lastModified);
            }
        }
        byte[] body;
        String newEtag;
        String newLastModified;
        try (Response r = http.newCall(b.build()).execute()) {
            if (r.code() == 304 && calendar != null) {
                return calendar;
            }
            if (r.isRedirect()) {
                throw new IOException(described + ": HTTP " + r.code() + " (a redirect, not followed with credentials: "
                        + "set url to the feed's final address)");
            }
            if (!r.isSuccessful()) {
                throw new IOException(described + ": HTTP " + r.code());
            }
            body = bytes(r.body());
            newEtag = r.header("ETag");
            newLastModified = r.header("Last-Modified");
        } catch (InterruptedIOException e) {
            throw new IOException(described + ": timed out");
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(described)) {
                throw e;
            }
            throw new IOException(described + ": " + e.getClass().getSimpleName());
        }
        Calendar parsed = parse(new String(body, StandardCharsets.UTF_8));
        // Remembered only once the feed parsed: a broken feed is read (and reported) again next time.
        calendar = parsed;
        etag = newEtag;
        lastModified = newLastModified;
        return parsed;
    }

    private byte[] bytes(ResponseBody body) throws IOException {
        if (body.contentLength() > MAX_BYTES) {
            throw new IOException(described + ": answer too large");
        }
        try (var in = body.byteStream()) {
            byte[] data = in.readNBytes((int) MAX_BYTES + 1);
            if (data.length > MAX_BYTES) {
                throw new IOException(described + ": answer too large");
            }
            return data;
        }
    }

    private Calendar readFile() throws IOException, ShiftSourceException {
        Path path = Path.of(config.file().trim());
        FileTime time;
        long size;
        byte[] data;
        try {
            time = Files.getLastModifiedTime(path);
            size = Files.size(path);
            if (calendar != null && time.equals(fileTime) && size == fileSize) {
                return calendar;
            }
            if (size > MAX_BYTES) {
                throw new IOException(described + ": file too large");
            }
            data = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new IOException(described + ": no such file");
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(described)) {
                throw e;
            }
            throw new IOException(described + ": cannot be read (" + e.getClass().getSimpleName() + ")");
        }
        Calendar parsed = parse(new String(data, StandardCharsets.UTF_8));
        calendar = parsed;
        fileTime = time;
        fileSize = size;
        return parsed;
    }

    /** Parses a whole feed; a syntax error names the event and the property it is in. */
    static Calendar parse(String text) throws ShiftSourceException {
        try {
            return new CalendarBuilder().build(new StringReader(text));
        } catch (ParserException e) {
            throw new ShiftSourceException(Located.at(text, e.getLineNo()).describe(reason(e)), e);
        } catch (IOException | RuntimeException e) {
            throw new ShiftSourceException("not an iCalendar feed: " + reason(e), e);
        }
    }

    /** The deepest message of {@code e}, without ical4j's prefixes and class names. */
    private static String reason(Throwable e) {
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
    private record Located(String uid, String summary, String property, int line) {
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

    // ---- expanding -------------------------------------------------------------------------------

    private List<Shift> expand(Calendar cal, Instant from, Instant to) throws ShiftSourceException {
        Map<String, List<VEvent>> byUid = new LinkedHashMap<>();
        for (VEvent e : cal.<VEvent>getComponents(Component.VEVENT)) {
            String uid = text(e, Property.UID);
            if (uid == null || uid.isBlank()) {
                throw new ShiftSourceException(eventName(null, text(e, Property.SUMMARY)) + ": UID: missing");
            }
            byUid.computeIfAbsent(uid, k -> new ArrayList<>()).add(e);
        }
        List<Shift> out = new ArrayList<>();
        for (var entry : byUid.entrySet()) {
            Event master = null;
            List<Event> overrides = new ArrayList<>();
            for (VEvent e : entry.getValue()) {
                Event ev = new Event(entry.getKey(), e);
                if (ev.recurrenceId() == null) {
                    master = ev;
                } else {
                    overrides.add(ev);
                }
            }
            Set<Instant> overridden = new HashSet<>();
            for (Event o : overrides) {
                overridden.add(o.recurrenceId());
            }
            if (master != null) {
                master.occurrences(from, to, overridden, out);
            }
            for (Event o : overrides) {
                o.single(o.recurrenceId(), from, to, out);
            }
        }
        out.sort(Comparator.comparing(Shift::start).thenComparing(Shift::id));
        return out;
    }

    /** One VEVENT, read field by field so that an error names the field. */
    private final class Event {
        private final String uid;
        private final VEvent e;
        private final String summary;
        private final Temporal start;
        private final Instant recurrenceId;

        Event(String uid, VEvent e) throws ShiftSourceException {
            this.uid = uid;
            this.e = e;
            this.summary = text(e, Property.SUMMARY);
            this.start = date(Property.DTSTART);
            if (start == null) {
                throw fail(Property.DTSTART, "missing");
            }
            Temporal rid = date(Property.RECURRENCE_ID);
            this.recurrenceId = rid == null ? null : instant(rid);
        }

        Instant recurrenceId() {
            return recurrenceId;
        }

        boolean skipped() throws ShiftSourceException {
            String status = text(e, Property.STATUS);
            if (status != null && status.trim().equalsIgnoreCase("CANCELLED")) {
                return true;
            }
            if (start instanceof LocalDate) {
                if (allDayLogged.add(uid + "|" + recurrenceId)) {
                    log.info("{}: {} is an all-day event, not a shift: ignored", described, eventName(uid, summary));
                }
                return true;
            }
            Temporal end = date(Property.DTEND);
            if (end == null && e.getProperty(Property.DURATION).isEmpty()) {
                throw fail(Property.DTEND, "missing (give DTEND or DURATION)");
            }
            if (end instanceof LocalDate) {
                throw fail(Property.DTEND, "a date where DTSTART is a date-time");
            }
            return false;
        }

        /** The master's instances starting in {@code [from, to)}, except those overridden. */
        void occurrences(Instant from, Instant to, Set<Instant> overridden, List<Shift> out) throws ShiftSourceException {
            if (skipped()) {
                return;
            }
            checkRecurrenceFields();
            // Widened by a day: ical4j keeps periods overlapping the window; the start decides below.
            Period<? extends Temporal> window = start instanceof LocalDateTime
                    ? new Period<>(LocalDateTime.ofInstant(from, floatingZone).minusDays(1), LocalDateTime.ofInstant(to, floatingZone).plusDays(1))
                    : new Period<>(from.atZone(ZoneOffset.UTC).minusDays(1), to.atZone(ZoneOffset.UTC).plusDays(1));
            java.util.Set<Period<Temporal>> periods;
            try {
                periods = e.calculateRecurrenceSet(window);
            } catch (RuntimeException ex) {
                throw fail(e.getProperty(Property.RRULE).isPresent() ? Property.RRULE : Property.DTSTART, reason(ex));
            }
            for (Period<Temporal> p : periods) {
                Instant s = instant(p.getStart());
                if (s.isBefore(from) || !s.isBefore(to) || overridden.contains(s)) {
                    continue;
                }
                out.add(shift(s, s, instant(p.getEnd())));
            }
        }

        /** An overriding instance: one shift, with the id of the instance it replaces. */
        void single(Instant original, Instant from, Instant to, List<Shift> out) throws ShiftSourceException {
            if (skipped()) {
                return;
            }
            Instant s = instant(start);
            if (s.isBefore(from) || !s.isBefore(to)) {
                return;
            }
            Instant end;
            Temporal dtEnd = date(Property.DTEND);
            if (dtEnd != null) {
                end = instant(dtEnd);
            } else {
                try {
                    end = s.atZone(coopZone).plus(e.<net.fortuna.ical4j.model.property.Duration>getProperty(Property.DURATION)
                            .orElseThrow().getDuration()).toInstant();
                } catch (RuntimeException ex) {
                    throw fail(Property.DURATION, reason(ex));
                }
            }
            out.add(shift(original, s, end));
        }

        private void checkRecurrenceFields() throws ShiftSourceException {
            try {
                e.<RRule<?>>getProperties(Property.RRULE).forEach(RRule::getRecur);
            } catch (RuntimeException ex) {
                throw fail(Property.RRULE, reason(ex));
            }
            for (String name : List.of(Property.RDATE, Property.EXDATE)) {
                try {
                    e.<DateListProperty<?>>getProperties(name).forEach(DateListProperty::getDates);
                } catch (RuntimeException ex) {
                    throw fail(name, reason(ex));
                }
            }
        }

        private Shift shift(Instant original, Instant s, Instant end) throws ShiftSourceException {
            if (!end.isAfter(s)) {
                throw fail(Property.DTEND, "not after DTSTART");
            }
            String title = summary == null || summary.isBlank() ? uid : summary.trim();
            Optional<String> team = Optional.empty();
            IcalSourceConfig.Team t = config.team();
            switch (t.from()) {
                case "categories" -> team = firstCategory();
                case "property" -> team = Optional.ofNullable(text(e, t.property())).map(String::trim).filter(v -> !v.isEmpty());
                case "summary" -> {
                    int at = title.indexOf(t.separator());
                    if (at > 0 && at + t.separator().length() < title.length()) {
                        team = Optional.of(title.substring(0, at).trim());
                        title = title.substring(at + t.separator().length()).trim();
                    }
                }
                default -> { }
            }
            List<Shift.Member> members = members();
            int seatsMax = seats();
            int seatsFree = Math.max(0, seatsMax - members.size());
            return new Shift("ical:" + uid + ":" + original, title, team, s.atZone(coopZone), end.atZone(coopZone),
                    seatsMax, seatsFree, members);
        }

        private Optional<String> firstCategory() {
            for (Property p : e.<Property>getProperties(Property.CATEGORIES)) {
                for (String c : p.getValue().split("(?<!\\\\),")) {
                    String v = c.replace("\\,", ",").trim();
                    if (!v.isEmpty()) {
                        return Optional.of(v);
                    }
                }
            }
            return Optional.empty();
        }

        private int seats() throws ShiftSourceException {
            if (config.seatsProperty().isEmpty()) {
                return 0;
            }
            String v = text(e, config.seatsProperty());
            if (v == null || v.isBlank()) {
                return 0;
            }
            try {
                int n = Integer.parseInt(v.trim());
                if (n < 0) {
                    throw new NumberFormatException();
                }
                return n;
            } catch (NumberFormatException ex) {
                throw fail(config.seatsProperty(), "\"" + v.trim() + "\" is not a number of seats");
            }
        }

        /** Attendees who did not decline, in the feed's order. */
        private List<Shift.Member> members() {
            List<Shift.Member> out = new ArrayList<>();
            for (Attendee a : e.<Attendee>getProperties(Property.ATTENDEE)) {
                String partstat = a.getParameter(Parameter.PARTSTAT).map(Parameter::getValue).orElse("");
                if (partstat.equalsIgnoreCase("DECLINED")) {
                    continue;
                }
                String cn = a.getParameter(Parameter.CN).map(Parameter::getValue).map(String::trim).orElse("");
                out.add(member(a.getValue() == null ? "" : a.getValue().trim(), cn));
            }
            return out;
        }

        private Shift.Member member(String address, String cn) {
            String lower = address.toLowerCase(Locale.ROOT);
            Optional<UserId> id = Optional.empty();
            String fallbackName = address;
            if (lower.startsWith("mailto:")) {
                String email = lower.substring("mailto:".length()).trim();
                fallbackName = email.contains("@") ? address.substring(7, 7 + email.indexOf('@')).trim() : email;
                String mapped = config.members().emails().get(email);
                id = mapped == null ? Optional.empty() : Optional.of(UserId.of(mapped));
            } else {
                String mxid = matrixId(address);
                if (mxid != null) {
                    fallbackName = mxid;
                    try {
                        id = Optional.of(UserId.of(mxid));
                    } catch (IllegalArgumentException ex) {
                        log.warn("{}: {}: ATTENDEE {} is not a valid Matrix ID", described, eventName(uid, summary), mxid);
                    }
                }
            }
            return new Shift.Member(cn.isEmpty() ? fallbackName : cn, id);
        }

        private Temporal date(String name) throws ShiftSourceException {
            Optional<DateProperty<Temporal>> p = e.getProperty(name);
            if (p.isEmpty()) {
                return null;
            }
            try {
                return p.get().getDate();
            } catch (java.time.format.DateTimeParseException ex) {
                throw fail(name, "\"" + ex.getParsedString() + "\" is not a valid date-time (e.g. 20260307T090000)");
            } catch (RuntimeException ex) {
                throw fail(name, reason(ex));
            }
        }

        private Instant instant(Temporal t) {
            if (t instanceof LocalDateTime ldt) {
                return ldt.atZone(floatingZone).toInstant();
            }
            if (t instanceof LocalDate d) {
                return d.atStartOfDay(floatingZone).toInstant();
            }
            return Instant.from(t);
        }

        private ShiftSourceException fail(String field, String reason) {
            return new ShiftSourceException(eventName(uid, summary) + ": " + field + ": " + reason);
        }
    }

    /** {@code @alice:example.org} from {@code matrix:u/alice:example.org} or a matrix.to link; else null. */
    static String matrixId(String address) {
        String a = address.trim();
        String lower = a.toLowerCase(Locale.ROOT);
        String id = null;
        if (lower.startsWith("matrix:u/")) {
            id = "@" + a.substring("matrix:u/".length());
        } else if (lower.startsWith("https://matrix.to/#/")) {
            id = a.substring("https://matrix.to/#/".length());
        }
        if (id == null) {
            return null;
        }
        int q = id.indexOf('?');
        id = q < 0 ? id : id.substring(0, q);
        id = URLDecoder.decode(id, StandardCharsets.UTF_8);
        return id.startsWith("@") ? id : null;
    }

    private static String text(VEvent e, String name) {
        return e.getProperty(name).map(Property::getValue).orElse(null);
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
