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
import java.time.temporal.Temporal;
import java.time.temporal.TemporalAmount;
import java.util.ArrayList;
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
import net.fortuna.ical4j.model.Property;
import net.fortuna.ical4j.model.TemporalAmountAdapter;
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
 * logged once. Expanding is bounded ({@link Recurrences}, {@link Limits}): a calendar editor cannot
 * make a read run out of memory or time.
 *
 * <p>A shift's id is {@code ical:<UID>:<original start instant>}, e.g.
 * {@code ical:samedi-a@coop:2026-03-07T08:00:00Z}: a moved instance keeps the id of the date it
 * replaces.
 */
public final class IcalShiftSource implements ShiftSource {
    private static final long MAX_BYTES = 8L * 1024 * 1024;

    private final IcalSourceConfig config;
    private final Limits limits;
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
     * @param limits   how much one read may hold
     */
    public IcalShiftSource(IcalSourceConfig config, ZoneId coopZone, OkHttpClient http, Logger log, Limits limits) {
        this.config = config;
        this.limits = limits;
        this.coopZone = coopZone;
        this.floatingZone = config.floatingZone(coopZone);
        OkHttpClient.Builder client = http.newBuilder().callTimeout(config.timeout());
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

    /** With the {@link Limits#DEFAULT default limits}. */
    public IcalShiftSource(IcalSourceConfig config, ZoneId coopZone, OkHttpClient http, Logger log) {
        this(config, coopZone, http, log, Limits.DEFAULT);
    }

    @Override
    public String describe() {
        return described;
    }

    @Override
    public String mask(String text) {
        IcalSourceConfig.Auth auth = config.auth();
        return auth == null ? text : Safe.mask(text, reveal(auth.token()), reveal(auth.password()));
    }

    /**
     * {@inheritDoc} A recurring event with more than {@link Limits#perEvent} instances in the window,
     * or too dense to expand within bounds, is left out whole (with its moved instances).
     */
    @Override
    public Fetched read(Instant from, Instant to) throws IOException, ShiftSourceException {
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
                        b.header(auth.header(), auth.token().reveal());
                    } else {
                        b.header("Authorization", "Bearer " + auth.token().reveal());
                    }
                } else {
                    b.header("Authorization", Credentials.basic(auth.username(), auth.password().reveal(), StandardCharsets.UTF_8));
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
            throw new ShiftSourceException(IcalErrors.Located.at(text, e.getLineNo()).describe(reason(e)), e);
        } catch (IOException | RuntimeException e) {
            throw new ShiftSourceException("not an iCalendar feed: " + reason(e), e);
        }
    }

    private static String reason(Throwable e) {
        return IcalErrors.reason(e);
    }

    // ---- expanding -------------------------------------------------------------------------------

    private Fetched expand(Calendar cal, Instant from, Instant to) throws ShiftSourceException {
        Map<String, List<VEvent>> byUid = new LinkedHashMap<>();
        for (VEvent e : cal.<VEvent>getComponents(Component.VEVENT)) {
            String uid = text(e, Property.UID);
            if (uid == null || uid.isBlank()) {
                throw new ShiftSourceException(eventName(null, text(e, Property.SUMMARY)) + ": UID: missing");
            }
            byUid.computeIfAbsent(uid, k -> new ArrayList<>()).add(e);
        }
        ShiftCollector out = new ShiftCollector(limits, described);
        Recurrences recurrences = new Recurrences(limits.perEvent(), floatingZone);
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
            if (master != null && !master.occurrences(from, to, overridden, recurrences, out)) {
                continue; // left out whole, its moved instances too
            }
            if (overrides.size() > limits.perEvent()) {
                out.leaveOut(LeftOut.Kind.RECURS_TOO_OFTEN, overrides.get(0).name(), limits.perEvent());
                continue;
            }
            for (Event o : overrides) {
                o.single(o.recurrenceId(), from, to, out);
            }
        }
        return out.finish(to);
    }

    /** One VEVENT, read field by field so that an error names the field. */
    private final class Event {
        private final String uid;
        private final VEvent e;
        private final String summary;
        private final Temporal start;
        private final Instant recurrenceId;
        /** What all its instances share, read at the first one. */
        private Shift first;

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

        /** How admins read it: {@code event "uid" (summary)}. */
        String name() {
            return eventName(uid, summary);
        }

        boolean skipped() throws ShiftSourceException {
            String status = text(e, Property.STATUS);
            if (status != null && status.trim().equalsIgnoreCase("CANCELLED")) {
                return true;
            }
            if (start instanceof LocalDate) {
                if (allDayLogged.add(uid + "|" + recurrenceId)) {
                    log.info("{}: {} is an all-day event, not a shift: ignored", described, name());
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

        /**
         * The master's instances starting in {@code [from, to)}, except those overridden; false
         * when the event recurs too often and is left out.
         */
        boolean occurrences(Instant from, Instant to, Set<Instant> overridden, Recurrences recurrences, ShiftCollector out)
                throws ShiftSourceException {
            if (skipped()) {
                return true;
            }
            checkRecurrenceFields();
            List<Recurrences.Instance> instances;
            try {
                instances = recurrences.of(e, start, duration(), from, to);
            } catch (Recurrences.TooOften ex) {
                log.debug("{}: {} recurs too often (over {} instances in the window, or too densely): left out",
                        described, name(), limits.perEvent());
                out.leaveOut(LeftOut.Kind.RECURS_TOO_OFTEN, name(), limits.perEvent());
                return false;
            } catch (Recurrences.ReadTooCostly ex) {
                throw new ShiftSourceException("the recurring events are too many or too dense to expand in one read (over "
                        + Recurrences.READ_STEPS + " steps, reached at " + name() + "): check their RRULE");
            } catch (Recurrences.BadProperty ex) {
                throw fail(ex.property, reason(ex.getCause()));
            }
            for (Recurrences.Instance i : instances) {
                if (!overridden.contains(i.start())) {
                    out.add(shift(i.start(), i.start(), i.end()), name());
                }
            }
            return true;
        }

        /** How long each instance lasts: DURATION, else DTEND − DTSTART (as ical4j reads them). */
        private TemporalAmount duration() throws ShiftSourceException {
            Optional<net.fortuna.ical4j.model.property.Duration> d = e.getProperty(Property.DURATION);
            try {
                if (d.isPresent()) {
                    return d.get().getDuration();
                }
                return TemporalAmountAdapter.between(start, date(Property.DTEND)).getDuration();
            } catch (RuntimeException ex) {
                throw fail(d.isPresent() ? Property.DURATION : Property.DTEND, reason(ex));
            }
        }

        /** An overriding instance: one shift, with the id of the instance it replaces. */
        void single(Instant original, Instant from, Instant to, ShiftCollector out) throws ShiftSourceException {
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
            out.add(shift(original, s, end), name());
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
            if (first == null) {
                first = describedShift(s, end);
            }
            return new Shift("ical:" + uid + ":" + original, first.title(), first.team(), s.atZone(coopZone), end.atZone(coopZone),
                    first.seatsMax(), first.seatsFree(), first.members());
        }

        /** Title, team, seats and members, the same for every instance. */
        private Shift describedShift(Instant s, Instant end) throws ShiftSourceException {
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
            return new Shift("ical:" + uid, title, team, s.atZone(coopZone), end.atZone(coopZone), seatsMax, seatsFree, members);
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
                        log.warn("{}: {}: ATTENDEE {} is not a valid Matrix ID", described, name(), mxid);
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
            return new ShiftSourceException(name() + ": " + field + ": " + reason);
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

    private static String eventName(String uid, String summary) {
        return IcalErrors.eventName(uid, summary);
    }

    private static String reveal(coop.comptoir.api.config.Secret secret) {
        return secret == null ? null : secret.reveal();
    }
}
