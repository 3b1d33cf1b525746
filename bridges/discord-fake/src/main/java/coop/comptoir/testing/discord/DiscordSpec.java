package coop.comptoir.testing.discord;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.keyword.NonValidationKeyword;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
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
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Discord's official OpenAPI description of HTTP API v10 ({@code shared/spec/discord/openapi.json}), read in
 * place, used to check requests (and the fake's own responses) against it.
 *
 * <p>What is checked for a request: the route and method exist in {@code paths} (templates are matched
 * segment by segment, literal segments winning over parameters, so {@code /users/@me} is not
 * {@code /users/{user_id}}); path and query parameters match their schemas (query values are typed
 * by their schema first: {@code limit=50} is an integer); no query parameter the operation does not
 * declare; a JSON body (or a multipart {@code payload_json}) validates against the operation's
 * {@code application/json} request schema, {@code $ref}s resolved in the same document. Formats are
 * annotations only (as in JSON Schema 2020-12), so {@code format: snowflake} is not asserted, but
 * {@code SnowflakeType}'s pattern is.
 *
 * <p>Instances are immutable and thread-safe; compiled schemas are cached. The document is read once per
 * file (about 1 MB) and shared.
 */
public final class DiscordSpec {
    /** Where the file lives inside the shared folder. */
    public static final String RELATIVE_PATH = "spec/discord/openapi.json";
    /** System property naming the shared folder (the one holding {@code spec/}); the build sets it. */
    public static final String SHARED_DIR_PROPERTY = "comptoir.shared.dir";

    // The document is registered under this IRI: nothing is ever fetched from the network.
    private static final String DOC = "https://comptoir.invalid/discord/openapi.json";
    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    private static final Map<Path, DiscordSpec> LOADED = new ConcurrentHashMap<>();

    private final Path file;
    private final JsonNode root;
    private final SchemaRegistry registry;
    private final List<Template> templates = new ArrayList<>();
    private final Map<String, Schema> compiled = new ConcurrentHashMap<>();

    /** One operation of the spec that matched a concrete request. */
    public record Operation(String method, String template, String operationId, Map<String, String> pathParameters) {
    }

    private record Template(String template, String[] segments, int literals, JsonNode item) {
    }

    private DiscordSpec(Path file) {
        this.file = file;
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        this.root = MAPPER.readTree(text);
        // OpenAPI 3.1 schemas are JSON Schema 2020-12; Discord's one extension keyword is an annotation.
        Dialect dialect = Dialect.builder(Dialects.getDraft202012())
                .keyword(new NonValidationKeyword("x-discord-union")).build();
        this.registry = SchemaRegistry.withDefaultDialect(dialect, builder -> builder.schemas(Map.of(DOC, text)));
        for (Map.Entry<String, JsonNode> path : root.path("paths").properties()) {
            String[] segments = split(path.getKey());
            int literals = 0;
            for (String s : segments) {
                if (!isParameter(s)) {
                    literals++;
                }
            }
            templates.add(new Template(path.getKey(), segments, literals, path.getValue()));
        }
        // most literal segments first: /users/@me before /users/{user_id}
        templates.sort((a, b) -> Integer.compare(b.literals, a.literals));
    }

    /**
     * The spec found in the folder named by the system property {@value #SHARED_DIR_PROPERTY} when it is set, else by walking up from the
     * working directory to a folder holding {@code shared/spec/discord/openapi.json}; empty when absent.
     */
    public static Optional<DiscordSpec> find() {
        return locate().map(DiscordSpec::load);
    }

    /** Where {@link #find()} would read the spec from, if anywhere. */
    public static Optional<Path> locate() {
        String property = System.getProperty(SHARED_DIR_PROPERTY);
        if (property != null && !property.isBlank()) {
            // when named, only that folder counts (so a build can point at a missing one to test the skip)
            Path candidate = Path.of(property).resolve(RELATIVE_PATH);
            return Files.isRegularFile(candidate) ? Optional.of(candidate.toAbsolutePath().normalize()) : Optional.empty();
        }
        for (Path p = Path.of(System.getProperty("user.dir")).toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("shared").resolve(RELATIVE_PATH);
            if (Files.isRegularFile(candidate)) {
                return Optional.of(candidate.normalize());
            }
        }
        return Optional.empty();
    }

    /** The spec in the given file (cached per file). */
    public static DiscordSpec load(Path openapiJson) {
        return LOADED.computeIfAbsent(openapiJson.toAbsolutePath().normalize(), DiscordSpec::new);
    }

    public Path file() {
        return file;
    }

    /**
     * The operation for a method and a path relative to the API base ({@code /channels/1/messages}, no
     * {@code /api/v10}); path segments may be percent-encoded.
     */
    public Optional<Operation> operation(String method, String path) {
        return operation(method, decodedSegments(path));
    }

    /** Whether some method exists for this path (to tell 405 from 404). */
    public boolean hasPath(String path) {
        return template(decodedSegments(path)).isPresent();
    }

    /**
     * Problems of a request, in readable form ({@code "body: /content: integer found, string expected"}); empty
     * when it conforms.
     *
     * @param path         relative to the API base, percent-encoded or not
     * @param query        decoded query parameters
     * @param contentType  the request's content type, or null
     * @param jsonBody     the JSON body, or a multipart request's {@code payload_json}; null when none
     */
    public List<String> checkRequest(String method, String path, Map<String, List<String>> query,
                                     String contentType, String jsonBody) {
        return checkRequest(method, path, query, contentType, jsonBody, true);
    }

    /**
     * As {@link #checkRequest(String, String, Map, String, String)}; with {@code strictQuery} false, query
     * parameters the operation does not declare are not reported (Discord ignores them, and JDA sends
     * {@code wait} on webhook edits, where the spec does not declare it).
     */
    public List<String> checkRequest(String method, String path, Map<String, List<String>> query,
                                     String contentType, String jsonBody, boolean strictQuery) {
        List<String> problems = new ArrayList<>();
        List<String> segments = decodedSegments(path);
        Optional<Template> template = template(segments);
        if (template.isEmpty()) {
            problems.add("route: no path in the spec matches " + path);
            return problems;
        }
        JsonNode op = template.get().item.path(method.toLowerCase(Locale.ROOT));
        if (op.isMissingNode()) {
            problems.add("route: " + method + " is not defined for " + template.get().template);
            return problems;
        }
        String key = method.toUpperCase(Locale.ROOT) + " " + template.get().template;
        Map<String, JsonNode> parameters = parameters(template.get().item, op);

        Map<String, String> pathValues = bind(template.get(), segments);
        for (Map.Entry<String, String> value : pathValues.entrySet()) {
            JsonNode parameter = parameters.get("path:" + value.getKey());
            if (parameter != null) {
                check(problems, "path parameter " + value.getKey(), key + "#path:" + value.getKey(),
                        parameter.path("schema"), typed(parameter.path("schema"), value.getValue()));
            }
        }
        for (Map.Entry<String, List<String>> q : query.entrySet()) {
            JsonNode parameter = parameters.get("query:" + q.getKey());
            if (parameter == null) {
                if (strictQuery) {
                    problems.add("query: " + q.getKey() + " is not a parameter of " + key);
                }
                continue;
            }
            for (String v : q.getValue()) {
                check(problems, "query " + q.getKey(), key + "#query:" + q.getKey(), parameter.path("schema"),
                        typed(parameter.path("schema"), v));
            }
        }
        for (Map.Entry<String, JsonNode> p : parameters.entrySet()) {
            if (p.getKey().startsWith("query:") && p.getValue().path("required").asBoolean(false)
                    && !query.containsKey(p.getKey().substring("query:".length()))) {
                problems.add("query: required parameter " + p.getKey().substring(6) + " missing");
            }
        }

        JsonNode requestBody = op.path("requestBody");
        if (jsonBody == null || jsonBody.isBlank()) {
            if (requestBody.path("required").asBoolean(false)) {
                problems.add("body: required by " + key + " but absent");
            }
            return problems;
        }
        if (requestBody.isMissingNode()) {
            problems.add("body: " + key + " takes no request body");
            return problems;
        }
        String media = contentType == null ? "application/json" : contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
        if (!requestBody.path("content").has(media)) {
            problems.add("body: content type " + media + " is not accepted by " + key);
        }
        JsonNode schema = requestBody.path("content").path("application/json").path("schema");
        if (schema.isMissingNode()) {
            return problems;
        }
        JsonNode body;
        try {
            body = MAPPER.readTree(jsonBody);
        } catch (RuntimeException e) {
            problems.add("body: not JSON: " + e.getMessage());
            return problems;
        }
        check(problems, "body", key + "#request", schema, body);
        return problems;
    }

    /**
     * Problems of a response: its status is declared for the operation (exactly, or by a {@code 4XX}-style
     * range), and its JSON body validates against the declared schema.
     */
    public List<String> checkResponse(String method, String path, int status, String jsonBody) {
        List<String> problems = new ArrayList<>();
        List<String> segments = decodedSegments(path);
        Optional<Template> template = template(segments);
        JsonNode op = template.map(t -> t.item.path(method.toLowerCase(Locale.ROOT))).orElse(null);
        if (op == null || op.isMissingNode()) {
            problems.add("route: " + method + " " + path + " is not in the spec");
            return problems;
        }
        String key = method.toUpperCase(Locale.ROOT) + " " + template.get().template;
        JsonNode responses = op.path("responses");
        String code = String.valueOf(status);
        String declared = responses.has(code) ? code
                : responses.has(code.charAt(0) + "XX") ? code.charAt(0) + "XX"
                : responses.has("default") ? "default" : null;
        if (declared == null) {
            problems.add("status: " + status + " is not declared for " + key);
            return problems;
        }
        JsonNode response = deref(responses.path(declared));
        JsonNode schema = response.path("content").path("application/json").path("schema");
        boolean empty = jsonBody == null || jsonBody.isBlank();
        if (schema.isMissingNode()) {
            if (!empty) {
                problems.add("body: " + key + " " + declared + " has no body in the spec");
            }
            return problems;
        }
        if (empty) {
            problems.add("body: " + key + " " + declared + " needs a JSON body");
            return problems;
        }
        check(problems, "response " + status, key + "#response:" + declared, schema, MAPPER.readTree(jsonBody));
        return problems;
    }

    /** Problems of a JSON document against a named component schema ({@code MessageResponse}). */
    public List<String> checkComponent(String schemaName, String json) {
        if (!root.path("components").path("schemas").has(schemaName)) {
            throw new IllegalArgumentException("no schema " + schemaName + " in " + file);
        }
        List<String> problems = new ArrayList<>();
        ObjectNode ref = JsonNodeFactory.instance.objectNode().put("$ref", "#/components/schemas/" + schemaName);
        check(problems, schemaName, "component:" + schemaName, ref, MAPPER.readTree(json));
        return problems;
    }

    private Optional<Operation> operation(String method, List<String> segments) {
        return template(segments).flatMap(t -> {
            JsonNode op = t.item.path(method.toLowerCase(Locale.ROOT));
            if (op.isMissingNode()) {
                return Optional.empty();
            }
            return Optional.of(new Operation(method.toUpperCase(Locale.ROOT), t.template,
                    op.path("operationId").asString(""), bind(t, segments)));
        });
    }

    private Optional<Template> template(List<String> segments) {
        outer:
        for (Template t : templates) {
            if (t.segments.length != segments.size()) {
                continue;
            }
            for (int i = 0; i < t.segments.length; i++) {
                String s = t.segments[i];
                if (isParameter(s) ? segments.get(i).isEmpty() : !s.equals(segments.get(i))) {
                    continue outer;
                }
            }
            return Optional.of(t);
        }
        return Optional.empty();
    }

    private static Map<String, String> bind(Template t, List<String> segments) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < t.segments.length; i++) {
            if (isParameter(t.segments[i])) {
                values.put(t.segments[i].substring(1, t.segments[i].length() - 1), segments.get(i));
            }
        }
        return values;
    }

    private Map<String, JsonNode> parameters(JsonNode item, JsonNode op) {
        Map<String, JsonNode> parameters = new LinkedHashMap<>();
        for (JsonNode source : List.of(item.path("parameters"), op.path("parameters"))) {
            for (JsonNode p : source) {
                JsonNode parameter = deref(p);
                parameters.put(parameter.path("in").asString() + ":" + parameter.path("name").asString(), parameter);
            }
        }
        return parameters;
    }

    /** A query or path value typed the way its schema wants it, so that {@code limit=5} is an integer. */
    private JsonNode typed(JsonNode schema, String value) {
        JsonNode resolved = deref(schema);
        String types = resolved.path("type").toString();
        if (types.contains("integer") || types.contains("number")) {
            try {
                return JsonNodeFactory.instance.numberNode(new java.math.BigDecimal(value));
            } catch (NumberFormatException e) {
                return JsonNodeFactory.instance.stringNode(value);
            }
        }
        if (types.contains("boolean") && ("true".equals(value) || "false".equals(value))) {
            return JsonNodeFactory.instance.booleanNode(Boolean.parseBoolean(value));
        }
        return JsonNodeFactory.instance.stringNode(value);
    }

    private JsonNode deref(JsonNode node) {
        JsonNode current = node;
        for (int i = 0; i < 10 && current.has("$ref"); i++) {
            current = root.at(current.path("$ref").asString().substring(1));
        }
        return current;
    }

    private void check(List<String> problems, String label, String cacheKey, JsonNode schema, JsonNode instance) {
        Schema compiledSchema = compiled.computeIfAbsent(cacheKey, k -> {
            JsonNode copy = absoluteRefs(schema.deepCopy());
            String id = "https://comptoir.invalid/discord/synthetic/" + Integer.toHexString(k.hashCode()) + "/"
                    + compiled.size();
            return registry.getSchema(SchemaLocation.of(id), copy);
        });
        for (Error error : compiledSchema.validate(instance)) {
            problems.add(label + ": " + error);
        }
    }

    private static JsonNode absoluteRefs(JsonNode node) {
        if (node instanceof ObjectNode object) {
            JsonNode ref = object.get("$ref");
            if (ref != null && ref.isString() && ref.asString().startsWith("#")) {
                object.put("$ref", DOC + ref.asString());
            }
            for (Iterator<JsonNode> it = object.values().iterator(); it.hasNext(); ) {
                absoluteRefs(it.next());
            }
        } else if (node instanceof ArrayNode array) {
            for (JsonNode child : array) {
                absoluteRefs(child);
            }
        }
        return node;
    }

    private static boolean isParameter(String segment) {
        return segment.startsWith("{") && segment.endsWith("}");
    }

    private static String[] split(String path) {
        String trimmed = path.startsWith("/") ? path.substring(1) : path;
        return trimmed.isEmpty() ? new String[0] : trimmed.split("/", -1);
    }

    private static List<String> decodedSegments(String path) {
        String p = path;
        int q = p.indexOf('?');
        if (q >= 0) {
            p = p.substring(0, q);
        }
        List<String> segments = new ArrayList<>();
        for (String s : split(p)) {
            segments.add(URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8));
        }
        return segments;
    }

    @Override
    public String toString() {
        return "DiscordSpec[" + file + "]";
    }
}
