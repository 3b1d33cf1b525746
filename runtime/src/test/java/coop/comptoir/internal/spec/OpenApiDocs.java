package coop.comptoir.internal.spec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * One folder of the official Matrix OpenAPI description ({@code ../shared/spec/matrix/data/api/…}),
 * read in place: its operations, {@code $ref}s followed across files, and a check of a JSON value
 * against a schema that goes down into nested objects and arrays. Shared by the conformance tests
 * of what Comptoir sends (client-server) and of what it answers (application service).
 */
public final class OpenApiDocs {
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch");
    private static final YAMLMapper YAML = new YAMLMapper();

    private final Map<Path, JsonNode> docs = new HashMap<>();
    private final List<Operation> operations = new ArrayList<>();

    /** A YAML node and the file it came from, to resolve the relative {@code $ref}s inside it. */
    public record Located(JsonNode node, Path file) {
        public Located path(String field) {
            return new Located(node.path(field), file);
        }
    }

    /** One operation of the spec: method (upper case), full path template, and where it was declared. */
    public record Operation(String method, String template, List<String> segments, Located node) {}

    private OpenApiDocs() {}

    /**
     * The {@code ../shared} folder holding {@code spec}: the system property
     * {@code comptoir.shared.dir} when set (the build sets it), else found upwards from the working
     * directory; empty when absent (a user's clone).
     */
    public static Optional<Path> sharedDir(String spec) {
        String property = System.getProperty("comptoir.shared.dir");
        if (property != null && !property.isBlank()) {
            Path dir = Path.of(property);
            return Files.isDirectory(dir.resolve(spec)) ? Optional.of(dir) : Optional.empty();
        }
        for (Path p = Path.of(System.getProperty("user.dir")).toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("shared").resolve(spec))) {
                return Optional.of(p.resolve("shared"));
            }
        }
        return Optional.empty();
    }

    /** Reads every {@code .yaml} file of {@code dir} and the operations they declare. */
    public static OpenApiDocs of(Path dir) throws IOException {
        OpenApiDocs d = new OpenApiDocs();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                JsonNode doc = d.file(file);
                String basePath = doc.path("servers").path(0).path("variables").path("basePath").path("default").asText("");
                doc.path("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(op -> {
                    if (METHODS.contains(op.getKey())) {
                        // The spec adds a trailing space to tell apart two operations on one path.
                        String template = basePath + path.getKey().strip();
                        d.operations.add(new Operation(op.getKey().toUpperCase(), template, segments(template),
                                new Located(op.getValue(), file)));
                    }
                }));
            }
        }
        return d;
    }

    public List<Operation> operations() {
        return operations;
    }

    /** A file of the spec, loaded once. */
    public JsonNode file(Path file) {
        return docs.computeIfAbsent(file.toAbsolutePath().normalize(), f -> {
            try {
                return YAML.readTree(f.toFile());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** The declared operations for this method and path; literal segments win over placeholders. */
    public List<Operation> match(String method, List<String> path) {
        List<Operation> best = new ArrayList<>();
        int bestLiterals = -1;
        for (Operation op : operations) {
            if (!op.method().equals(method) || op.segments().size() != path.size()) {
                continue;
            }
            int literals = 0;
            boolean ok = true;
            for (int i = 0; i < path.size() && ok; i++) {
                String spec = op.segments().get(i);
                if (isPlaceholder(spec)) {
                    ok = !path.get(i).isEmpty() || i == path.size() - 1;
                } else {
                    ok = spec.equals(path.get(i));
                    literals++;
                }
            }
            if (ok && literals > bestLiterals) {
                best.clear();
                bestLiterals = literals;
            }
            if (ok && literals == bestLiterals) {
                best.add(op);
            }
        }
        return best;
    }

    /** Follows {@code $ref}s, local ({@code #/components/…}) or to other files. */
    public Located resolve(Located at) {
        Located current = at;
        for (int depth = 0; current.node().has("$ref"); depth++) {
            assertThat(depth).as("$ref chain from " + at.file()).isLessThan(20);
            String ref = current.node().get("$ref").asText();
            int hash = ref.indexOf('#');
            String filePart = hash < 0 ? ref : ref.substring(0, hash);
            Path file = filePart.isEmpty()
                    ? current.file()
                    : current.file().getParent().resolve(filePart).normalize();
            JsonNode doc = file(file);
            current = new Located(hash < 0 ? doc : doc.at(ref.substring(hash + 1)), file);
        }
        return current;
    }

    /** Required properties, {@code allOf} parts included. */
    public Set<String> required(Located schema) {
        Located s = resolve(schema);
        Set<String> names = new LinkedHashSet<>();
        s.node().path("required").forEach(n -> names.add(n.asText()));
        s.node().path("allOf").forEach(part -> names.addAll(required(new Located(part, s.file()))));
        return names;
    }

    /** Declared properties (resolved, with their file), {@code allOf} parts included. */
    public Map<String, Located> properties(Located schema) {
        Located s = resolve(schema);
        Map<String, Located> props = new HashMap<>();
        s.node().path("properties").fields().forEachRemaining(
                e -> props.put(e.getKey(), resolve(new Located(e.getValue(), s.file()))));
        s.node().path("allOf").forEach(part -> props.putAll(properties(new Located(part, s.file()))));
        return props;
    }

    /**
     * Checks a JSON value against a schema, down into nested objects, arrays and maps: the type,
     * required properties, declared properties' schemas, {@code items},
     * {@code additionalProperties} and {@code patternProperties}, {@code enum}; for
     * {@code oneOf}/{@code anyOf} one branch must pass. Adds a problem per mismatch, each naming
     * {@code where} and the JSON path.
     */
    public void check(JsonNode value, Located schema, String where, List<String> problems) {
        check(value, schema, where, "$", problems, 0);
    }

    private void check(JsonNode value, Located schema, String where, String at, List<String> problems, int depth) {
        if (depth > 40) {
            return;
        }
        Located s = resolve(schema);
        JsonNode n = s.node();
        if (n.isMissingNode() || !n.isObject()) {
            return;
        }
        for (String alternatives : List.of("oneOf", "anyOf")) {
            if (n.has(alternatives)) {
                boolean any = false;
                for (JsonNode branch : n.get(alternatives)) {
                    List<String> found = new ArrayList<>();
                    check(value, new Located(branch, s.file()), where, at, found, depth + 1);
                    any |= found.isEmpty();
                }
                if (!any) {
                    problems.add(where + ": " + at + " matches none of the " + alternatives + " schemas: " + abbreviate(value));
                }
            }
        }
        for (JsonNode part : n.path("allOf")) {
            check(value, new Located(part, s.file()), where, at, problems, depth + 1);
        }
        JsonNode type = n.path("type");
        if (!type.isMissingNode() && !typeMatches(value, type)) {
            problems.add(where + ": " + at + " should be " + type.asText(type.toString()) + ": " + abbreviate(value));
            return;
        }
        if (n.has("enum") && value.isValueNode()) {
            boolean listed = false;
            for (JsonNode e : n.get("enum")) {
                listed |= e.equals(value);
            }
            if (!listed) {
                problems.add(where + ": " + at + " is not one of " + n.get("enum") + ": " + abbreviate(value));
            }
        }
        if (value.isObject()) {
            for (String name : required(s)) {
                if (!value.has(name)) {
                    problems.add(where + ": " + at + " lacks required property " + name);
                }
            }
            Map<String, Located> declared = properties(s);
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
                } else if (n.path("additionalProperties").isObject()) {
                    check(e.getValue(), s.path("additionalProperties"), where, child, problems, depth + 1);
                }
            }
        } else if (value.isArray() && n.has("items")) {
            for (int i = 0; i < value.size(); i++) {
                check(value.get(i), s.path("items"), where, at + "[" + i + "]", problems, depth + 1);
            }
        }
    }

    private static Located patternFor(Located schema, String name) {
        for (Iterator<Map.Entry<String, JsonNode>> it = schema.node().path("patternProperties").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (java.util.regex.Pattern.compile(e.getKey()).matcher(name).find()) {
                return new Located(e.getValue(), schema.file());
            }
        }
        return null;
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

    /** Whether a JSON value has an OpenAPI type ({@code string}, {@code integer}, …; unknown types pass). */
    public static boolean hasType(JsonNode value, String type) {
        return switch (type) {
            case "string" -> value.isTextual();
            case "boolean" -> value.isBoolean();
            case "integer" -> value.isIntegralNumber();
            case "number" -> value.isNumber();
            case "object" -> value.isObject();
            case "array" -> value.isArray();
            case "null" -> value.isNull();
            default -> true;
        };
    }

    private static String abbreviate(JsonNode value) {
        String s = value.toString();
        return s.length() > 120 ? s.substring(0, 117) + "…" : s;
    }

    /** The segments of a path template, without the leading slash. */
    public static List<String> segments(String template) {
        return List.of(template.substring(1).split("/", -1));
    }

    /** Whether a template segment is a placeholder ({@code {roomId}}). */
    public static boolean isPlaceholder(String segment) {
        return segment.startsWith("{") && segment.endsWith("}");
    }
}
