package coop.comptoir.testing.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * An OpenAPI description read in place: one folder of YAML files (the Matrix specification's
 * {@code data/api/client-server}, …) or one file (Discourse's {@code openapi.json}). It lists the
 * declared operations, finds the one a concrete request path meets, follows {@code $ref}s (local or
 * to other files) and checks JSON values against schemas through {@link SchemaCheck}.
 *
 * <p>Files are parsed once and kept; instances are safe to share between threads once built.
 * Nothing is ever fetched from the network: a {@code $ref} names a file next to the one holding it.
 */
public final class OpenApiDocs {
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch");
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{[^}/]+\\}");

    private final Map<Path, JsonNode> docs = new ConcurrentHashMap<>();
    private final List<Operation> operations = new ArrayList<>();

    /** A schema node and the file it came from, to resolve the relative {@code $ref}s inside it. */
    public record Located(JsonNode node, Path file) {
        /** The child {@code field} of this node (a missing node if absent), in the same file. */
        public Located path(String field) {
            return new Located(node.path(field), file);
        }
    }

    /**
     * One operation of the description.
     *
     * @param method   upper case ({@code GET})
     * @param template the full path template, base path included ({@code /_matrix/client/v3/join/{roomIdOrAlias}})
     * @param segments the template's segments, without the leading slash
     * @param node     the operation object, where it was declared
     */
    public record Operation(String method, String template, List<String> segments, Located node) {
        /** The declared response for {@code status} (resolved), or a missing node. */
        public Located response(OpenApiDocs docs, int status) {
            return docs.resolve(node.path("responses").path(String.valueOf(status)));
        }

        /** The JSON schema of the response for {@code status}, or a missing node when none is declared. */
        public Located responseSchema(OpenApiDocs docs, int status) {
            return response(docs, status).path("content").path("application/json").path("schema");
        }
    }

    private OpenApiDocs() {}

    /**
     * Reads a description: every {@code .yaml} file of a folder, or one {@code .json}/{@code .yaml}
     * file, and the operations they declare.
     *
     * @throws IOException if the folder or file cannot be read or parsed
     */
    public static OpenApiDocs of(Path dirOrFile) throws IOException {
        OpenApiDocs d = new OpenApiDocs();
        List<Path> files;
        if (Files.isDirectory(dirOrFile)) {
            try (Stream<Path> list = Files.list(dirOrFile)) {
                files = list.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
            }
        } else {
            files = List.of(dirOrFile);
        }
        try {
            for (Path file : files) {
                d.declare(file);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return d;
    }

    private void declare(Path file) {
        JsonNode doc = file(file);
        String basePath = doc.path("servers").path(0).path("variables").path("basePath").path("default").asText("");
        doc.path("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(op -> {
            if (METHODS.contains(op.getKey())) {
                // The Matrix spec adds a trailing space to tell apart two operations on one path.
                String template = basePath + path.getKey().strip();
                operations.add(new Operation(op.getKey().toUpperCase(), template, segments(template),
                        new Located(op.getValue(), file.toAbsolutePath().normalize())));
            }
        }));
    }

    /** Every operation declared, in file order. */
    public List<Operation> operations() {
        return operations;
    }

    /** A file of the description (or one it refers to), parsed once. */
    public JsonNode file(Path file) {
        return docs.computeIfAbsent(file.toAbsolutePath().normalize(), f -> {
            try {
                return f.toString().endsWith(".json") ? JSON.readTree(f.toFile()) : YAML.readTree(f.toFile());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** The node at a JSON pointer ({@code /components/schemas/Topic}) of a file, located. */
    public Located at(Path file, String pointer) {
        Path f = file.toAbsolutePath().normalize();
        return new Located(file(f).at(pointer), f);
    }

    /**
     * The declared operations for this method and decoded path segments. A segment matches a
     * template segment that is literal and equal, or holds placeholders ({@code {id}},
     * {@code {id}.json}) that fill it. The templates with the most wholly literal segments win, so
     * {@code /c/5/show.json} meets {@code /c/{id}/show.json}, not {@code /c/{slug}/{id}.json}.
     */
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
                } else if (PLACEHOLDER.matcher(spec).find()) {
                    ok = segmentPattern(spec).matcher(path.get(i)).matches();
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

    private static Pattern segmentPattern(String spec) {
        StringBuilder regex = new StringBuilder();
        var m = PLACEHOLDER.matcher(spec);
        int last = 0;
        while (m.find()) {
            regex.append(Pattern.quote(spec.substring(last, m.start()))).append("[^/]+");
            last = m.end();
        }
        return Pattern.compile(regex.append(Pattern.quote(spec.substring(last))).toString());
    }

    /**
     * Follows {@code $ref}s, local ({@code #/components/…}) or to other files, until a node without one.
     *
     * @throws IllegalStateException on a chain longer than 20 (a loop)
     */
    public Located resolve(Located at) {
        Located current = at;
        for (int depth = 0; current.node().has("$ref"); depth++) {
            if (depth >= 20) {
                throw new IllegalStateException("$ref chain too long from " + at.file());
            }
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

    /**
     * Checks a JSON value against a schema, down into nested values (see {@link SchemaCheck}); adds
     * one problem per mismatch to {@code problems}, each naming {@code where} and the JSON path.
     */
    public void check(JsonNode value, Located schema, String where, List<String> problems) {
        new SchemaCheck(this).check(value, schema, where, problems);
    }

    /** As {@link #check(JsonNode, Located, String, List)}, returning the problems. */
    public List<String> check(JsonNode value, Located schema, String where) {
        List<String> problems = new ArrayList<>();
        check(value, schema, where, problems);
        return problems;
    }

    /** The segments of a path template, without the leading slash. */
    public static List<String> segments(String template) {
        return List.of(template.substring(1).split("/", -1));
    }

    /** Whether a template segment is one placeholder ({@code {roomId}}). */
    public static boolean isPlaceholder(String segment) {
        return segment.startsWith("{") && segment.endsWith("}") && segment.indexOf('}') == segment.length() - 1;
    }

    /**
     * The folder holding {@code ../shared}'s {@code spec} tree: the system property
     * {@code comptoir.shared.dir} when set (the build sets it), else a {@code shared} folder found
     * upwards from the working directory; empty when {@code relative} is not in it (a user's clone).
     */
    public static Optional<Path> sharedDir(String relative) {
        String property = System.getProperty("comptoir.shared.dir");
        if (property != null && !property.isBlank()) {
            Path dir = Path.of(property);
            return Files.exists(dir.resolve(relative)) ? Optional.of(dir) : Optional.empty();
        }
        for (Path p = Path.of(System.getProperty("user.dir")).toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p.resolve("shared").resolve(relative))) {
                return Optional.of(p.resolve("shared"));
            }
        }
        return Optional.empty();
    }

    /**
     * Like {@link #sharedDir}, for a test that needs the folder: empty means "skip", except under
     * {@code CI=true}, where a missing folder is an error.
     *
     * @throws IllegalStateException when {@code CI=true} and the folder is absent
     */
    public static Optional<Path> sharedDirOrFailInCi(String relative) {
        Optional<Path> dir = sharedDir(relative);
        if (dir.isEmpty() && "true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new IllegalStateException("../shared/" + relative
                    + " not found (set -Dcomptoir.shared.dir): spec conformance cannot be skipped when CI=true");
        }
        return dir;
    }
}
