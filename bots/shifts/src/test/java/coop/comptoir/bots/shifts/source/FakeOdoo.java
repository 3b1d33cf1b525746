package coop.comptoir.bots.shifts.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import okhttp3.Headers;

/**
 * A small Odoo speaking the external JSON-RPC API ({@code POST /jsonrpc}) over the coop_shift models
 * {@code shift.shift}, {@code shift.registration} and {@code res.partner}: {@code common.login} and
 * {@code common.authenticate}, {@code object.execute_kw} with {@code search_read} (domains in Polish
 * notation with {@code & | !} and the operators {@code = != in not in > >= < <=}, {@code fields},
 * {@code order}, {@code limit}), and errors shaped as Odoo's ({@code error.data.name}, {@code error.data.message}).
 * Like coop_shift, {@code seats_available} is computed from the registrations.
 */
final class FakeOdoo extends Dispatcher {
    static final String DATABASE = "cagette";
    static final String LOGIN = "comptoir@cagette.example.coop";
    static final String PASSWORD = "odoo-S3cret-pass";
    static final int UID = 7;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter ODOO = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final Map<String, Set<String>> FIELDS = Map.of(
            "shift.shift", Set.of("id", "name", "date_begin", "date_end", "date_begin_tz", "date_end_tz", "week_number",
                    "shift_template_id", "shift_type_id", "seats_max", "seats_available", "state"),
            "shift.registration", Set.of("id", "shift_id", "partner_id", "state"),
            "res.partner", Set.of("id", "name", "display_name", "email", "x_matrix_id", "active"));

    private final Map<String, List<ObjectNode>> tables = new LinkedHashMap<>();
    /** Every call's params, in order (with the password: tests check where it goes). */
    final List<JsonNode> calls = new CopyOnWriteArrayList<>();
    volatile String password = PASSWORD;

    FakeOdoo() {
        FIELDS.keySet().forEach(m -> tables.put(m, new CopyOnWriteArrayList<>()));
    }

    // ---- data ------------------------------------------------------------------------------------

    /** A shift as coop_shift stores it: local times in the *_tz fields, UTC in date_begin/date_end. */
    FakeOdoo shift(long id, String name, String localBegin, String localEnd, int week, long templateId, String template,
                   String type, int seatsMax, String state) {
        ObjectNode s = JSON.createObjectNode().put("id", id).put("name", name)
                .put("date_begin_tz", localBegin).put("date_end_tz", localEnd)
                .put("date_begin", utc(localBegin)).put("date_end", utc(localEnd))
                .put("week_number", week).put("seats_max", seatsMax).put("state", state);
        s.putArray("shift_template_id").add(templateId).add(template);
        s.putArray("shift_type_id").add(type.equals("Standard") ? 1 : 2).add(type);
        tables.get("shift.shift").add(s);
        return this;
    }

    FakeOdoo partner(long id, String name, String email, String matrixId) {
        ObjectNode p = JSON.createObjectNode().put("id", id).put("name", name).put("display_name", name).put("active", true);
        if (email == null) {
            p.put("email", false);
        } else {
            p.put("email", email);
        }
        if (matrixId == null) {
            p.put("x_matrix_id", false);
        } else {
            p.put("x_matrix_id", matrixId);
        }
        tables.get("res.partner").add(p);
        return this;
    }

    FakeOdoo registration(long id, long shiftId, long partnerId, String partnerName, String state) {
        ObjectNode r = JSON.createObjectNode().put("id", id).put("state", state);
        String shiftName = tables.get("shift.shift").stream().filter(s -> s.get("id").asLong() == shiftId)
                .map(s -> s.get("name").asText()).findFirst().orElse("?");
        r.putArray("shift_id").add(shiftId).add(shiftName);
        r.putArray("partner_id").add(partnerId).add(partnerName);
        tables.get("shift.registration").add(r);
        return this;
    }

    /** Sets one field of a stored record ({@code false} writes Odoo's empty value). */
    FakeOdoo set(String model, long id, String field, Object value) {
        ObjectNode r = tables.get(model).stream().filter(x -> x.get("id").asLong() == id).findFirst().orElseThrow();
        r.set(field, JSON.valueToTree(value));
        return this;
    }

    /** {@code search_read} as a client would call it, for tests of the fake itself. */
    JsonNode searchRead(String model, String domainJson, String... fields) throws Exception {
        ObjectNode kwargs = JSON.createObjectNode();
        ArrayNode f = kwargs.putArray("fields");
        for (String x : fields) {
            f.add(x);
        }
        try {
            return executeKw(model, "search_read", JSON.createArrayNode().add(JSON.readTree(domainJson)), kwargs);
        } catch (OdooError e) {
            throw new IllegalArgumentException(e.name + ": " + e.getMessage());
        }
    }

    private static String utc(String local) {
        return LocalDateTime.parse(local, ODOO).atZone(ZoneId.of("Europe/Paris")).withZoneSameInstant(ZoneOffset.UTC).format(ODOO);
    }

    // ---- JSON-RPC --------------------------------------------------------------------------------

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        if (!"POST".equals(request.getMethod()) || !"/jsonrpc".equals(request.getUrl().encodedPath())) {
            return new MockResponse(404, Headers.of("Content-Type", "text/html"), "<h1>Not Found</h1>");
        }
        JsonNode body;
        try {
            body = JSON.readTree(request.getBody().utf8());
        } catch (Exception e) {
            return new MockResponse(400, Headers.of(), "Bad Request");
        }
        JsonNode id = body.path("id");
        JsonNode params = body.path("params");
        calls.add(params);
        try {
            return answer(id, call(params.path("service").asText(), params.path("method").asText(), params.path("args")));
        } catch (OdooError e) {
            ObjectNode out = JSON.createObjectNode().put("jsonrpc", "2.0");
            out.set("id", id);
            ObjectNode error = out.putObject("error").put("code", 200).put("message", "Odoo Server Error");
            ObjectNode data = error.putObject("data").put("name", e.name).put("debug", "Traceback (most recent call last):\n  ...")
                    .put("message", e.getMessage());
            data.putArray("arguments").add(e.getMessage());
            data.putObject("context");
            return new MockResponse(200, Headers.of("Content-Type", "application/json"), out.toString());
        }
    }

    private static MockResponse answer(JsonNode id, JsonNode result) {
        ObjectNode out = JSON.createObjectNode().put("jsonrpc", "2.0");
        out.set("id", id);
        out.set("result", result);
        return new MockResponse(200, Headers.of("Content-Type", "application/json"), out.toString());
    }

    private JsonNode call(String service, String method, JsonNode args) throws OdooError {
        switch (service + "." + method) {
            case "common.version" -> {
                return JSON.createObjectNode().put("server_version", "12.0");
            }
            case "common.login", "common.authenticate" -> {
                boolean ok = DATABASE.equals(args.path(0).asText()) && LOGIN.equals(args.path(1).asText())
                        && password.equals(args.path(2).asText());
                return ok ? JSON.getNodeFactory().numberNode(UID) : JSON.getNodeFactory().booleanNode(false);
            }
            case "object.execute_kw" -> {
                if (!DATABASE.equals(args.path(0).asText()) || args.path(1).asInt() != UID || !password.equals(args.path(2).asText())) {
                    throw new OdooError("odoo.exceptions.AccessDenied", "Access Denied");
                }
                return executeKw(args.path(3).asText(), args.path(4).asText(), args.path(5), args.path(6));
            }
            default -> throw new OdooError("builtins.NameError", "service or method not supported: " + service + "." + method);
        }
    }

    private JsonNode executeKw(String model, String method, JsonNode args, JsonNode kwargs) throws OdooError {
        List<ObjectNode> table = tables.get(model);
        if (table == null) {
            throw new OdooError("builtins.KeyError", "'" + model + "'");
        }
        if (!method.equals("search_read")) {
            throw new OdooError("builtins.AttributeError", "type object '" + model + "' has no attribute '" + method + "'");
        }
        JsonNode domain = args.path(0).isArray() ? args.path(0) : kwargs.path("domain");
        List<String> fields = new ArrayList<>();
        kwargs.path("fields").forEach(f -> fields.add(f.asText()));
        for (String f : fields) {
            if (!FIELDS.get(model).contains(f)) {
                throw new OdooError("builtins.ValueError", "Invalid field '" + f + "' on model '" + model + "'");
            }
        }
        boolean activeTest = kwargs.path("context").path("active_test").asBoolean(true);
        List<ObjectNode> rows = new ArrayList<>();
        for (ObjectNode record : table) {
            ObjectNode r = model.equals("shift.shift") ? withSeats(record) : record;
            if (activeTest && r.has("active") && !r.get("active").asBoolean()) {
                continue;
            }
            if (matches(domain, r, model)) {
                rows.add(r);
            }
        }
        String order = kwargs.path("order").asText("id");
        Comparator<ObjectNode> by = null;
        for (String part : order.split(",")) {
            String field = part.trim().split("\\s+")[0];
            Comparator<ObjectNode> c = Comparator.comparing(r -> r.path(field).isNumber()
                    ? String.format("%020d", r.path(field).asLong()) : r.path(field).asText());
            if (part.trim().toLowerCase().endsWith(" desc")) {
                c = c.reversed();
            }
            by = by == null ? c : by.thenComparing(c);
        }
        rows.sort(by);
        // Odoo's limit: 0 or absent reads every record
        int limit = kwargs.path("limit").asInt(0);
        if (limit > 0 && rows.size() > limit) {
            rows = rows.subList(0, limit);
        }
        ArrayNode out = JSON.createArrayNode();
        for (ObjectNode r : rows) {
            ObjectNode o = out.addObject().put("id", r.get("id").asLong());
            for (String f : fields.isEmpty() ? FIELDS.get(model) : fields) {
                o.set(f, r.has(f) ? r.get(f) : JSON.getNodeFactory().booleanNode(false));
            }
        }
        return out;
    }

    /** coop_shift's _compute_seats_shift: seats_max minus registrations that hold a seat. */
    private ObjectNode withSeats(ObjectNode shift) {
        ObjectNode s = shift.deepCopy();
        long taken = tables.get("shift.registration").stream()
                .filter(r -> r.get("shift_id").get(0).asLong() == shift.get("id").asLong())
                .filter(r -> List.of("draft", "open", "done", "replacing").contains(r.get("state").asText()))
                .count();
        int max = shift.path("seats_max").asInt();
        s.put("seats_available", max > 0 ? max - taken : 0);
        return s;
    }

    // ---- domains ---------------------------------------------------------------------------------

    private boolean matches(JsonNode domain, ObjectNode record, String model) throws OdooError {
        if (domain == null || domain.isMissingNode() || domain.isEmpty()) {
            return true;
        }
        Iterator<JsonNode> terms = domain.iterator();
        boolean all = true;
        while (terms.hasNext()) {
            all &= term(terms, record, model);
        }
        return all;
    }

    /** One term of a Polish-notation domain, consuming its operands. */
    private boolean term(Iterator<JsonNode> terms, ObjectNode record, String model) throws OdooError {
        JsonNode t = terms.next();
        if (t.isTextual()) {
            switch (t.asText()) {
                case "&" -> {
                    boolean a = term(terms, record, model);
                    boolean b = term(terms, record, model);
                    return a && b;
                }
                case "|" -> {
                    boolean a = term(terms, record, model);
                    boolean b = term(terms, record, model);
                    return a || b;
                }
                case "!" -> {
                    return !term(terms, record, model);
                }
                default -> throw new OdooError("builtins.ValueError", "Invalid domain term " + t);
            }
        }
        if (!t.isArray() || t.size() != 3) {
            throw new OdooError("builtins.ValueError", "Invalid domain term " + t);
        }
        String field = t.get(0).asText();
        if (!FIELDS.get(model).contains(field)) {
            throw new OdooError("builtins.ValueError", "Invalid field " + model + "." + field + " in leaf " + t);
        }
        JsonNode value = record.path(field);
        if (value.isArray() && value.size() == 2) {
            value = value.get(0); // many2one: compared by id
        }
        JsonNode operand = t.get(2);
        boolean empty = value.isBoolean() || value.isNull() || value.isMissingNode();
        if (empty && List.of(">", ">=", "<", "<=").contains(t.get(1).asText())) {
            return false; // an empty field is never before or after anything
        }
        return switch (t.get(1).asText()) {
            case "=" -> same(value, operand);
            case "!=" -> !same(value, operand);
            case "in" -> contains(operand, value);
            case "not in" -> !contains(operand, value);
            case ">" -> compare(value, operand) > 0;
            case ">=" -> compare(value, operand) >= 0;
            case "<" -> compare(value, operand) < 0;
            case "<=" -> compare(value, operand) <= 0;
            default -> throw new OdooError("builtins.ValueError", "Invalid operator " + t.get(1));
        };
    }

    private static boolean same(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        return a.asText().equals(b.asText()) && a.isBoolean() == b.isBoolean();
    }

    private static boolean contains(JsonNode list, JsonNode v) {
        for (JsonNode x : list) {
            if (same(x, v)) {
                return true;
            }
        }
        return false;
    }

    /** Numbers by value, datetimes and text as strings (Odoo's format sorts as time does). */
    private static int compare(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue());
        }
        return a.asText().compareTo(b.asText());
    }

    private static final class OdooError extends Exception {
        final String name;

        OdooError(String name, String message) {
            super(message);
            this.name = name;
        }
    }
}
