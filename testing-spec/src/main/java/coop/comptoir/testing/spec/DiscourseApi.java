package coop.comptoir.testing.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.testing.spec.OpenApiDocs.Located;
import coop.comptoir.testing.spec.OpenApiDocs.Operation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Discourse's official API description ({@code ../shared/spec/discourse/openapi.json}) read in
 * place, to check what a test says Discourse answers or sends: API responses against the schema
 * of their operation and status, webhook payloads against the API schemas of the objects they
 * carry.
 *
 * <p><b>Webhooks.</b> The description declares no webhook (no {@code webhooks} section, no
 * payload schema). Discourse builds a webhook's object with the serializers of its API: a
 * {@code topic_*} event carries the topic as {@code GET /t/{id}.json} shows it (without the post
 * stream and the other parts of the page, plus {@code created_by} and {@code last_poster}), a
 * {@code post_*} event the post as {@code GET /posts/{id}.json} shows it, a {@code category_*}
 * event the category of {@code GET /c/{id}/show.json}. So each property of the embedded object is
 * checked against the property of that name in that schema, down into nested values, with
 * {@code created_by}/{@code last_poster} checked against the {@code details} ones of the same
 * page; the page's top-level required properties are not asked for, since the webhook leaves some
 * out. What no schema says is reported as such, never passed silently.
 *
 * <p>Instances are immutable and may be shared between threads.
 */
public final class DiscourseApi {
    /** Where the description lives inside the shared folder. */
    public static final String RELATIVE_PATH = "spec/discourse/openapi.json";
    private static final Map<Path, DiscourseApi> LOADED = new ConcurrentHashMap<>();

    private final OpenApiDocs docs;
    private final Path file;

    private DiscourseApi(Path file) throws IOException {
        this.file = file.toAbsolutePath().normalize();
        this.docs = OpenApiDocs.of(this.file);
    }

    /**
     * The description in {@code ../shared} (see {@link OpenApiDocs#sharedDir}), read once per
     * process; empty when absent, and an error then if {@code CI=true}.
     */
    public static Optional<DiscourseApi> find() {
        return OpenApiDocs.sharedDirOrFailInCi(RELATIVE_PATH).map(dir -> load(dir.resolve(RELATIVE_PATH)));
    }

    /** The description in {@code file}, read once per process. */
    public static DiscourseApi load(Path file) {
        return LOADED.computeIfAbsent(file.toAbsolutePath().normalize(), f -> {
            try {
                return new DiscourseApi(f);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + f, e);
            }
        });
    }

    /** The description itself. */
    public OpenApiDocs docs() {
        return docs;
    }

    /**
     * How an answer of Discourse to {@code method pathAndQuery} differs from the description: no such
     * operation, a success status it does not declare, or a body that does not match the schema.
     * Errors (4xx, 5xx) are not checked: Discourse's error pages are not described.
     */
    public List<String> checkResponse(String method, String pathAndQuery, int status, JsonNode body) {
        String what = method + " " + pathAndQuery + " → " + status;
        List<String> problems = new ArrayList<>();
        Optional<Located> schema = responseSchema(method, pathAndQuery, status, what, problems);
        schema.ifPresent(s -> docs.check(body, s, what, problems));
        return problems;
    }

    /** The schema of the answer to {@code method path} with {@code status}. */
    public Located responseSchema(String method, String pathAndQuery, int status) {
        List<String> problems = new ArrayList<>();
        return responseSchema(method, pathAndQuery, status, method + " " + pathAndQuery, problems)
                .orElseThrow(() -> new IllegalArgumentException(String.join("; ", problems)));
    }

    private Optional<Located> responseSchema(String method, String pathAndQuery, int status, String what, List<String> problems) {
        if (status / 100 != 2) {
            return Optional.empty();
        }
        String path = URI.create("http://x" + pathAndQuery).getPath();
        List<Operation> ops = docs.match(method, Arrays.asList(path.substring(1).split("/", -1)));
        if (ops.isEmpty()) {
            problems.add(what + ": no such operation in the Discourse API description");
            return Optional.empty();
        }
        Located schema = ops.get(0).responseSchema(docs, status);
        if (docs.resolve(schema).node().isMissingNode()) {
            problems.add(what + ": status " + status + " with a JSON body is not declared for " + ops.get(0).template());
            return Optional.empty();
        }
        return Optional.of(schema);
    }

    /**
     * How a webhook payload (the JSON body Discourse posts) for {@code event} differs from the API
     * schemas of the object it carries (see the class comment). {@code ping} and events whose
     * object the description does not cover come back as one problem saying so, unless
     * {@code event} is {@code ping} (its body, {@code {"ping": "OK"}}, is checked by hand).
     */
    public List<String> checkWebhook(String event, JsonNode payload) {
        String what = "webhook " + event;
        List<String> problems = new ArrayList<>();
        if (event.equals("ping")) {
            if (!payload.path("ping").isTextual()) {
                problems.add(what + ": $.ping should be a string");
            }
            return problems;
        }
        String kind = event.contains("_") ? event.substring(0, event.indexOf('_')) : event;
        Optional<Located> schema = webhookObjectSchema(kind);
        if (schema.isEmpty()) {
            problems.add(what + ": the description has no schema for a " + kind + " object");
            return problems;
        }
        if (!payload.isObject() || !payload.path(kind).isObject()) {
            problems.add(what + ": $." + kind + " should be an object");
            return problems;
        }
        for (var it = payload.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!name.equals(kind)) {
                problems.add(what + ": $." + name + " is not part of a " + kind + " webhook");
            }
        }
        docs.check(payload.get(kind), schema.get(), what + " (" + kind + ")", problems);
        return problems;
    }

    /**
     * The schema a webhook's {@code kind} object ({@code topic}, {@code post}, {@code category}) is
     * checked against: the API's, with its top-level required properties dropped (see the class
     * comment); empty for other kinds.
     */
    public Optional<Located> webhookObjectSchema(String kind) {
        return switch (kind) {
            case "topic" -> {
                Located view = docs.resolve(responseSchema("GET", "/t/1.json", 200));
                ObjectNode s = (ObjectNode) view.node().deepCopy();
                s.remove("required");
                JsonNode details = docs.resolve(view.path("properties").path("details")).node().path("properties");
                ObjectNode props = (ObjectNode) s.path("properties");
                props.remove(List.of("post_stream", "timeline_lookup", "suggested_topics", "details"));
                props.set("created_by", details.path("created_by"));
                props.set("last_poster", details.path("last_poster"));
                yield Optional.of(new Located(s, view.file()));
            }
            case "post" -> {
                Located post = docs.resolve(responseSchema("GET", "/posts/1.json", 200));
                ObjectNode s = (ObjectNode) post.node().deepCopy();
                s.remove("required");
                yield Optional.of(new Located(s, post.file()));
            }
            case "category" -> {
                Located show = docs.resolve(responseSchema("GET", "/c/1/show.json", 200));
                ObjectNode s = (ObjectNode) docs.resolve(show.path("properties").path("category")).node().deepCopy();
                s.remove("required");
                yield Optional.of(new Located(s, show.file()));
            }
            default -> Optional.empty();
        };
    }

    /**
     * The smallest answer the description allows for {@code method path} with {@code status}
     * (see {@link SchemaCheck#minimal}), as a base for a fake's answers and for fixtures.
     */
    public ObjectNode minimalResponse(String method, String pathAndQuery, int status) {
        return (ObjectNode) new SchemaCheck(docs).minimal(responseSchema(method, pathAndQuery, status));
    }

    /** The smallest value of the schema at {@code pointer} inside a response schema (e.g. {@code /properties/categories/items}). */
    public ObjectNode minimalResponsePart(String method, String pathAndQuery, int status, String pointer) {
        Located root = docs.resolve(responseSchema(method, pathAndQuery, status));
        Located part = root;
        for (String step : pointer.substring(1).split("/")) {
            part = docs.resolve(part.path(step));
        }
        return (ObjectNode) new SchemaCheck(docs).minimal(part);
    }
}
