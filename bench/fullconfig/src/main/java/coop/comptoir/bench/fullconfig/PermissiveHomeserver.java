package coop.comptoir.bench.fullconfig;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A homeserver for the benchmark that accepts everything Comptoir asks at once: registrations,
 * joins, sends, state, profiles, uploads, the appservice ping. It keeps nothing but a count of
 * calls per kind (printed by {@link #summary()}), so that what the plugins and the bridge do at
 * start and under load costs Comptoir its own work and not a real homeserver's answer time. Not a
 * conformance fake: the e2e suite runs against Synapse for that.
 *
 * <p>Listens on 127.0.0.1 (an ephemeral port); Nagle's algorithm is off (the JDK server's default
 * would make every answer wait for a delayed ACK).
 */
final class PermissiveHomeserver implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer server;
    private final ExecutorService pool = Executors.newFixedThreadPool(4);
    private final String serverName;
    private final String botUserId;
    private final AtomicLong events = new AtomicLong();
    private final Map<String, AtomicLong> calls = new ConcurrentHashMap<>();

    PermissiveHomeserver(String serverName, String botLocalpart) throws IOException {
        System.setProperty("sun.net.httpserver.nodelay", "true");
        this.serverName = serverName;
        this.botUserId = "@" + botLocalpart + ":" + serverName;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.createContext("/", this::handle);
        server.setExecutor(pool);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Calls answered so far, by kind ({@code send}, {@code join}, {@code register}…), sorted by kind. */
    Map<String, Long> summary() {
        Map<String, Long> out = new TreeMap<>();
        calls.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] in;
            try (InputStream body = ex.getRequestBody()) {
                in = body.readAllBytes();
            }
            String method = ex.getRequestMethod();
            String path = URLDecoder.decode(ex.getRequestURI().getRawPath(), StandardCharsets.UTF_8);
            String query = ex.getRequestURI().getQuery();
            ObjectNode out = JSON.createObjectNode();
            int status = 200;
            String kind;
            if (path.endsWith("/versions")) {
                kind = "versions";
                out.putArray("versions").add("v1.1").add("v1.5").add("v1.7").add("v1.11");
            } else if (path.contains("/appservice/") && path.endsWith("/ping")) {
                kind = "ping";
                out.put("duration_ms", 1);
            } else if (path.endsWith("/account/whoami")) {
                kind = "whoami";
                String user = query != null && query.contains("user_id=")
                        ? URLDecoder.decode(query.replaceAll(".*user_id=([^&]*).*", "$1"), StandardCharsets.UTF_8) : botUserId;
                out.put("user_id", user);
            } else if (path.endsWith("/register")) {
                kind = "register";
                JsonNode req = in.length == 0 ? JSON.createObjectNode() : JSON.readTree(in);
                out.put("user_id", "@" + req.path("username").asText("ghost") + ":" + serverName);
            } else if (path.contains("/send/") || (path.contains("/state/") && method.equals("PUT"))
                    || path.contains("/redact/")) {
                kind = path.contains("/send/") ? "send" : path.contains("/redact/") ? "redact" : "state_put";
                out.put("event_id", "$bench" + events.incrementAndGet() + ":" + serverName);
            } else if (path.endsWith("/join") || path.contains("/join/")) {
                kind = "join";
                String room = path.endsWith("/join") ? path.replaceAll(".*/rooms/([^/]+)/join$", "$1")
                        : path.replaceAll(".*/join/(.+)$", "$1");
                out.put("room_id", room.startsWith("#") ? aliasRoom(room) : room);
            } else if (path.contains("/directory/room/")) {
                kind = "alias";
                out.put("room_id", aliasRoom(path.substring(path.indexOf("/directory/room/") + 16)));
                out.putArray("servers").add(serverName);
            } else if (path.endsWith("/createRoom")) {
                kind = "create_room";
                out.put("room_id", "!created" + events.incrementAndGet() + ":" + serverName);
            } else if (path.endsWith("/joined_members")) {
                kind = "joined_members";
                out.putObject("joined").putObject(botUserId);
            } else if (path.endsWith("/joined_rooms")) {
                kind = "joined_rooms";
                out.putArray("joined_rooms");
            } else if (path.endsWith("/members")) {
                kind = "members";
                out.putArray("chunk");
            } else if (path.matches(".*/rooms/[^/]+/state$")) {
                kind = "state_all";
                writeArray(ex);
                count(kind);
                return;
            } else if (path.contains("/state/") || path.contains("/event/") || path.contains("/account_data/")
                    && method.equals("GET")) {
                kind = "not_found";
                status = 404;
                out.put("errcode", "M_NOT_FOUND").put("error", "nothing here (bench homeserver)");
            } else if (path.endsWith("/media/config") || path.endsWith("/config")) {
                kind = "media_config";
                out.put("m.upload.size", 50_000_000);
            } else if (path.contains("/upload")) {
                kind = "upload";
                out.put("content_uri", "mxc://" + serverName + "/bench" + events.incrementAndGet());
            } else if (path.contains("/profile/")) {
                kind = method.equals("GET") ? "profile_get" : "profile_put";
                if (method.equals("GET")) {
                    out.put("displayname", "Bench");
                }
            } else {
                kind = "other " + method;
            }
            count(kind);
            byte[] body = JSON.writeValueAsBytes(out);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(status, body.length);
            ex.getResponseBody().write(body);
        }
    }

    private void count(String kind) {
        calls.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
    }

    private static void writeArray(HttpExchange ex) throws IOException {
        byte[] body = "[]".getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(200, body.length);
        ex.getResponseBody().write(body);
    }

    /** The same room for the same alias, always. */
    private String aliasRoom(String alias) {
        return "!alias" + Integer.toHexString(alias.hashCode()) + ":" + serverName;
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
