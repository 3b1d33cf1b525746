package coop.comptoir.internal.matrix;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import coop.comptoir.testing.spec.OpenApiDocs;
import coop.comptoir.testing.spec.OpenApiDocs.Located;
import coop.comptoir.testing.spec.OpenApiDocs.Operation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.QueueDispatcher;
import mockwebserver3.RecordedRequest;
import okio.Buffer;

/**
 * A dispatcher (a queue, or another dispatcher it wraps) for a test's scripted homeserver that checks every answer it gives against
 * the official client-server description ({@code ../shared/spec/matrix}, read in place), down into
 * nested values: the status is declared for the operation the request meets and the JSON body
 * matches its schema, or, for an error the operation does not list, the standard error body
 * ({@code errcode}, {@code error}). A fake that answers what no homeserver would makes the client's
 * tests prove nothing about real homeservers.
 *
 * <p>An answer a test gives on purpose off the description (a garbled body, a proxy's HTML error
 * page) is registered with {@link #offSpec}, with the reason. Problems are collected, not thrown
 * (the dispatcher runs on the server's thread); the test asserts {@link #problems()} is empty, as
 * {@link MockHomeserver#close()} does. Without {@code ../shared} nothing is checked (and under
 * {@code CI=true} the description must be there).
 */
public final class SpecCheckedHomeserver extends QueueDispatcher {
    private static final String SPEC = "spec/matrix/data/api/client-server";
    private static final String ERROR_SCHEMA = "spec/matrix/data/api/client-server/definitions/errors/error.yaml";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static volatile Optional<OpenApiDocs> loaded;

    private final Dispatcher delegate;
    private final Set<MockResponse> offSpec = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));
    private final List<String> problems = new CopyOnWriteArrayList<>();

    /** Checks every answer {@code delegate} gives; null: the answers enqueued here, in order (a queue). */
    public SpecCheckedHomeserver(Dispatcher delegate) {
        this.delegate = delegate;
    }

    /** The client-server description, read once per test JVM; empty without {@code ../shared}. */
    public static Optional<OpenApiDocs> spec() {
        Optional<OpenApiDocs> s = loaded;
        if (s == null) {
            synchronized (SpecCheckedHomeserver.class) {
                if (loaded == null) {
                    loaded = OpenApiDocs.sharedDirOrFailInCi(SPEC).map(dir -> {
                        try {
                            return OpenApiDocs.of(dir.resolve(SPEC));
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    });
                }
                s = loaded;
            }
        }
        return s;
    }

    /** Lets {@code response} through unchecked: a test gives it off the description on purpose, for {@code why}. */
    public MockResponse offSpec(MockResponse response, String why) {
        if (why == null || why.isBlank()) {
            throw new IllegalArgumentException("say why the answer is off the description");
        }
        offSpec.add(response);
        return response;
    }

    /** Every way an answer given so far differed from the description. */
    public List<String> problems() {
        return List.copyOf(problems);
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
        MockResponse response = delegate == null ? super.dispatch(request) : delegate.dispatch(request);
        if (!offSpec.contains(response)) {
            spec().ifPresent(spec -> problems.addAll(check(spec, request.getMethod(), request.getUrl().pathSegments(),
                    request.getTarget(), response.getCode(), response.getHeaders().get("Content-Type"), body(response))));
        }
        return response;
    }

    @Override
    public MockResponse peek() {
        return delegate == null ? super.peek() : delegate.peek();
    }

    @Override
    public void close() {
        if (delegate != null) {
            delegate.close();
        }
        super.close();
    }

    private static String body(MockResponse response) {
        if (response.getBody() == null || response.getBody().getContentLength() > 1_000_000) {
            return null;
        }
        try (Buffer b = new Buffer()) {
            response.getBody().writeTo(b);
            return b.readUtf8();
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * How one answer differs from the description (empty if it does not). Requests the description
     * does not declare are not judged here: ClientSpecConformanceTest checks the requests.
     */
    static List<String> check(OpenApiDocs spec, String method, List<String> path, String target, int status,
                              String contentType, String body) {
        List<Operation> ops = spec.match(method, path);
        if (ops.isEmpty()) {
            return List.of();
        }
        String what = "answer to " + method + " " + target + " → " + status;
        boolean json = contentType != null && contentType.startsWith("application/json");
        List<String> best = null;
        for (Operation op : ops) {
            List<String> found = new ArrayList<>();
            Located response = op.response(spec, status);
            boolean error = status >= 400;
            if (response.node().isMissingNode()) {
                if (!error) {
                    found.add(what + ": status " + status + " is not declared for " + op.method() + " " + op.template());
                } else if (!json && status >= 500) {
                    // a reverse proxy's error page: not the homeserver's to describe
                } else {
                    checkJson(spec, body, json, errorSchema(spec), what, found);
                }
            } else {
                Located schema = response.path("content").path("application/json").path("schema");
                if (!schema.node().isMissingNode()) {
                    checkJson(spec, body, json, schema, what, found);
                } else if (json && response.path("content").node().size() > 0) {
                    found.add(what + ": the description declares no JSON body for this status");
                }
            }
            if (best == null || found.size() < best.size()) {
                best = found;
            }
        }
        return best;
    }

    private static void checkJson(OpenApiDocs spec, String body, boolean json, Located schema, String what, List<String> found) {
        if (!json || body == null) {
            found.add(what + ": the answer is not JSON");
            return;
        }
        JsonNode value;
        try {
            value = MAPPER.readTree(body);
        } catch (IOException e) {
            found.add(what + ": the answer is not JSON");
            return;
        }
        spec.check(value, schema, what, found);
    }

    private static Located errorSchema(OpenApiDocs spec) {
        Path file = OpenApiDocs.sharedDir(ERROR_SCHEMA).orElseThrow().resolve(ERROR_SCHEMA);
        return new Located(spec.file(file), file);
    }
}
