package coop.comptoir.testing.discord;

import com.fasterxml.jackson.databind.JsonNode;
import coop.comptoir.testing.discord.RecordedCall.UploadedFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import okhttp3.HttpUrl;
import okhttp3.MultipartReader;
import okio.Buffer;

/**
 * The HTTP side of the fake Discord, behind its one port: routes WebSocket upgrades to the
 * {@link Gateway}, {@code /api/v10/…} to the {@link Rest} handlers and the rest to the CDN; checks each
 * request against the spec and records it; applies the injected failures (rate limits, server errors,
 * outage, one-shot hooks); writes the rate-limit headers JDA reads.
 *
 * <p>Thread-safe: called on the server's threads while tests change the switches; handlers run
 * under the world's monitor.
 */
final class HttpFront extends Dispatcher {
    private static final Pattern NAME = Pattern.compile("name=\"([^\"]*)\"");
    private static final Pattern FILENAME = Pattern.compile("filename=\"([^\"]*)\"");
    private static final byte[] PNG = Base64.getDecoder().decode(
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");

    private final World world;
    private final Gateway gateway;
    private final Rest rest;
    private final DiscordSpec spec;
    private final boolean validateResponses;
    private final List<RecordedCall> calls = new CopyOnWriteArrayList<>();
    private final List<String> unknownRoutes = new CopyOnWriteArrayList<>();
    private final List<String> responseViolations = new CopyOnWriteArrayList<>();
    private final AtomicInteger rateLimited = new AtomicInteger();
    private final AtomicInteger serverErrors = new AtomicInteger();
    private volatile double retryAfterSeconds = 1;
    private volatile boolean outage;
    /** One-shot actions run after a matching request's work, before its answer ({@link #beforeAnswering}). */
    private final List<Hook> hooks = new CopyOnWriteArrayList<>();

    private record Hook(Predicate<RecordedCall> when, Consumer<RecordedCall> action) {}

    /** {@code spec} may be null (no validation). */
    HttpFront(World world, Gateway gateway, Rest rest, DiscordSpec spec, boolean validateResponses) {
        this.world = world;
        this.gateway = gateway;
        this.rest = rest;
        this.spec = spec;
        this.validateResponses = validateResponses;
    }

    // ---- failure switches ----

    /** See {@link FakeDiscord#rateLimitNext}. */
    void rateLimitNext(int count, double retryAfterSeconds) {
        this.retryAfterSeconds = retryAfterSeconds;
        rateLimited.set(count);
    }

    /** See {@link FakeDiscord#failNext}. */
    void failNext(int count) {
        serverErrors.set(count);
    }

    /** See {@link FakeDiscord#beforeAnswering}. */
    void beforeAnswering(Predicate<RecordedCall> when, Consumer<RecordedCall> action) {
        hooks.add(new Hook(when, action));
    }

    /** REST answers 503 while on (the Gateway is switched by the caller). */
    void outage(boolean on) {
        outage = on;
    }

    // ---- records ----

    /** The REST requests received so far, in order (a live view). */
    List<RecordedCall> calls() {
        return calls;
    }

    List<String> unknownRoutes() {
        return List.copyOf(unknownRoutes);
    }

    List<String> responseViolations() {
        return List.copyOf(responseViolations);
    }

    /** Forgets recorded requests, unknown routes and violations. */
    void clearRecords() {
        calls.clear();
        unknownRoutes.clear();
        responseViolations.clear();
    }

    // ---- HTTP ----

    /** Answers one request of the port: a WebSocket upgrade to the Gateway, the REST API, or the CDN. */
    @Override
    public MockResponse dispatch(RecordedRequest request) {
        HttpUrl url = request.getUrl();
        List<String> segments = url.pathSegments();
        String first = segments.isEmpty() ? "" : segments.get(0);
        if ((first.equals("gateway") || first.equals("gateway-resume")) && segments.size() == 1
                && "websocket".equalsIgnoreCase(request.getHeaders().get("Upgrade"))) {
            return gateway.upgrade(url.encodedPath());
        }
        if (segments.size() >= 2 && first.equals("api") && segments.get(1).equals("v10")) {
            return api(request, segments.subList(2, segments.size()));
        }
        return cdn(request, segments);
    }

    private MockResponse cdn(RecordedRequest request, List<String> segments) {
        if (segments.size() == 4 && segments.get(0).equals("attachments")) {
            synchronized (world) {
                World.StoredFile f = world.files.get(segments.get(2));
                if (f != null && f.channelId().equals(segments.get(1)) && f.filename().equals(segments.get(3))) {
                    return new MockResponse.Builder()
                            .setHeader("Content-Type", f.contentType() == null ? "application/octet-stream" : f.contentType())
                            .body(new Buffer().write(f.bytes())).build();
                }
            }
        }
        if (!segments.isEmpty() && List.of("avatars", "stickers", "emojis", "icons").contains(segments.get(0))) {
            return new MockResponse.Builder().setHeader("Content-Type", "image/png").body(new Buffer().write(PNG)).build();
        }
        return new MockResponse.Builder().code(404).setHeader("Content-Type", "text/plain").body("404: Not Found").build();
    }

    private MockResponse api(RecordedRequest request, List<String> segments) {
        HttpUrl url = request.getUrl();
        String method = request.getMethod();
        String path = "/" + String.join("/", segments);
        String encodedPath = url.encodedPath().substring("/api/v10".length());
        Map<String, List<String>> query = new LinkedHashMap<>();
        for (String name : url.queryParameterNames()) {
            List<String> values = new ArrayList<>();
            for (String v : url.queryParameterValues(name)) {
                values.add(v == null ? "" : v);
            }
            query.put(name, List.copyOf(values));
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String name : request.getHeaders().names()) {
            String value = request.getHeaders().get(name);
            if (name.equalsIgnoreCase("authorization") && value != null) {
                value = value.startsWith("Bot ") ? "Bot ***" : "***";
            }
            headers.put(name.toLowerCase(Locale.ROOT), value);
        }
        String contentType = request.getHeaders().get("Content-Type");

        JsonNode json = null;
        String jsonText = null;
        List<UploadedFile> files = new ArrayList<>();
        Rest.Reply reply = null;
        byte[] body = request.getBody() == null ? new byte[0] : request.getBody().toByteArray();
        try {
            if (contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
                jsonText = readMultipart(contentType, body, files);
            } else if (body.length > 0) {
                jsonText = new String(body, StandardCharsets.UTF_8);
            }
            if (jsonText != null) {
                json = World.JSON.readTree(jsonText);
            }
        } catch (IOException | RuntimeException e) {
            reply = Rest.error(400, 50109, "The request body contains invalid JSON.");
        }
        List<String> violations = spec == null ? List.of()
                : spec.checkRequest(method, encodedPath, query, contentType, jsonText, false);

        Rest.Route route = null;
        List<String> params = new ArrayList<>();
        for (Rest.Route r : rest.routes) {
            if (r.method().equals(method) && matches(r.segments(), segments, params)) {
                route = r;
                break;
            }
        }
        if (reply == null) {
            if (outage) {
                reply = Rest.error(503, 0, "503: Service Unavailable");
            } else if (serverErrors.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                reply = Rest.error(500, 0, "500: Internal Server Error");
            } else if (rateLimited.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                reply = new Rest.Reply(429, World.NODES.objectNode().put("message", "You are being rate limited.")
                        .put("retry_after", retryAfterSeconds).put("global", false).put("code", 0));
            } else if (route == null) {
                boolean otherMethod = rest.routes.stream().anyMatch(r -> matches(r.segments(), segments, new ArrayList<>()));
                if (otherMethod) {
                    reply = Rest.error(405, 0, "405: Method Not Allowed");
                } else {
                    unknownRoutes.add(method + " " + path);
                    reply = Rest.error(404, 0, "404: Not Found");
                }
            } else if (route.botAuth() && !("Bot " + world.botToken).equals(request.getHeaders().get("Authorization"))) {
                reply = Rest.error(401, 0, "401: Unauthorized");
            } else if (!route.botAuth() && request.getHeaders().get("Authorization") != null
                    && !("Bot " + world.botToken).equals(request.getHeaders().get("Authorization"))) {
                reply = Rest.error(401, 0, "401: Unauthorized");
            } else {
                Rest.Request parsed = new Rest.Request(method, segments, query, json, List.copyOf(files));
                synchronized (world) {
                    try {
                        reply = route.handler().handle(parsed, params);
                    } catch (RuntimeException e) {
                        reply = Rest.error(500, 0, "500: fake Discord failed: " + e);
                    }
                }
            }
        }
        RecordedCall call = new RecordedCall(Instant.now(), method, path, Map.copyOf(query), headers, json, List.copyOf(files),
                reply.status(), List.copyOf(violations));
        calls.add(call);
        if (reply.status() < 300) {
            for (Hook h : hooks) {
                if (h.when().test(call) && hooks.remove(h)) {
                    h.action().accept(call);
                }
            }
        }
        String responseBody = reply.body() == null ? "" : reply.body().toString();
        if (validateResponses && spec != null && reply.status() < 500) {
            for (String problem : spec.checkResponse(method, encodedPath, reply.status(), responseBody)) {
                responseViolations.add(method + " " + path + " -> " + reply.status() + ": " + problem);
            }
        }
        return response(reply, route == null ? path : String.join("/", route.segments()) + method, responseBody);
    }

    private static boolean matches(String[] template, List<String> segments, List<String> params) {
        params.clear();
        if (template.length != segments.size()) {
            return false;
        }
        for (int i = 0; i < template.length; i++) {
            if (template[i].equals("{}")) {
                if (segments.get(i).isEmpty()) {
                    return false;
                }
                params.add(segments.get(i));
            } else if (!template[i].equals(segments.get(i))) {
                return false;
            }
        }
        return true;
    }

    private String readMultipart(String contentType, byte[] body, List<UploadedFile> files) throws IOException {
        Matcher boundary = Pattern.compile("boundary=\"?([^\";]+)\"?").matcher(contentType);
        if (!boundary.find()) {
            throw new IOException("multipart without boundary");
        }
        String payload = null;
        try (MultipartReader reader = new MultipartReader(new Buffer().write(body), boundary.group(1))) {
            MultipartReader.Part part;
            while ((part = reader.nextPart()) != null) {
                String disposition = part.headers().get("Content-Disposition");
                String name = disposition == null ? null : group(NAME, disposition);
                byte[] bytes = part.body().readByteArray();
                if ("payload_json".equals(name)) {
                    payload = new String(bytes, StandardCharsets.UTF_8);
                } else if (name != null) {
                    files.add(new UploadedFile(name, group(FILENAME, disposition), part.headers().get("Content-Type"), bytes));
                }
            }
        }
        return payload;
    }

    private static String group(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        return m.find() ? m.group(1) : null;
    }

    private MockResponse response(Rest.Reply reply, String bucketKey, String body) {
        MockResponse.Builder b = new MockResponse.Builder().code(reply.status());
        // JDA takes a 429 without "Via" for a Cloudflare ban; Discord's API answers carry it.
        b.setHeader("Via", "1.1 google");
        String bucket = Integer.toHexString(bucketKey.hashCode());
        double reset = System.currentTimeMillis() / 1000.0;
        if (reply.status() == 429) {
            double after = retryAfterSeconds;
            b.setHeader("Retry-After", Long.toString((long) Math.ceil(after)));
            b.setHeader("X-RateLimit-Limit", "5");
            b.setHeader("X-RateLimit-Remaining", "0");
            b.setHeader("X-RateLimit-Reset", String.format(Locale.ROOT, "%.3f", reset + after));
            b.setHeader("X-RateLimit-Reset-After", String.format(Locale.ROOT, "%.3f", after));
            b.setHeader("X-RateLimit-Bucket", bucket);
            b.setHeader("X-RateLimit-Scope", "user");
        } else if (reply.status() != 503) {
            b.setHeader("X-RateLimit-Limit", "5");
            b.setHeader("X-RateLimit-Remaining", "4");
            b.setHeader("X-RateLimit-Reset", String.format(Locale.ROOT, "%.3f", reset + 1));
            b.setHeader("X-RateLimit-Reset-After", "1.000");
            b.setHeader("X-RateLimit-Bucket", bucket);
        }
        if (reply.body() != null) {
            b.setHeader("Content-Type", "application/json");
            b.body(body);
        }
        return b.build();
    }
}
