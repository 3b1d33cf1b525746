package coop.comptoir.testing.rocketchat;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Rocket.Chat's official OpenAPI 3.0 description ({@code shared/spec/rocketchat/*.yaml}, several
 * files, each with its own {@code components}), read in place and used to check the requests a
 * client makes and the fake's own answers.
 *
 * <p>Checked for a request: the route and method exist; required header parameters are present
 * ({@code X-Auth-Token}, {@code X-User-Id}); query parameters are declared and match their schemas
 * (typed first: {@code count=50} is an integer); the JSON body validates against the request
 * schema. For a response: the status is declared and the JSON body validates. OpenAPI 3.0 schemas
 * are turned into JSON Schema draft 4 first: {@code $ref}s inlined from the file they come from,
 * {@code nullable} made a {@code null} type, {@code example}s dropped.
 *
 * <p>Immutable and thread-safe; compiled schemas are cached.
 */
public final class RocketChatSpec {
    /** Where the files live inside the shared folder. */
    public static final String RELATIVE_DIR = "spec/rocketchat";
    /** System property naming the shared folder (the one holding {@code spec/}). */
    public static final String SHARED_DIR_PROPERTY = "comptoir.shared.dir";

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final YAMLMapper YAML = YAMLMapper.builder().build();
    private static final Map<Path, RocketChatSpec> LOADED = new ConcurrentHashMap<>();

    private final Path dir;
    private final List<Template> templates = new ArrayList<>();
    private final Map<String, Schema> compiled = new ConcurrentHashMap<>();
    private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(Dialects.getDraft4());

    private record Template(String template, String[] segments, int literals, JsonNode item, JsonNode doc) {
    }

    private RocketChatSpec(Path dir) {
        this.dir = dir;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                JsonNode doc = YAML.readTree(Files.readString(f));
                for (Map.Entry<String, JsonNode> path : doc.path("paths").properties()) {
                    String[] segments = split(path.getKey());
                    int literals = 0;
                    for (String s : segments) {
                        literals += isParameter(s) ? 0 : 1;
                    }
                    templates.add(new Template(path.getKey(), segments, literals, path.getValue(), doc));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir, e);
        }
        templates.sort((a, b) -> Integer.compare(b.literals, a.literals));
    }

    /**
     * The spec in the folder named by {@value #SHARED_DIR_PROPERTY}, else found by walking up from
     * the working directory to a {@code shared/spec/rocketchat}; empty when absent.
     */
    public static Optional<RocketChatSpec> find() {
        String property = System.getProperty(SHARED_DIR_PROPERTY);
        if (property != null && !property.isBlank()) {
            Path candidate = Path.of(property).resolve(RELATIVE_DIR);
            return Files.isDirectory(candidate) ? Optional.of(load(candidate)) : Optional.empty();
        }
        for (Path p = Path.of(System.getProperty("user.dir")).toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("shared").resolve(RELATIVE_DIR);
            if (Files.isDirectory(candidate)) {
                return Optional.of(load(candidate.normalize()));
            }
        }
        return Optional.empty();
    }

    /** The spec in that folder (cached per folder). */
    public static RocketChatSpec load(Path dir) {
        return LOADED.computeIfAbsent(dir.toAbsolutePath().normalize(), RocketChatSpec::new);
    }

    public Path dir() {
        return dir;
    }

    /** Whether the spec describes this method on this path ({@code /api/v1/chat.update}). */
    public boolean describes(String method, String path) {
        return template(path).map(t -> t.item.has(method.toLowerCase(Locale.ROOT))).orElse(false);
    }

    /**
     * Problems of a request, readable ({@code "body: /message/msg: integer found, string expected"});
     * empty when it conforms.
     *
     * @param headers    lower-case header names present
     * @param query      decoded query parameters
     * @param jsonBody   the JSON body, or null (multipart bodies: only the content type is checked)
     */
    public List<String> checkRequest(String method, String path, java.util.Set<String> headers,
                                     Map<String, List<String>> query, String contentType, String jsonBody) {
        List<String> problems = new ArrayList<>();
        Optional<Template> t = template(path);
        if (t.isEmpty()) {
            problems.add("route: no path in the spec matches " + path);
            return problems;
        }
        JsonNode op = t.get().item.path(method.toLowerCase(Locale.ROOT));
        if (op.isMissingNode()) {
            problems.add("route: " + method + " is not defined for " + t.get().template);
            return problems;
        }
        String key = method.toUpperCase(Locale.ROOT) + " " + t.get().template;
        Map<String, JsonNode> parameters = new LinkedHashMap<>();
        for (JsonNode source : List.of(t.get().item.path("parameters"), op.path("parameters"))) {
            for (JsonNode p : source) {
                JsonNode parameter = deref(t.get().doc, p);
                parameters.put(parameter.path("in").asString() + ":" + parameter.path("name").asString(), parameter);
            }
        }
        for (Map.Entry<String, JsonNode> p : parameters.entrySet()) {
            boolean required = "true".equals(p.getValue().path("required").asString(""))
                    || p.getValue().path("required").asBoolean(false);
            if (p.getKey().startsWith("header:") && required
                    && !headers.contains(p.getKey().substring(7).toLowerCase(Locale.ROOT))) {
                problems.add("header: required " + p.getKey().substring(7) + " missing");
            }
            if (p.getKey().startsWith("query:") && required && !query.containsKey(p.getKey().substring(6))) {
                problems.add("query: required parameter " + p.getKey().substring(6) + " missing");
            }
        }
        for (Map.Entry<String, List<String>> q : query.entrySet()) {
            JsonNode parameter = parameters.get("query:" + q.getKey());
            if (parameter == null) {
                problems.add("query: " + q.getKey() + " is not a parameter of " + key);
                continue;
            }
            JsonNode schema = deref(t.get().doc, parameter.path("schema"));
            if (schema.path("type").asString("").equals("array")) {
                // an array in the query is the name repeated (form style, exploded): each value checked against the items
                schema = schema.path("items");
            }
            for (String v : q.getValue()) {
                check(problems, "query " + q.getKey(), key + "#query:" + q.getKey(), t.get().doc, schema,
                        typed(t.get().doc, schema, v));
            }
        }
        JsonNode requestBody = deref(t.get().doc, op.path("requestBody"));
        String media = contentType == null ? null : contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
        if (jsonBody == null || jsonBody.isBlank()) {
            if (media != null && !requestBody.isMissingNode() && !requestBody.path("content").has(media)) {
                problems.add("body: content type " + media + " is not accepted by " + key);
            }
            return problems;
        }
        if (requestBody.isMissingNode()) {
            problems.add("body: " + key + " takes no request body");
            return problems;
        }
        if (media != null && !requestBody.path("content").has(media)) {
            problems.add("body: content type " + media + " is not accepted by " + key);
        }
        JsonNode schema = requestBody.path("content").path("application/json").path("schema");
        if (schema.isMissingNode()) {
            return problems;
        }
        try {
            check(problems, "body", key + "#request", t.get().doc, schema, JSON.readTree(jsonBody));
        } catch (RuntimeException e) {
            problems.add("body: not JSON: " + e.getMessage());
        }
        return problems;
    }

    /** Problems of a response: its status is declared, and its JSON body validates against the declared schema. */
    public List<String> checkResponse(String method, String path, int status, String jsonBody) {
        List<String> problems = new ArrayList<>();
        Optional<Template> t = template(path);
        JsonNode op = t.map(x -> x.item.path(method.toLowerCase(Locale.ROOT))).orElse(null);
        if (op == null || op.isMissingNode()) {
            problems.add("route: " + method + " " + path + " is not in the spec");
            return problems;
        }
        String key = method.toUpperCase(Locale.ROOT) + " " + t.get().template;
        JsonNode responses = op.path("responses");
        String code = String.valueOf(status);
        String declared = responses.has(code) ? code : responses.has(code.charAt(0) + "XX") ? code.charAt(0) + "XX"
                : responses.has("default") ? "default" : null;
        if (declared == null) {
            problems.add("status: " + status + " is not declared for " + key);
            return problems;
        }
        JsonNode schema = deref(t.get().doc, responses.path(declared)).path("content").path("application/json").path("schema");
        if (schema.isMissingNode() || jsonBody == null || jsonBody.isBlank()) {
            return problems;
        }
        check(problems, "response " + status, key + "#response:" + declared, t.get().doc, schema, JSON.readTree(jsonBody));
        return problems;
    }

    private Optional<Template> template(String rawPath) {
        String p = rawPath;
        int q = p.indexOf('?');
        if (q >= 0) {
            p = p.substring(0, q);
        }
        String[] segments = split(p);
        outer:
        for (Template t : templates) {
            if (t.segments.length != segments.length) {
                continue;
            }
            for (int i = 0; i < segments.length; i++) {
                String s = t.segments[i];
                if (isParameter(s) ? segments[i].isEmpty() : !s.equals(segments[i])) {
                    continue outer;
                }
            }
            return Optional.of(t);
        }
        return Optional.empty();
    }

    private JsonNode typed(JsonNode doc, JsonNode schema, String value) {
        String type = deref(doc, schema).path("type").asString("");
        if (type.equals("integer") || type.equals("number")) {
            try {
                return value.matches("-?[0-9]{1,18}") ? JsonNodeFactory.instance.numberNode(Long.parseLong(value))
                        : JsonNodeFactory.instance.numberNode(new java.math.BigDecimal(value));
            } catch (NumberFormatException e) {
                return JsonNodeFactory.instance.stringNode(value);
            }
        }
        if (type.equals("boolean") && ("true".equals(value) || "false".equals(value))) {
            return JsonNodeFactory.instance.booleanNode(Boolean.parseBoolean(value));
        }
        return JsonNodeFactory.instance.stringNode(value);
    }

    private static JsonNode deref(JsonNode doc, JsonNode node) {
        JsonNode current = node;
        for (int i = 0; i < 10 && current.has("$ref"); i++) {
            current = doc.at(current.path("$ref").asString().substring(1));
        }
        return current;
    }

    private void check(List<String> problems, String label, String cacheKey, JsonNode doc, JsonNode schema, JsonNode instance) {
        Schema s = compiled.computeIfAbsent(cacheKey + "@" + System.identityHashCode(doc), k -> {
            JsonNode draft4 = toDraft4(doc, schema, 0);
            String id = "https://comptoir.invalid/rocketchat/" + Integer.toHexString(k.hashCode()) + "/" + compiled.size();
            return registry.getSchema(SchemaLocation.of(id), draft4);
        });
        for (Error error : s.validate(instance)) {
            problems.add(label + ": " + error);
        }
    }

    /** An OpenAPI 3.0 schema as plain JSON Schema draft 4: refs inlined, {@code nullable} turned into a type. */
    private static JsonNode toDraft4(JsonNode doc, JsonNode node, int depth) {
        if (depth > 40) {
            return JsonNodeFactory.instance.objectNode(); // a recursive schema: accept what lies deeper
        }
        JsonNode n = deref(doc, node);
        if (n instanceof ObjectNode object) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            boolean nullable = object.path("nullable").asBoolean(false);
            for (Iterator<Map.Entry<String, JsonNode>> it = object.properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String k = e.getKey();
                if (k.equals("example") || k.equals("examples") || k.equals("nullable") || k.equals("xml")
                        || k.equals("discriminator") || k.equals("externalDocs") || k.startsWith("x-")) {
                    continue;
                }
                if (k.equals("properties") || k.equals("patternProperties")) {
                    ObjectNode props = out.putObject(k);
                    e.getValue().properties().forEach(p -> props.set(p.getKey(), toDraft4(doc, p.getValue(), depth + 1)));
                } else if (k.equals("required") && !e.getValue().isArray()) {
                    continue; // "required: true" on a property is not JSON Schema
                } else {
                    out.set(k, toDraft4(doc, e.getValue(), depth + 1));
                }
            }
            if (nullable && out.has("type") && out.get("type").isString()) {
                ArrayNode types = JsonNodeFactory.instance.arrayNode().add(out.get("type").asString()).add("null");
                out.set("type", types);
            }
            return out;
        }
        if (n instanceof ArrayNode array) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            array.forEach(c -> out.add(toDraft4(doc, c, depth + 1)));
            return out;
        }
        return n;
    }

    private static boolean isParameter(String segment) {
        return segment.startsWith("{") && segment.endsWith("}");
    }

    private static String[] split(String path) {
        String trimmed = path.startsWith("/") ? path.substring(1) : path;
        return trimmed.isEmpty() ? new String[0] : trimmed.split("/", -1);
    }

    @Override
    public String toString() {
        return "RocketChatSpec[" + dir + "]";
    }
}
