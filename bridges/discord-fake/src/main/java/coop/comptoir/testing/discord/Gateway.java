package coop.comptoir.testing.discord;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.MockResponse;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;

/**
 * The Gateway side: WebSocket connections, sessions with their sequence numbers and the dispatches they
 * missed (for RESUME), intent filtering. Shares the world's monitor.
 */
final class Gateway {
    // intents (https://discord.com/developers/docs/events/gateway#gateway-intents)
    static final long GUILDS = 1L;
    static final long GUILD_MEMBERS = 1L << 1;
    static final long GUILD_WEBHOOKS = 1L << 5;
    static final long GUILD_MESSAGES = 1L << 9;
    static final long GUILD_MESSAGE_REACTIONS = 1L << 10;
    static final long MESSAGE_CONTENT = 1L << 15;
    private static final int MAX_HISTORY = 10_000;

    private final World world;
    private final String baseUrl;
    private final long heartbeatIntervalMillis;
    private final Map<String, Session> sessions = new LinkedHashMap<>();
    private final List<Connection> connections = new ArrayList<>();
    private final List<GatewayFrame> frames = new CopyOnWriteArrayList<>();
    private final AtomicInteger connectionCount = new AtomicInteger();
    private volatile boolean outage;

    Gateway(World world, String baseUrl, long heartbeatIntervalMillis) {
        this.world = world;
        this.baseUrl = baseUrl;
        this.heartbeatIntervalMillis = heartbeatIntervalMillis;
    }

    String url() {
        return baseUrl + "/gateway";
    }

    String resumeUrl() {
        return baseUrl + "/gateway-resume";
    }

    private static final class Session {
        final String id = UUID.randomUUID().toString().replace("-", "");
        final long intents;
        int seq;
        final List<String> history = new ArrayList<>();
        final List<Integer> historySeq = new ArrayList<>();
        Connection connection;
        boolean invalid;

        Session(long intents) {
            this.intents = intents;
        }
    }

    final class Connection extends WebSocketListener {
        final String name;
        final String path;
        WebSocket socket;
        Session session;
        boolean open;

        Connection(String path) {
            this.name = "c" + connectionCount.incrementAndGet() + " " + path;
            this.path = path;
        }

        @Override
        public void onOpen(WebSocket webSocket, Response response) {
            synchronized (world) {
                socket = webSocket;
                open = true;
                connections.add(this);
                ObjectNode hello = World.NODES.objectNode();
                hello.put("heartbeat_interval", heartbeatIntervalMillis);
                hello.putArray("_trace").add("[\"fake-discord\",{\"micros\":0}]");
                send(this, 10, null, null, hello);
            }
        }

        @Override
        public void onMessage(WebSocket webSocket, String text) {
            synchronized (world) {
                receive(this, text);
            }
        }

        @Override
        public void onClosing(WebSocket webSocket, int code, String reason) {
            synchronized (world) {
                frames.add(new GatewayFrame(Instant.now(), name, false, -1, "CLOSE " + code, null, reason));
                detach(this, code == 1000 || code == 1001);
            }
            webSocket.close(code, null);
        }

        @Override
        public void onClosed(WebSocket webSocket, int code, String reason) {
            synchronized (world) {
                detach(this, false);
            }
        }

        @Override
        public void onFailure(WebSocket webSocket, Throwable t, Response response) {
            synchronized (world) {
                detach(this, false);
            }
        }
    }

    MockResponse upgrade(String path) {
        if (outage) {
            return new MockResponse.Builder().code(503).body("gateway unavailable").build();
        }
        return new MockResponse.Builder().webSocketUpgrade(new Connection(path)).build();
    }

    // ---- from clients ----

    private void receive(Connection c, String text) {
        JsonNode payload;
        try {
            payload = World.JSON.readTree(text);
        } catch (Exception e) {
            frames.add(new GatewayFrame(Instant.now(), c.name, false, -1, null, null, text));
            close(c, 4002, "Error while decoding payload.");
            return;
        }
        int op = payload.path("op").asInt(-1);
        frames.add(new GatewayFrame(Instant.now(), c.name, false, op, null, null, redact(payload)));
        JsonNode d = payload.path("d");
        switch (op) {
            case 1 -> send(c, 11, null, null, null);
            case 2 -> identify(c, d);
            case 6 -> resume(c, d);
            case 3, 4 -> {
                if (c.session == null) {
                    close(c, 4003, "Not authenticated.");
                }
            }
            case 8 -> requestMembers(c, d);
            default -> close(c, 4001, "Unknown opcode.");
        }
    }

    private String redact(JsonNode payload) {
        if (payload.path("d").has("token") && payload.path("d").isObject()) {
            ObjectNode copy = payload.deepCopy();
            ((ObjectNode) copy.get("d")).put("token", "***");
            return copy.toString();
        }
        return payload.toString();
    }

    private boolean tokenOk(JsonNode d) {
        String token = d.path("token").asText("");
        if (token.startsWith("Bot ")) {
            token = token.substring(4);
        }
        return token.equals(world.botToken);
    }

    private void identify(Connection c, JsonNode d) {
        if (c.session != null) {
            close(c, 4005, "Already authenticated.");
            return;
        }
        if (!tokenOk(d)) {
            close(c, 4004, "Authentication failed.");
            return;
        }
        if (!d.has("intents") || !d.path("intents").canConvertToLong()) {
            close(c, 4013, "Invalid intent(s).");
            return;
        }
        Session s = new Session(d.path("intents").asLong());
        sessions.put(s.id, s);
        attach(c, s);

        ObjectNode ready = World.NODES.objectNode();
        ready.put("v", 10);
        ObjectNode user = world.userJson(world.bot);
        user.put("verified", true);
        user.put("mfa_enabled", false);
        user.putNull("email");
        ready.set("user", user);
        ArrayNode guilds = ready.putArray("guilds");
        world.guilds.keySet().forEach(id -> guilds.addObject().put("id", id).put("unavailable", true));
        ready.put("session_id", s.id);
        ready.put("session_type", "normal");
        ready.put("resume_gateway_url", resumeUrl());
        ready.putArray("private_channels");
        ready.putArray("relationships");
        ready.putArray("presences");
        ready.putArray("guild_join_requests");
        ready.putArray("geo_ordered_rtc_regions").add("fake");
        ready.putObject("user_settings");
        ready.putObject("auth");
        ObjectNode application = ready.putObject("application");
        application.put("id", world.applicationId);
        application.put("flags", (1 << 15) | (1 << 19));
        if (d.has("shard")) {
            ready.set("shard", d.get("shard"));
        }
        ready.putArray("_trace").add("[\"fake-discord\",{\"micros\":0}]");
        dispatchTo(s, "READY", ready);
        for (World.GuildState g : world.guilds.values()) {
            dispatchTo(s, "GUILD_CREATE", world.guildCreateJson(g));
        }
    }

    private void resume(Connection c, JsonNode d) {
        if (!tokenOk(d)) {
            close(c, 4004, "Authentication failed.");
            return;
        }
        Session s = sessions.get(d.path("session_id").asText(""));
        if (s == null || s.invalid) {
            send(c, 9, null, null, World.NODES.booleanNode(false));
            return;
        }
        long seq = d.path("seq").asLong(-1);
        if (seq < 0 || seq > s.seq) {
            close(c, 4007, "Invalid seq.");
            return;
        }
        if (s.connection != null && s.connection != c) {
            // the old connection is dead from the client's point of view
            Connection old = s.connection;
            old.session = null;
            drop(old.socket);
        }
        attach(c, s);
        for (int i = 0; i < s.history.size(); i++) {
            if (s.historySeq.get(i) > seq) {
                c.socket.send(s.history.get(i));
                frames.add(frame(c, s.history.get(i)));
            }
        }
        dispatchTo(s, "RESUMED", World.NODES.objectNode().set("_trace", World.NODES.arrayNode().add("fake-discord")));
    }

    private void requestMembers(Connection c, JsonNode d) {
        if (c.session == null) {
            close(c, 4003, "Not authenticated.");
            return;
        }
        World.GuildState g = world.guilds.get(d.path("guild_id").asText());
        if (g == null) {
            return;
        }
        ObjectNode chunk = World.NODES.objectNode();
        chunk.put("guild_id", g.guild.id());
        ArrayNode members = chunk.putArray("members");
        g.memberIds.forEach(id -> members.add(world.memberJson(g.guild.id(), id, true)));
        chunk.put("chunk_index", 0);
        chunk.put("chunk_count", 1);
        if (d.has("nonce")) {
            chunk.set("nonce", d.get("nonce"));
        }
        dispatchTo(c.session, "GUILD_MEMBERS_CHUNK", chunk);
    }

    private void attach(Connection c, Session s) {
        c.session = s;
        s.connection = c;
    }

    private void detach(Connection c, boolean invalidate) {
        if (!c.open) {
            return;
        }
        c.open = false;
        connections.remove(c);
        if (c.session != null) {
            if (c.session.connection == c) {
                c.session.connection = null;
            }
            if (invalidate) {
                c.session.invalid = true;
                sessions.remove(c.session.id);
            }
        }
    }

    // ---- to clients ----

    private void send(Connection c, int op, String type, Integer seq, JsonNode d) {
        ObjectNode payload = World.NODES.objectNode();
        payload.put("op", op);
        payload.set("d", d == null ? World.NODES.nullNode() : d);
        if (op == 0) {
            payload.put("s", seq);
            payload.put("t", type);
        } else {
            payload.putNull("s");
            payload.putNull("t");
        }
        String text = wire(payload);
        frames.add(new GatewayFrame(Instant.now(), c.name, true, op, type, seq, text));
        c.socket.send(text);
    }

    /**
     * The JSON text of a payload as Discord's would be on the wire: a lone surrogate in a string (which
     * JSON carries as a {@code \\uD800} escape) is written as that escape, not replaced by {@code ?}
     * when the frame is encoded in UTF-8.
     */
    static String wire(JsonNode payload) {
        String text = payload.toString();
        StringBuilder sb = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean lone = Character.isHighSurrogate(c) ? i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1))
                    : Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(text.charAt(i - 1)));
            if (lone && sb == null) {
                sb = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (sb != null) {
                if (lone) {
                    sb.append(String.format("\\u%04x", (int) c));
                } else {
                    sb.append(c);
                }
            }
        }
        return sb == null ? text : sb.toString();
    }

    private GatewayFrame frame(Connection c, String text) {
        try {
            JsonNode n = World.JSON.readTree(text);
            return new GatewayFrame(Instant.now(), c.name, true, n.path("op").asInt(), n.path("t").asText(null),
                    n.path("s").isNumber() ? n.path("s").asInt() : null, text);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void dispatchTo(Session s, String type, JsonNode d) {
        s.seq++;
        ObjectNode payload = World.NODES.objectNode();
        payload.put("op", 0);
        payload.put("s", s.seq);
        payload.put("t", type);
        payload.set("d", d);
        String text = wire(payload);
        s.history.add(text);
        s.historySeq.add(s.seq);
        if (s.history.size() > MAX_HISTORY) {
            s.history.remove(0);
            s.historySeq.remove(0);
        }
        Connection c = s.connection;
        if (c != null && c.open) {
            frames.add(new GatewayFrame(Instant.now(), c.name, true, 0, type, s.seq, text));
            c.socket.send(text);
        }
    }

    /**
     * Sends a dispatch to every live or resumable session whose intents cover it. A session without
     * MESSAGE_CONTENT gets messages without content, embeds, attachments and components, unless the bot
     * wrote the message or is mentioned in it (as Discord does).
     */
    void dispatch(String type, long intent, ObjectNode d) {
        boolean message = type.equals("MESSAGE_CREATE") || type.equals("MESSAGE_UPDATE");
        for (Session s : sessions.values()) {
            if (s.invalid || (intent != 0 && (s.intents & intent) == 0)) {
                continue;
            }
            ObjectNode payload = d;
            if (message && (s.intents & MESSAGE_CONTENT) == 0 && !exemptFromContentIntent(d)) {
                payload = d.deepCopy();
                payload.put("content", "");
                payload.putArray("embeds");
                payload.putArray("attachments");
                payload.putArray("components");
                payload.remove("poll");
            }
            dispatchTo(s, type, payload);
        }
    }

    private boolean exemptFromContentIntent(JsonNode d) {
        String botId = world.bot.id();
        if (botId.equals(d.path("author").path("id").asText())) {
            return true;
        }
        for (JsonNode m : d.path("mentions")) {
            if (botId.equals(m.path("id").asText())) {
                return true;
            }
        }
        return false;
    }

    private void close(Connection c, int code, String reason) {
        frames.add(new GatewayFrame(Instant.now(), c.name, true, -1, "CLOSE " + code, null, reason));
        c.socket.close(code, reason);
        if (code == 4004 || code >= 4010) {
            if (c.session != null) {
                c.session.invalid = true;
            }
        }
    }

    // ---- test controls (callers hold the world's monitor) ----

    int connectedClients() {
        int n = 0;
        for (Connection c : connections) {
            if (c.open && c.session != null) {
                n++;
            }
        }
        return n;
    }

    boolean anyResumableOrConnected() {
        return connections.stream().anyMatch(c -> c.open) || sessions.values().stream().anyMatch(s -> !s.invalid);
    }

    /** Drops every connection without a close frame; sessions stay resumable. */
    void dropConnections() {
        for (Connection c : new ArrayList<>(connections)) {
            frames.add(new GatewayFrame(Instant.now(), c.name, true, -1, "DROP", null, null));
            drop(c.socket);
            detach(c, false);
        }
    }

    /**
     * Closes the TCP connection without a close frame. {@code WebSocket#cancel()} needs a client call, which a
     * server-side socket of mockwebserver does not have; failing the socket tears it down the same way.
     */
    private static void drop(WebSocket socket) {
        if (socket instanceof okhttp3.internal.ws.RealWebSocket real) {
            real.failWebSocket(new java.io.IOException("connection dropped by the fake Discord"), null, false);
        } else {
            socket.cancel();
        }
    }

    void sendReconnect() {
        for (Connection c : new ArrayList<>(connections)) {
            send(c, 7, null, null, null);
        }
    }

    void sendInvalidSession(boolean resumable) {
        for (Connection c : new ArrayList<>(connections)) {
            if (!resumable && c.session != null) {
                c.session.invalid = true;
                sessions.remove(c.session.id);
            }
            send(c, 9, null, null, World.NODES.booleanNode(resumable));
        }
    }

    void requestHeartbeat() {
        for (Connection c : new ArrayList<>(connections)) {
            send(c, 1, null, null, null);
        }
    }

    /** Forgets all sessions: the next connection must identify. */
    void forgetSessions() {
        for (Iterator<Session> it = sessions.values().iterator(); it.hasNext(); ) {
            it.next().invalid = true;
            it.remove();
        }
    }

    void outage(boolean on) {
        outage = on;
        if (on) {
            dropConnections();
        }
    }

    List<GatewayFrame> frames() {
        return List.copyOf(frames);
    }

    void closeAll() {
        for (Connection c : new ArrayList<>(connections)) {
            drop(c.socket);
            detach(c, false);
        }
    }
}
