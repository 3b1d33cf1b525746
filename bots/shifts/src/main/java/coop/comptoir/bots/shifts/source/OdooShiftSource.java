package coop.comptoir.bots.shifts.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.api.id.UserId;
import coop.comptoir.bots.shifts.Shift;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.slf4j.Logger;

/**
 * Shifts from Odoo's {@code coop_shift} module, read-only through the external JSON-RPC API
 * ({@code POST /jsonrpc}): {@code common.authenticate}, then {@code object.execute_kw} with
 * {@code search_read} on {@code shift.shift} (starting in the window, not cancelled),
 * {@code shift.registration} (of those shifts, in the configured states) and {@code res.partner}
 * (the registered partners' names and e-mail or Matrix field).
 *
 * <p>Odoo stores {@code date_begin}/{@code date_end} in UTC; they are shown in the coop's zone.
 * {@code date_begin_tz}/{@code date_end_tz} (local wall time) are used only when the UTC fields are
 * empty. A shift's id is {@code odoo:shift.shift:<id>}.
 *
 * <p>Every {@code search_read} has a {@code limit} ({@link Limits}). The password (or API key) goes
 * in request bodies only: never in a log line or an exception.
 */
public final class OdooShiftSource implements ShiftSource {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final MediaType JSON_TYPE = MediaType.get("application/json");
    private static final DateTimeFormatter ODOO_DATETIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);
    private static final long MAX_BYTES = 16L * 1024 * 1024;
    private static final List<String> SHIFT_FIELDS = List.of("name", "date_begin", "date_end", "date_begin_tz", "date_end_tz",
            "week_number", "shift_template_id", "shift_type_id", "seats_max", "seats_available", "state");
    private static final String[] WEEK_LETTERS = {"A", "B", "C", "D"};

    private final OdooSourceConfig config;
    private final Limits limits;
    private final ZoneId coopZone;
    private final OkHttpClient http;
    private final Logger log;
    private final String described;
    private final Set<String> warned = new java.util.HashSet<>();
    private Integer uid;
    private long nextId = 1;

    /**
     * @param config   the source's section, already checked with {@link OdooSourceConfig#problems}
     * @param coopZone the coop's time zone: shifts are given in it, and {@code date_begin_tz} is read in it
     * @param http     the plugin's shared client ({@code context.http()}); derived here with the
     *                 configured timeout
     * @param log      where odd records are reported (the plugin's logger); never gets the password
     * @param limits   how much one read may hold: {@code search_read} asks for no more
     */
    public OdooShiftSource(OdooSourceConfig config, ZoneId coopZone, OkHttpClient http, Logger log, Limits limits) {
        this.config = config;
        this.limits = limits;
        this.coopZone = coopZone;
        // Every call carries the password: a redirect (307/308 send the body again) could lead it to any host.
        this.http = http.newBuilder().callTimeout(config.timeout())
                .followRedirects(false).followSslRedirects(false).build();
        this.log = log;
        this.described = "Odoo " + Safe.origin(config.base()) + " (database " + config.database() + ")";
    }

    /** With the {@link Limits#DEFAULT default limits}. */
    public OdooShiftSource(OdooSourceConfig config, ZoneId coopZone, OkHttpClient http, Logger log) {
        this(config, coopZone, http, log, Limits.DEFAULT);
    }

    @Override
    public String describe() {
        return described;
    }

    @Override
    public String mask(String text) {
        return Safe.mask(text, config.password() == null ? null : config.password().reveal());
    }

    /**
     * {@inheritDoc} At most {@link Limits#shifts} shifts are asked for (the earliest); with more in
     * the window, the schedule is complete up to the start of the first one not read. More than
     * {@link Limits#MEMBERS} registrations a shift on average is an error.
     */
    @Override
    public Fetched read(Instant from, Instant to) throws IOException, ShiftSourceException {
        if (uid == null) {
            uid = authenticate();
        }
        ArrayNode found = searchRead("shift.shift", domain(
                        leaf("date_begin", ">=", odooTime(from)),
                        leaf("date_begin", "<", odooTime(to)),
                        leaf("state", "!=", "cancel")),
                SHIFT_FIELDS, "date_begin, id", limits.shifts() + 1);
        ShiftCollector out = new ShiftCollector(limits, described);
        List<JsonNode> shifts = new ArrayList<>();
        found.forEach(shifts::add);
        // One more than the limit was asked for: if it came, it marks where the schedule stops being complete.
        JsonNode beyond = shifts.size() > limits.shifts() ? shifts.remove(shifts.size() - 1) : null;
        if (shifts.isEmpty()) {
            return out.finish(to);
        }
        ArrayNode shiftIds = JSON.createArrayNode();
        shifts.forEach(s -> shiftIds.add(s.path("id").asLong()));
        ArrayNode states = JSON.createArrayNode();
        config.registrationStates().forEach(states::add);
        int maxRegistrations = shifts.size() * Limits.MEMBERS;
        ArrayNode registrations = searchRead("shift.registration",
                domain(leaf("shift_id", "in", shiftIds), leaf("state", "in", states)),
                List.of("shift_id", "partner_id", "state"), "id", maxRegistrations + 1);
        if (registrations.size() > maxRegistrations) {
            throw new ShiftSourceException(described + ": shift.registration search_read: more than " + maxRegistrations
                    + " registrations for " + shifts.size() + " shifts (" + Limits.MEMBERS + " a shift at most): check registration_states");
        }
        Map<Long, JsonNode> partners = partners(registrations);

        Map<Long, List<Shift.Member>> members = new HashMap<>();
        for (JsonNode r : registrations) {
            long shiftId = many2oneId(r.path("shift_id"));
            JsonNode pair = r.path("partner_id");
            if (shiftId < 0 || !pair.isArray()) {
                continue;
            }
            JsonNode partner = partners.get(pair.path(0).asLong());
            members.computeIfAbsent(shiftId, k -> new ArrayList<>()).add(member(pair, partner));
        }
        for (JsonNode s : shifts) {
            Shift shift = shift(s, members.getOrDefault(s.path("id").asLong(), List.of()));
            out.add(shift, "shift.shift " + s.path("id").asLong() + " (" + shift.title() + ")");
        }
        if (beyond != null) {
            out.add(shift(beyond, List.of()), "shift.shift " + beyond.path("id").asLong());
        }
        return out.finish(to);
    }

    // ---- records → shifts ------------------------------------------------------------------------

    private Shift shift(JsonNode s, List<Shift.Member> members) throws ShiftSourceException {
        long id = s.path("id").asLong();
        String name = string(s.path("name"));
        String template = many2oneName(s.path("shift_template_id"));
        String title = name != null ? name : template != null ? template : "shift.shift " + id;
        String where = "shift.shift " + id + " (" + title + ")";
        ZonedDateTime start = time(s, "date_begin", "date_begin_tz", where);
        ZonedDateTime end = time(s, "date_end", "date_end_tz", where);
        if (!end.isAfter(start)) {
            throw new ShiftSourceException(where + ": date_end: not after date_begin");
        }
        int seatsMax = Math.max(0, s.path("seats_max").asInt(0));
        int seatsFree = seatsMax == 0 ? 0 : Math.max(0, s.path("seats_available").asInt(0));
        return new Shift("odoo:shift.shift:" + id, title, team(s, template), start, end, seatsMax, seatsFree, members);
    }

    private Optional<String> team(JsonNode s, String template) {
        String raw = switch (config.team().from()) {
            case "week" -> {
                JsonNode w = s.path("week_number");
                int n = w.isNumber() ? w.asInt() : w.isTextual() ? parseInt(w.asText()) : 0;
                yield n >= 1 && n <= 4 ? WEEK_LETTERS[n - 1] : null;
            }
            case "template" -> template;
            case "type" -> many2oneName(s.path("shift_type_id"));
            default -> null;
        };
        if (raw == null) {
            return Optional.empty();
        }
        return Optional.of(config.team().names().getOrDefault(raw, raw));
    }

    /** A UTC field in the coop's zone, or else the local-time field read in the coop's zone. */
    private ZonedDateTime time(JsonNode s, String utcField, String localField, String where) throws ShiftSourceException {
        String utc = string(s.path(utcField));
        if (utc != null) {
            return parseOdooTime(utc, where, utcField).atZone(ZoneOffset.UTC).withZoneSameInstant(coopZone);
        }
        String local = string(s.path(localField));
        if (local != null) {
            return ZonedDateTime.ofLocal(parseOdooTime(local, where, localField), coopZone, null);
        }
        throw new ShiftSourceException(where + ": " + utcField + ": missing");
    }

    private static LocalDateTime parseOdooTime(String value, String where, String field) throws ShiftSourceException {
        try {
            return LocalDateTime.parse(value.length() == 16 ? value + ":00" : value, ODOO_DATETIME);
        } catch (DateTimeParseException e) {
            throw new ShiftSourceException(where + ": " + field + ": \"" + value + "\" is not a date-time (YYYY-MM-DD HH:MM:SS)");
        }
    }

    private Shift.Member member(JsonNode pair, JsonNode partner) {
        String name = partner == null ? null : string(partner.path("display_name"));
        if (name == null) {
            name = many2oneName(pair);
        }
        if (name == null) {
            name = "res.partner " + pair.path(0).asLong();
        }
        if (partner == null) {
            return new Shift.Member(name, Optional.empty());
        }
        String mxid;
        if (config.members().by().equals("field")) {
            mxid = string(partner.path(config.members().field()));
            mxid = mxid == null ? null : mxid.trim();
        } else {
            String email = string(partner.path("email"));
            mxid = email == null ? null : config.members().emails().get(email.trim().toLowerCase(Locale.ROOT));
        }
        if (mxid == null || mxid.isEmpty()) {
            return new Shift.Member(name, Optional.empty());
        }
        try {
            return new Shift.Member(name, Optional.of(UserId.of(mxid)));
        } catch (IllegalArgumentException e) {
            if (warned.add("partner " + partner.path("id").asLong())) {
                log.warn("{}: res.partner {} ({}): {}: not a Matrix user ID, member not mentioned", described,
                        partner.path("id").asLong(), name, config.members().field());
            }
            return new Shift.Member(name, Optional.empty());
        }
    }

    private Map<Long, JsonNode> partners(ArrayNode registrations) throws IOException, ShiftSourceException {
        Set<Long> ids = new LinkedHashSet<>();
        registrations.forEach(r -> {
            long id = many2oneId(r.path("partner_id"));
            if (id >= 0) {
                ids.add(id);
            }
        });
        if (ids.isEmpty()) {
            return Map.of();
        }
        ArrayNode idList = JSON.createArrayNode();
        ids.forEach(idList::add);
        List<String> fields = new ArrayList<>(List.of("display_name", "email"));
        if (config.members().by().equals("field")) {
            fields.add(config.members().field());
        }
        Map<Long, JsonNode> out = new LinkedHashMap<>();
        for (JsonNode p : searchRead("res.partner", domain(leaf("id", "in", idList)), fields, "id", ids.size())) {
            out.put(p.path("id").asLong(), p);
        }
        return out;
    }

    // ---- JSON-RPC --------------------------------------------------------------------------------

    private int authenticate() throws IOException, ShiftSourceException {
        ArrayNode args = JSON.createArrayNode().add(config.database()).add(config.login()).add(config.password().reveal());
        args.addObject();
        JsonNode result = call("common", "authenticate", args, "login");
        if (!result.isIntegralNumber()) {
            throw refused();
        }
        return result.asInt();
    }

    /** {@code search_read} of at most {@code limit} records. */
    private ArrayNode searchRead(String model, ArrayNode domain, Collection<String> fields, String order, int limit)
            throws IOException, ShiftSourceException {
        ArrayNode args = JSON.createArrayNode().add(config.database()).add(uid).add(config.password().reveal()).add(model).add("search_read");
        args.addArray().add(domain);
        ObjectNode kwargs = args.addObject();
        ArrayNode f = kwargs.putArray("fields");
        fields.forEach(f::add);
        kwargs.put("order", order);
        kwargs.put("limit", limit);
        kwargs.putObject("context").put("active_test", false);
        JsonNode result = call("object", "execute_kw", args, model + " search_read");
        if (!result.isArray()) {
            throw new ShiftSourceException(described + ": " + model + " search_read: not a list of records");
        }
        return (ArrayNode) result;
    }

    /** One call; Odoo's errors become exceptions that name what was asked, never the password. */
    private JsonNode call(String service, String method, ArrayNode args, String what) throws IOException, ShiftSourceException {
        ObjectNode body = JSON.createObjectNode().put("jsonrpc", "2.0").put("method", "call").put("id", nextId++);
        body.putObject("params").put("service", service).put("method", method).set("args", args);
        Request request = new Request.Builder().url(config.base() + "/jsonrpc")
                .header("Accept", "application/json")
                .post(RequestBody.create(JSON.writeValueAsBytes(body), JSON_TYPE)).build();
        JsonNode answer;
        try (Response r = http.newCall(request).execute()) {
            if (r.isRedirect()) {
                throw new IOException(described + ": " + what + ": HTTP " + r.code()
                        + " (a redirect, not followed with the password: set url to the final address)");
            }
            if (!r.isSuccessful()) {
                throw new IOException(described + ": " + what + ": HTTP " + r.code());
            }
            if (r.body().contentLength() > MAX_BYTES) {
                throw new IOException(described + ": " + what + ": answer too large");
            }
            try (var in = r.body().byteStream()) {
                byte[] data = in.readNBytes((int) MAX_BYTES + 1);
                if (data.length > MAX_BYTES) {
                    throw new IOException(described + ": " + what + ": answer too large");
                }
                answer = parseAnswer(data, what);
            }
        } catch (InterruptedIOException e) {
            throw new IOException(described + ": " + what + ": timed out");
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(described)) {
                throw e;
            }
            throw new IOException(described + ": " + what + ": " + e.getClass().getSimpleName());
        }
        JsonNode error = answer.path("error");
        if (!error.isMissingNode() && !error.isNull()) {
            String name = error.path("data").path("name").asText("");
            String message = error.path("data").path("message").asText(error.path("message").asText("error"));
            if (name.endsWith("AccessDenied") || message.equalsIgnoreCase("Access Denied")) {
                uid = null; // a password changed since: log in again at the next poll
                throw refused();
            }
            if (name.endsWith("KeyError")) {
                message = "unknown model " + message + " (is the coop_shift module installed?)";
            }
            throw new ShiftSourceException(described + ": " + what + ": " + scrub(firstLine(message)));
        }
        if (!answer.has("result")) {
            throw new IOException(described + ": " + what + ": not a JSON-RPC answer (is url the Odoo address?)");
        }
        return answer.get("result");
    }

    private JsonNode parseAnswer(byte[] data, String what) throws IOException {
        try {
            JsonNode node = JSON.readTree(data);
            if (node == null || !node.isObject()) {
                throw new IOException();
            }
            return node;
        } catch (IOException e) {
            throw new IOException(described + ": " + what + ": not a JSON-RPC answer (is url the Odoo address?)");
        }
    }

    private ShiftSourceException refused() {
        return new ShiftSourceException(described + ": login \"" + config.login()
                + "\" refused (Access Denied): check the login and the password or API key");
    }

    /** Odoo may quote arguments in its messages: the password never goes further. */
    private String scrub(String message) {
        String p = config.password() == null ? null : config.password().reveal();
        return p == null || p.isEmpty() ? message : message.replace(p, "***");
    }

    // ---- small helpers ---------------------------------------------------------------------------

    private static ArrayNode domain(ArrayNode... leaves) {
        ArrayNode d = JSON.createArrayNode();
        for (ArrayNode l : leaves) {
            d.add(l);
        }
        return d;
    }

    private static ArrayNode leaf(String field, String operator, Object value) {
        ArrayNode l = JSON.createArrayNode().add(field).add(operator);
        if (value instanceof JsonNode n) {
            l.add(n);
        } else {
            l.add(String.valueOf(value));
        }
        return l;
    }

    static String odooTime(Instant t) {
        return ODOO_DATETIME.format(t.atZone(ZoneOffset.UTC));
    }

    /** A text value; Odoo writes {@code false} for an empty field. */
    private static String string(JsonNode n) {
        return n.isTextual() && !n.asText().isBlank() ? n.asText() : null;
    }

    /** The id of a many2one value {@code [id, "name"]} (or a bare id), or -1. */
    private static long many2oneId(JsonNode n) {
        if (n.isArray() && n.size() >= 1 && n.get(0).isIntegralNumber()) {
            return n.get(0).asLong();
        }
        return n.isIntegralNumber() ? n.asLong() : -1;
    }

    private static String many2oneName(JsonNode n) {
        return n.isArray() && n.size() >= 2 ? string(n.get(1)) : null;
    }

    private static int parseInt(String s) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
