package coop.comptoir.testing.rocketchat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.HttpUrl;
import okhttp3.MultipartReader;
import okio.Buffer;

/**
 * A fake Rocket.Chat on 127.0.0.1: the REST API under {@code /api/v1/} (the routes a bridge uses,
 * see {@link Rest}), {@code /api/info}, uploaded files under {@code /file-upload/}, and the
 * realtime API (DDP) at {@code ws://…/websocket}, all on one port of OkHttp's mockwebserver3 (with a
 * custom dispatcher, like the fake Discord).
 *
 * <p>Tests act as Rocket.Chat humans ({@link #userSays}, {@link #userEdits}, {@link #userReacts}),
 * inject failures ({@link #rateLimitNext}, {@link #outage}, {@link #dropWebSockets}) and look at what
 * a client did ({@link #created()}, every message ever created, never deduplicated; {@link #requests()};
 * {@link #assertNoSpecViolations()}: every REST request and answer is checked against the official
 * OpenAPI description when it is found).
 *
 * <p>Thread-safe: the state sits behind one monitor.
 */
public final class FakeRocketChat implements AutoCloseable {
    private static final Pattern NAME = Pattern.compile("name=\"([^\"]*)\"");
    private static final Pattern FILENAME = Pattern.compile("filename=\"([^\"]*)\"");
    private static final byte[] PNG = java.util.Base64.getDecoder().decode(
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");

    private final MockWebServer server = new MockWebServer();
    private final World world;
    private final Realtime realtime;
    private final Rest rest;
    private final RocketChatSpec spec;
    private final String base;
    private final List<RecordedCall> calls = new CopyOnWriteArrayList<>();
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final Set<String> undescribed = new TreeSet<>();
    private final AtomicInteger rateLimited = new AtomicInteger();
    private volatile Duration retryAfter = Duration.ofSeconds(1);
    private volatile boolean outage;

    /** Starts a fake with bot {@code comptoir.bot}, users alice and bob, rooms {@code general} (public) and {@code bureau} (private). */
    public static FakeRocketChat start(String botToken, String... publicRooms) {
        return new FakeRocketChat(botToken, publicRooms, RocketChatSpec.find().orElse(null));
    }

    private FakeRocketChat(String botToken, String[] publicRooms, RocketChatSpec spec) {
        this.spec = spec;
        this.world = new World(botToken, "comptoir.bot");
        world.addUser("alice", "Alice");
        world.addUser("bob", "Bob");
        world.addRoom("general", false);
        world.addRoom("bureau", true);
        for (String r : publicRooms) {
            world.addRoom(r, false);
        }
        this.realtime = new Realtime(world);
        this.rest = new Rest(world, realtime);
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                return handle(request);
            }
        });
        try {
            server.start(InetAddress.getByName("127.0.0.1"), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the fake Rocket.Chat", e);
        }
        this.base = "http://127.0.0.1:" + server.getPort();
    }

    /** {@code http://127.0.0.1:<port>}: the server URL a client is configured with. */
    public String url() {
        return base;
    }

    public String botToken() {
        return world.botToken;
    }

    public Optional<RocketChatSpec> spec() {
        return Optional.ofNullable(spec);
    }

    @Override
    public void close() {
        synchronized (world) {
            realtime.dropAll();
        }
        server.close();
    }

    // ---- the world ----

    public FakeUser bot() {
        return world.bot;
    }

    public FakeUser user(String username) {
        synchronized (world) {
            FakeUser u = world.userByName(username);
            if (u == null) {
                throw new IllegalArgumentException("no user " + username);
            }
            return u;
        }
    }

    public FakeRoom room(String name) {
        synchronized (world) {
            return world.rooms.values().stream().filter(r -> r.name.equals(name) || r.fname.equals(name)).findFirst()
                    .map(r -> new FakeRoom(r.id, r.fname, r.type)).orElseThrow(() -> new IllegalArgumentException("no room " + name));
        }
    }

    /** The version {@code /api/info} reports (default 7.4.0). */
    public void version(String version) {
        synchronized (world) {
            world.version = version;
        }
    }

    /** Whether the bot holds {@code message-impersonate} (default yes); without it, {@code alias}/{@code avatar} get a 400. */
    public void impersonatePermission(boolean granted) {
        synchronized (world) {
            world.impersonate = granted;
        }
    }

    /** Whether the bot holds {@code view-room-administration} (default yes); without it, {@code rooms.adminRooms} gets a 401. */
    public void roomAdministrationPermission(boolean granted) {
        synchronized (world) {
            world.roomAdministration = granted;
        }
    }

    /** A public channel or private group created on the server (the bot is in it unless {@code withoutBot}). */
    public FakeRoom addRoom(String name, boolean privateGroup, boolean withoutBot) {
        synchronized (world) {
            World.Room r = world.addRoom(name, privateGroup);
            r.botMember = !withoutBot;
            return new FakeRoom(r.id, r.fname, r.type);
        }
    }

    /** A team: its main room ({@code teamMain}), public or private, with the bot in it. */
    public FakeRoom addTeam(String name, boolean privateTeam) {
        synchronized (world) {
            World.Room r = world.addRoom(name, privateTeam);
            r.teamId = world.newId();
            r.teamMain = true;
            return new FakeRoom(r.id, r.fname, r.type);
        }
    }

    /** A channel or group of the team whose main room is {@code teamMainRoomId}, with the bot in it. */
    public FakeRoom addRoomToTeam(String teamMainRoomId, String name, boolean privateGroup) {
        synchronized (world) {
            World.Room r = world.addRoom(name, privateGroup);
            r.teamId = room0(teamMainRoomId).teamId;
            return new FakeRoom(r.id, r.fname, r.type);
        }
    }

    /** Sets a room's topic; its members hear of it on {@code rooms-changed}. */
    public void topic(String roomId, String topic) {
        synchronized (world) {
            room0(roomId).topic = topic;
            realtime.roomChanged("updated", room0(roomId));
        }
    }

    /**
     * {@code username} renames a room, as Rocket.Chat's room settings do (special characters allowed
     * in room names): {@code name} (a slug) and
     * {@code fname} change, an {@code r} system message carrying the new name is posted in the room,
     * and the members hear of it on {@code rooms-changed} and {@code subscriptions-changed} ({@code "updated"}).
     */
    public void renameRoom(String roomId, String username, String newName) {
        synchronized (world) {
            World.Room r = room0(roomId);
            // the slug Rocket.Chat makes when room names with special characters are allowed
            r.name = java.text.Normalizer.normalize(newName, java.text.Normalizer.Form.NFD).replaceAll("\\p{M}", "")
                    .toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9_.-]+", "-").replaceAll("^-+|-+$", "");
            r.fname = newName;
            World.Msg m = world.newMessage(null, r, user(username), newName);
            m.t = "r";
            realtime.messageChanged(m);
            realtime.roomChanged("updated", r);
            realtime.subscriptionChanged("updated", r);
        }
    }

    /** {@code username} archives a room: a {@code room-archived} system message, then {@code archived: true} on both user streams. */
    public void archiveRoom(String roomId, String username) {
        synchronized (world) {
            World.Room r = room0(roomId);
            r.archived = true;
            World.Msg m = world.newMessage(null, r, user(username), "");
            m.t = "room-archived";
            realtime.messageChanged(m);
            realtime.subscriptionChanged("updated", r);
            realtime.roomChanged("updated", r);
        }
    }

    /**
     * An admin deletes a room, as Rocket.Chat does: its subscriptions go first ({@code subscriptions-changed}
     * {@code "removed"}), then the room ({@code rooms-changed} {@code "removed"}, only when {@code toldAsRoom}:
     * a member whose room listener went with the subscription hears only the first). {@code rooms.info} then answers 400.
     */
    public void deleteRoom(String roomId, boolean toldAsRoom) {
        synchronized (world) {
            World.Room r = room0(roomId);
            realtime.subscriptionChanged("removed", r);
            if (toldAsRoom) {
                realtime.roomChanged("removed", r);
            }
            world.rooms.remove(roomId);
        }
    }

    /** Whether the bot holds {@code delete-message} (default no): without it, {@code chat.delete} of someone else's message gets a 400. */
    public void deleteMessagePermission(boolean granted) {
        synchronized (world) {
            world.deleteOthers = granted;
        }
    }

    /** Largest file {@code rooms.media} accepts (default 10 MiB). */
    public void uploadLimit(long bytes) {
        synchronized (world) {
            world.uploadLimit = bytes;
        }
    }

    // ---- humans acting ----

    /**
     * A human opens a discussion under a room, as Rocket.Chat's "Create discussion" does: a new
     * room ({@code prid} = the parent) and a {@code discussion-created} message in the parent
     * carrying {@code drid}, streamed to the parent's subscribers.
     */
    public FakeRoom userOpensDiscussion(String parentRoomId, String username, String name) {
        synchronized (world) {
            World.Room d = world.addDiscussion(room0(parentRoomId), user(username), name);
            realtime.messageChanged(d.announcement);
            return new FakeRoom(d.id, d.fname, d.type);
        }
    }

    /** The discussions of a room, oldest first. */
    public List<FakeRoom> discussionsOf(String parentRoomId) {
        synchronized (world) {
            return world.rooms.values().stream().filter(r -> parentRoomId.equals(r.prid))
                    .sorted(java.util.Comparator.comparing((World.Room r) -> r.ts))
                    .map(r -> new FakeRoom(r.id, r.fname, r.type)).toList();
        }
    }

    /** A human posts in a room; subscribers get it over DDP. */
    public FakeMessage userSays(String roomId, String username, String text) {
        return post(roomId, username, text, null);
    }

    /** A human answers in the thread of {@code threadId}. */
    public FakeMessage userSaysInThread(String roomId, String username, String threadId, String text) {
        return post(roomId, username, text, threadId);
    }

    /** An integration (a user with {@code message-impersonate}) posts under another name, as webhooks do. */
    public FakeMessage integrationSays(String roomId, String username, String alias, String text) {
        synchronized (world) {
            World.Room room = room0(roomId);
            World.Msg m = world.newMessage(null, room, user(username), text);
            m.alias = alias;
            realtime.messageChanged(m);
            return world.snapshot(m);
        }
    }

    /**
     * A human quotes a message in their answer, as Rocket.Chat's "Reply" (not in a thread) does: the
     * text starts with a link to the quoted message ({@code [ ](<server>/channel/<name>?msg=<id>) }).
     */
    public FakeMessage userQuotes(String roomId, String username, String quotedId, String text) {
        synchronized (world) {
            World.Room room = room0(roomId);
            msg0(quotedId);
            String link = base + "/" + ("p".equals(room.type) ? "group" : "channel") + "/" + room.name + "?msg=" + quotedId;
            return post(roomId, username, "[ ](" + link + ") " + text, null);
        }
    }

    private FakeMessage post(String roomId, String username, String text, String tmid) {
        synchronized (world) {
            World.Room room = room0(roomId);
            World.Msg m = world.newMessage(null, room, user(username), text);
            m.tmid = tmid;
            realtime.messageChanged(m);
            return world.snapshot(m);
        }
    }

    /** A human posts a file without a description. */
    public FakeMessage userUploads(String roomId, String username, String fileName, String type, byte[] data) {
        return userUploads(roomId, username, fileName, type, data, null);
    }

    /** A human posts a file with a description (its caption, shown under the file), or null for none. */
    public FakeMessage userUploads(String roomId, String username, String fileName, String type, byte[] data, String description) {
        synchronized (world) {
            World.Room room = room0(roomId);
            World.StoredFile f = new World.StoredFile(world.newId(), room.id, fileName, type, data);
            world.files.put(f.id(), f);
            World.Msg m = world.newMessage(null, room, user(username), "");
            m.file = f;
            m.description = description;
            realtime.messageChanged(m);
            return world.snapshot(m);
        }
    }

    public FakeMessage userEdits(String messageId, String newText) {
        synchronized (world) {
            World.Msg m = msg0(messageId);
            m.text = newText;
            m.editedAt = world.now();
            m.updatedAt = m.editedAt;
            realtime.messageChanged(m);
            return world.snapshot(m);
        }
    }

    public void userDeletes(String messageId) {
        synchronized (world) {
            World.Msg m = msg0(messageId);
            m.deleted = true;
            realtime.messageDeleted(m);
        }
    }

    /** A human reacts with a shortcode ({@code :thumbsup:}) or takes it back. */
    public void userReacts(String messageId, String username, String shortcode, boolean add) {
        synchronized (world) {
            World.Msg m = msg0(messageId);
            var who = m.reactions.computeIfAbsent(shortcode, k -> new java.util.LinkedHashSet<>());
            if (add) {
                who.add(username);
            } else {
                who.remove(username);
            }
            if (who.isEmpty()) {
                m.reactions.remove(shortcode);
            }
            m.updatedAt = world.now();
            realtime.messageChanged(m);
        }
    }

    private World.Room room0(String roomId) {
        World.Room r = world.rooms.get(roomId);
        if (r == null) {
            throw new IllegalArgumentException("no room " + roomId);
        }
        return r;
    }

    private World.Msg msg0(String id) {
        World.Msg m = world.messages.get(id);
        if (m == null) {
            throw new IllegalArgumentException("no message " + id);
        }
        return m;
    }

    // ---- failures ----

    /** The next {@code n} REST requests get 429 with {@code X-RateLimit-*} headers asking to wait {@code wait}. */
    public void rateLimitNext(int n, Duration wait) {
        retryAfter = wait;
        rateLimited.set(n);
    }

    /** While on, REST answers 503 and WebSocket upgrades are refused with 503. */
    public void outage(boolean on) {
        outage = on;
    }

    /** Drops every WebSocket without a close frame (as a lost network would). */
    public void dropWebSockets() {
        synchronized (world) {
            realtime.dropAll();
        }
    }

    /** Sends a DDP {@code ping} to every client. */
    public void ping() {
        synchronized (world) {
            realtime.pingAll();
        }
    }

    public int pongsReceived() {
        synchronized (world) {
            return realtime.pongs;
        }
    }

    /** Clients logged in over DDP. */
    public int connectedClients() {
        synchronized (world) {
            return realtime.connectedClients();
        }
    }

    /** Connections subscribed to a room's messages. */
    public int subscribers(String roomId) {
        synchronized (world) {
            return realtime.subscribers(roomId);
        }
    }

    /** Every DDP frame so far ({@code "<- …"} from clients, {@code "-> …"} to them). */
    public List<String> frames() {
        return List.copyOf(realtime.frames);
    }

    // ---- inspection ----

    /** Every message ever created, in order, including deleted ones; a repeated send shows twice here. */
    public List<FakeMessage> created() {
        synchronized (world) {
            return world.created.stream().map(world::snapshot).toList();
        }
    }

    /** The current messages of a room (deleted ones left out), oldest first. */
    public List<FakeMessage> messagesIn(String roomId) {
        synchronized (world) {
            return world.messages.values().stream().filter(m -> m.rid.equals(roomId) && !m.deleted).map(world::snapshot).toList();
        }
    }

    public Optional<FakeMessage> message(String id) {
        synchronized (world) {
            return Optional.ofNullable(world.messages.get(id)).map(world::snapshot);
        }
    }

    /** The bytes of the file a message carries. */
    public Optional<byte[]> fileOf(String messageId) {
        synchronized (world) {
            World.Msg m = world.messages.get(messageId);
            return m == null || m.file == null ? Optional.empty() : Optional.of(m.file.data().clone());
        }
    }

    /** Waits for a current message of the room matching {@code p}. */
    public FakeMessage awaitMessageIn(String roomId, Predicate<FakeMessage> p, Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            Optional<FakeMessage> m = messagesIn(roomId).stream().filter(p).findFirst();
            if (m.isPresent()) {
                return m.get();
            }
            sleep();
        }
        throw new AssertionError("no such message in " + roomId + " after " + timeout + "; there are " + messagesIn(roomId));
    }

    /** Waits until {@code condition} holds. */
    public static void await(BooleanSupplier condition, Duration timeout, String what) {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) {
                return;
            }
            sleep();
        }
        throw new AssertionError("timed out waiting for " + what);
    }

    private static void sleep() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }

    public List<RecordedCall> requests() {
        return List.copyOf(calls);
    }

    /** Problems found in requests and answers against the spec; empty when all conform or the spec is absent. */
    public List<String> specViolations() {
        return List.copyOf(violations);
    }

    /** Routes called that the spec subset does not describe (so not checked): {@code GET /api/info}… */
    public Set<String> undescribedRoutes() {
        synchronized (undescribed) {
            return Set.copyOf(undescribed);
        }
    }

    public void assertNoSpecViolations() {
        if (!violations.isEmpty()) {
            throw new AssertionError("requests or answers that do not conform to Rocket.Chat's API description:\n  "
                    + String.join("\n  ", violations));
        }
    }

    // ---- HTTP ----

    private MockResponse handle(RecordedRequest request) {
        HttpUrl url = request.getUrl();
        String path = url.encodedPath();
        if (path.equals("/websocket") && "websocket".equalsIgnoreCase(request.getHeaders().get("Upgrade"))) {
            if (outage) {
                return new MockResponse.Builder().code(503).body("unavailable").build();
            }
            synchronized (world) {
                return new MockResponse.Builder().webSocketUpgrade(realtime.newConnection()).build();
            }
        }
        String method = request.getMethod();
        Map<String, List<String>> query = new LinkedHashMap<>();
        for (String name : url.queryParameterNames()) {
            List<String> values = new ArrayList<>();
            url.queryParameterValues(name).forEach(v -> values.add(v == null ? "" : v));
            query.put(name, values);
        }
        Set<String> headers = new TreeSet<>();
        request.getHeaders().names().forEach(n -> headers.add(n.toLowerCase(Locale.ROOT)));
        String contentType = request.getHeaders().get("Content-Type");
        byte[] body = request.getBody() == null ? new byte[0] : request.getBody().toByteArray();
        String jsonText = null;
        Rest.Upload upload = null;
        JsonNode json = World.JSON.createObjectNode();
        Rest.Reply reply = null;
        try {
            if (contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
                upload = readMultipart(contentType, body);
            } else if (body.length > 0) {
                jsonText = new String(body, StandardCharsets.UTF_8);
                json = World.JSON.readTree(jsonText);
            }
        } catch (IOException | RuntimeException e) {
            reply = Rest.error("Invalid body", "error-invalid-body");
        }
        boolean described = spec != null && spec.describes(method, path);
        if (spec != null) {
            if (described) {
                for (String p : spec.checkRequest(method, path, headers, query, contentType, jsonText)) {
                    violations.add(method + " " + path + ": " + p);
                }
            } else {
                synchronized (undescribed) {
                    undescribed.add(method + " " + path.replaceAll("/file-upload/.*", "/file-upload/…").replaceAll("/avatar/.*", "/avatar/…"));
                }
            }
        }
        boolean authed = world.botToken.equals(request.getHeaders().get("X-Auth-Token"))
                && world.bot.id().equals(request.getHeaders().get("X-User-Id"));
        byte[] raw = null;
        String rawType = null;
        if (reply == null) {
            if (outage) {
                reply = new Rest.Reply(503, null);
            } else if (rateLimited.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                reply = new Rest.Reply(429, World.JSON.createObjectNode().put("success", false)
                        .put("error", "Error, too many requests. Please slow down. You must wait " + retryAfter.toSeconds()
                                + " seconds before trying this endpoint again. [error-too-many-requests]"));
            } else if (path.equals("/api/info") && method.equals("GET")) {
                ObjectNode info = World.JSON.createObjectNode();
                synchronized (world) {
                    if (authed) {
                        info.put("version", world.version);
                    }
                }
                reply = Rest.ok(info);
            } else if (path.startsWith("/avatar/") && method.equals("GET")) {
                raw = PNG;
                rawType = "image/png";
                reply = new Rest.Reply(200, null);
            } else if (!authed) {
                reply = new Rest.Reply(401, World.JSON.createObjectNode().put("status", "error")
                        .put("message", "You must be logged in to do this."));
            } else if (path.startsWith("/file-upload/") && method.equals("GET")) {
                String[] seg = path.split("/");
                synchronized (world) {
                    World.StoredFile f = seg.length >= 3 ? world.files.get(seg[2]) : null;
                    if (f != null) {
                        raw = f.data();
                        rawType = f.type();
                        reply = new Rest.Reply(200, null);
                    } else {
                        reply = new Rest.Reply(404, null);
                    }
                }
            } else if (path.startsWith("/api/v1/")) {
                String sub = path.substring("/api/v1/".length());
                synchronized (world) {
                    try {
                        reply = rest.handle(new Rest.Request(method, sub, query, json, upload));
                    } catch (RuntimeException e) {
                        reply = Rest.error("fake Rocket.Chat failed: " + e, null);
                    }
                }
            }
            if (reply == null) {
                reply = new Rest.Reply(404, World.JSON.createObjectNode().put("success", false).put("error", "Not found"));
            }
        }
        calls.add(new RecordedCall(Instant.now(), method, url.encodedPath() + (url.encodedQuery() == null ? "" : "?" + url.encodedQuery()),
                jsonText, reply.status()));
        String responseBody = reply.body() == null ? "" : reply.body().toString();
        if (described && reply.status() != 503 && reply.status() != 429) {
            for (String p : spec.checkResponse(method, path, reply.status(), responseBody)) {
                violations.add(method + " " + path + " -> " + reply.status() + ": " + p);
            }
        }
        MockResponse.Builder b = new MockResponse.Builder().code(reply.status());
        long resetMs = System.currentTimeMillis() + (reply.status() == 429 ? retryAfter.toMillis() : 60_000);
        b.setHeader("X-RateLimit-Limit", "10").setHeader("X-RateLimit-Remaining", reply.status() == 429 ? "0" : "9")
                .setHeader("X-RateLimit-Reset", Long.toString(resetMs));
        if (raw != null) {
            b.setHeader("Content-Type", rawType).body(new Buffer().write(raw));
        } else if (reply.body() != null) {
            b.setHeader("Content-Type", "application/json").body(responseBody);
        }
        return b.build();
    }

    private static Rest.Upload readMultipart(String contentType, byte[] body) throws IOException {
        Matcher boundary = Pattern.compile("boundary=\"?([^\";]+)\"?").matcher(contentType);
        if (!boundary.find()) {
            throw new IOException("multipart without boundary");
        }
        Rest.Upload upload = null;
        try (MultipartReader reader = new MultipartReader(new Buffer().write(body), boundary.group(1))) {
            MultipartReader.Part part;
            while ((part = reader.nextPart()) != null) {
                String disposition = part.headers().get("Content-Disposition");
                byte[] bytes = part.body().readByteArray();
                if (disposition != null && "file".equals(group(NAME, disposition))) {
                    String type = part.headers().get("Content-Type");
                    upload = new Rest.Upload(group(FILENAME, disposition), type == null ? "application/octet-stream" : type, bytes);
                }
            }
        }
        return upload;
    }

    private static String group(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        return m.find() ? m.group(1) : null;
    }
}
