package coop.comptoir.testing.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.testing.spec.OpenApiDocs.Located;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Checks a JSON value against an OpenAPI 3.x / JSON Schema fragment, down into nested objects and
 * arrays. What is checked: {@code type} (one type or a list, {@code nullable: true} allowing null),
 * {@code enum}, {@code const}, a string's {@code pattern}; an object's {@code required} properties,
 * each declared property against its schema, {@code patternProperties}, and
 * {@code additionalProperties} (a schema for the others, or {@code false}: none allowed); an
 * array's {@code items}; {@code $ref} (through {@link OpenApiDocs#resolve}); {@code allOf} (every
 * part), {@code oneOf}/{@code anyOf} (at least one branch). Formats, lengths and bounds are not
 * checked: they are annotations for what these tests look for (a wrong name, type or nesting).
 *
 * <p>Each problem names {@code where} (the request or document) and the JSON path
 * ({@code $.topic.created_by.id}) with what was found. Not thread-safe state: none; instances are
 * cheap, one per check is fine.
 */
public final class SchemaCheck {
    private static final int MAX_DEPTH = 60;
    private final OpenApiDocs docs;

    /** A check resolving {@code $ref}s through {@code docs}. */
    public SchemaCheck(OpenApiDocs docs) {
        this.docs = docs;
    }

    /** Adds to {@code problems} every way {@code value} differs from {@code schema}. */
    public void check(JsonNode value, Located schema, String where, List<String> problems) {
        check(value, schema, where, "$", problems, 0, true);
    }

    private void check(JsonNode value, Located schema, String where, String at, List<String> problems, int depth) {
        check(value, schema, where, at, problems, depth, true);
    }

    /**
     * @param members whether to check an object's members here; false for an {@code allOf} part,
     *                whose required and declared properties are checked once, merged with the
     *                whole's (so a property declared by one part is not "additional" in another)
     */
    private void check(JsonNode value, Located schema, String where, String at, List<String> problems, int depth,
                       boolean members) {
        if (depth > MAX_DEPTH) {
            return;
        }
        Located s = docs.resolve(schema);
        JsonNode n = s.node();
        if (n.isMissingNode() || !n.isObject()) {
            return; // true, {} or absent: anything goes
        }
        for (String alternatives : List.of("oneOf", "anyOf")) {
            if (n.has(alternatives)) {
                boolean any = false;
                List<String> closest = null;
                for (JsonNode branch : n.get(alternatives)) {
                    List<String> found = new ArrayList<>();
                    check(value, new Located(branch, s.file()), where, at, found, depth + 1);
                    any |= found.isEmpty();
                    if (closest == null || found.size() < closest.size()) {
                        closest = found;
                    }
                }
                if (!any) {
                    problems.add(where + ": " + at + " matches none of the " + alternatives + " schemas: "
                            + abbreviate(value) + (closest == null || closest.isEmpty() ? "" : " (closest: " + closest.get(0) + ")"));
                }
            }
        }
        for (JsonNode part : n.path("allOf")) {
            check(value, new Located(part, s.file()), where, at, problems, depth + 1, false);
        }
        JsonNode type = n.path("type");
        boolean nullable = n.path("nullable").asBoolean(false);
        if (!type.isMissingNode() && !(nullable && value.isNull()) && !typeMatches(value, type)) {
            problems.add(where + ": " + at + " should be " + (type.isArray() ? type.toString() : type.asText())
                    + ", is " + abbreviate(value));
            return;
        }
        if (n.has("enum") && !(nullable && value.isNull())) {
            boolean listed = false;
            for (JsonNode e : n.get("enum")) {
                listed |= sameValue(e, value);
            }
            if (!listed) {
                problems.add(where + ": " + at + " is not one of " + n.get("enum") + ": " + abbreviate(value));
            }
        }
        if (n.has("const") && !sameValue(n.get("const"), value)) {
            problems.add(where + ": " + at + " should be " + n.get("const") + ": " + abbreviate(value));
        }
        if (value.isTextual() && n.path("pattern").isTextual()) {
            Pattern p = pattern(n.get("pattern").asText());
            if (p != null && !p.matcher(value.asText()).find()) {
                problems.add(where + ": " + at + " does not match the pattern " + n.get("pattern").asText() + ": " + abbreviate(value));
            }
        }
        if (value.isObject()) {
            if (members) {
                checkObject(value, s, where, at, problems, depth);
            }
        } else if (value.isArray() && n.has("items")) {
            for (int i = 0; i < value.size(); i++) {
                check(value.get(i), s.path("items"), where, at + "[" + i + "]", problems, depth + 1);
            }
        }
    }

    private void checkObject(JsonNode value, Located s, String where, String at, List<String> problems, int depth) {
        for (String name : required(s)) {
            if (!value.has(name)) {
                problems.add(where + ": " + at + " lacks required property " + name);
            }
        }
        Map<String, Located> declared = properties(s);
        JsonNode additional = additional(s);
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String child = at + "." + e.getKey();
            Located property = declared.get(e.getKey());
            if (property != null) {
                check(e.getValue(), property, where, child, problems, depth + 1);
                continue;
            }
            Located pattern = patternFor(s, e.getKey());
            if (pattern != null) {
                check(e.getValue(), pattern, where, child, problems, depth + 1);
            } else if (additional.isBoolean() && !additional.asBoolean()) {
                problems.add(where + ": " + child + " is not a declared property (additionalProperties: false)");
            } else if (additional.isObject()) {
                check(e.getValue(), new Located(additional, s.file()), where, child, problems, depth + 1);
            }
        }
    }

    /** Required properties, {@code allOf} parts included. */
    public Set<String> required(Located schema) {
        Located s = docs.resolve(schema);
        Set<String> names = new LinkedHashSet<>();
        s.node().path("required").forEach(n -> names.add(n.asText()));
        s.node().path("allOf").forEach(part -> names.addAll(required(new Located(part, s.file()))));
        return names;
    }

    /** Declared properties (resolved, with their file), {@code allOf} parts included. */
    public Map<String, Located> properties(Located schema) {
        Located s = docs.resolve(schema);
        Map<String, Located> props = new HashMap<>();
        s.node().path("allOf").forEach(part -> props.putAll(properties(new Located(part, s.file()))));
        s.node().path("properties").fields().forEachRemaining(
                e -> props.put(e.getKey(), docs.resolve(new Located(e.getValue(), s.file()))));
        return props;
    }

    /**
     * The {@code additionalProperties} that applies: the schema's own; with {@code allOf}, {@code false}
     * only if every part that says anything says {@code false} (a part's properties are the whole's).
     */
    private JsonNode additional(Located s) {
        JsonNode own = s.node().path("additionalProperties");
        if (!own.isMissingNode() || !s.node().has("allOf")) {
            return own;
        }
        JsonNode result = own;
        for (JsonNode part : s.node().path("allOf")) {
            JsonNode a = additional(docs.resolve(new Located(part, s.file())));
            if (a.isObject() || (a.isBoolean() && a.asBoolean())) {
                return a;
            }
            if (!a.isMissingNode()) {
                result = a;
            }
        }
        return result;
    }

    private Located patternFor(Located schema, String name) {
        for (Iterator<Map.Entry<String, JsonNode>> it = schema.node().path("patternProperties").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Pattern p = pattern(e.getKey());
            if (p != null && p.matcher(name).find()) {
                return new Located(e.getValue(), schema.file());
            }
        }
        for (JsonNode part : schema.node().path("allOf")) {
            Located found = patternFor(docs.resolve(new Located(part, schema.file())), name);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    /** A schema's regular expression (ECMA 262 in the specs; Java reads the ones they use), or null if Java cannot. */
    private static Pattern pattern(String regex) {
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            return null;
        }
    }

    private static boolean typeMatches(JsonNode value, JsonNode type) {
        if (type.isArray()) {
            for (JsonNode t : type) {
                if (hasType(value, t.asText())) {
                    return true;
                }
            }
            return false;
        }
        return hasType(value, type.asText());
    }

    /** Whether a JSON value has a JSON Schema type ({@code string}, {@code integer}, …; unknown types pass). */
    public static boolean hasType(JsonNode value, String type) {
        return switch (type) {
            case "string" -> value.isTextual();
            case "boolean" -> value.isBoolean();
            case "integer" -> value.isIntegralNumber() || value.isNumber() && value.asDouble() == Math.rint(value.asDouble());
            case "number" -> value.isNumber();
            case "object" -> value.isObject();
            case "array" -> value.isArray();
            case "null" -> value.isNull();
            default -> true;
        };
    }

    private static boolean sameValue(JsonNode a, JsonNode b) {
        return a.isNumber() && b.isNumber() ? a.decimalValue().compareTo(b.decimalValue()) == 0 : a.equals(b);
    }

    private static String abbreviate(JsonNode value) {
        String s = value.toString();
        return s.length() > 120 ? s.substring(0, 117) + "…" : s;
    }

    /**
     * The smallest value that passes {@code schema}: its required properties only, each the smallest
     * value of its own schema (the first of an {@code enum}, its {@code const}, {@code null} when the
     * type allows it, else {@code ""}, {@code 0}, {@code false}, {@code []}, {@code {}}; the first
     * branch of a {@code oneOf}). A base for test fixtures that then set the fields a test is about,
     * so that the parts nobody reads still have the shape the real service gives them.
     */
    public JsonNode minimal(Located schema) {
        return minimal(schema, 0);
    }

    private JsonNode minimal(Located schema, int depth) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        Located s = docs.resolve(schema);
        JsonNode n = s.node();
        if (depth > MAX_DEPTH || !n.isObject()) {
            return f.nullNode();
        }
        if (n.has("const")) {
            return n.get("const").deepCopy();
        }
        if (n.has("enum") && n.get("enum").size() > 0) {
            return n.get("enum").get(0).deepCopy();
        }
        for (String alternatives : List.of("oneOf", "anyOf")) {
            if (n.path(alternatives).size() > 0) {
                return minimal(new Located(n.get(alternatives).get(0), s.file()), depth + 1);
            }
        }
        JsonNode type = n.path("type");
        List<String> types = new ArrayList<>();
        if (type.isArray()) {
            type.forEach(t -> types.add(t.asText()));
        } else if (type.isTextual()) {
            types.add(type.asText());
        }
        if (types.contains("null") || n.path("nullable").asBoolean(false)) {
            return f.nullNode();
        }
        boolean object = types.contains("object") || (types.isEmpty() && (n.has("properties") || n.has("allOf")));
        if (object) {
            ObjectNode o = f.objectNode();
            Map<String, Located> props = properties(s);
            for (String name : required(s)) {
                Located p = props.get(name);
                o.set(name, p == null ? f.nullNode() : minimal(p, depth + 1));
            }
            return o;
        }
        String first = types.isEmpty() ? "" : types.get(0);
        return switch (first) {
            case "string" -> f.textNode("");
            case "integer", "number" -> f.numberNode(0);
            case "boolean" -> f.booleanNode(false);
            case "array" -> new ArrayNode(f);
            default -> f.nullNode();
        };
    }
}
