package coop.comptoir.testing.rocketchat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;

/**
 * The realtime API: DDP over the WebSocket at {@code /websocket}. Every method runs under the
 * world's monitor. See {@code package-info} for the public documentation followed.
 */
final class Realtime {
    private final World world;
    private final List<Connection> connections = new ArrayList<>();
    private final AtomicInteger counter = new AtomicInteger();
    /** Every frame seen, {@code "<- {...}"} from clients and {@code "-> {...}"} to them, for assertions. */
    final List<String> frames = new CopyOnWriteArrayList<>();
    int pongs;

    Realtime(World world) {
        this.world = world;
    }

    final class Connection extends WebSocketListener {
        final String session = "s" + counter.incrementAndGet();
        WebSocket socket;
        boolean connected;
        boolean loggedIn;
        /** subscription name + first param → sub id. */
        final Map<String, String> subs = new HashMap<>();

        @Override
        public void onOpen(WebSocket webSocket, Response response) {
            synchronized (world) {
                socket = webSocket;
                connections.add(this);
                ObjectNode hello = World.JSON.createObjectNode().put("server_id", "0");
                send(this, hello);
            }
        }

        @Override
        public void onMessage(WebSocket webSocket, String text) {
            synchronized (world) {
                frames.add("<- " + text);
                receive(this, text);
            }
        }

        @Override
        public void onClosing(WebSocket webSocket, int code, String reason) {
            webSocket.close(code, null);
            synchronized (world) {
                connections.remove(this);
            }
        }

        @Override
        public void onClosed(WebSocket webSocket, int code, String reason) {
            synchronized (world) {
                connections.remove(this);
            }
        }

        @Override
        public void onFailure(WebSocket webSocket, Throwable t, Response response) {
            synchronized (world) {
                connections.remove(this);
            }
        }
    }

    Connection newConnection() {
        return new Connection();
    }

    private void receive(Connection c, String text) {
        JsonNode f;
        try {
            f = World.JSON.readTree(text);
        } catch (Exception e) {
            send(c, World.JSON.createObjectNode().put("msg", "error").put("reason", "Bad request"));
            return;
        }
        String msg = f.path("msg").asText("");
        if (!c.connected && !msg.equals("connect")) {
            send(c, World.JSON.createObjectNode().put("msg", "error").put("reason", "Must connect first"));
            return;
        }
        switch (msg) {
            case "connect" -> {
                if (!"1".equals(f.path("version").asText())) {
                    send(c, World.JSON.createObjectNode().put("msg", "failed").put("version", "1"));
                    return;
                }
                c.connected = true;
                send(c, World.JSON.createObjectNode().put("msg", "connected").put("session", c.session));
            }
            case "ping" -> {
                ObjectNode pong = World.JSON.createObjectNode().put("msg", "pong");
                if (f.has("id")) {
                    pong.put("id", f.get("id").asText());
                }
                send(c, pong);
            }
            case "pong" -> pongs++;
            case "method" -> method(c, f);
            case "sub" -> sub(c, f);
            case "unsub" -> {
                c.subs.values().removeIf(id -> id.equals(f.path("id").asText()));
                send(c, World.JSON.createObjectNode().put("msg", "nosub").put("id", f.path("id").asText()));
            }
            default -> send(c, World.JSON.createObjectNode().put("msg", "error").put("reason", "Bad request")
                    .put("offendingMessage", text));
        }
    }

    private void method(Connection c, JsonNode f) {
        String id = f.path("id").asText();
        ObjectNode result = World.JSON.createObjectNode().put("msg", "result").put("id", id);
        if (!"login".equals(f.path("method").asText())) {
            ObjectNode e = result.putObject("error");
            e.put("error", 404).put("reason", "Method '" + f.path("method").asText() + "' not found")
                    .put("message", "Method '" + f.path("method").asText() + "' not found [404]").put("errorType", "Meteor.Error");
            send(c, result);
            return;
        }
        String resume = f.path("params").path(0).path("resume").asText("");
        if (!resume.equals(world.botToken)) {
            ObjectNode e = result.putObject("error");
            e.put("error", 403).put("reason", "You've been logged out by the server. Please log in again.")
                    .put("message", "You've been logged out by the server. Please log in again. [403]")
                    .put("errorType", "Meteor.Error");
            send(c, result);
            return;
        }
        c.loggedIn = true;
        ObjectNode r = result.putObject("result");
        r.put("id", world.bot.id()).put("token", world.botToken).put("type", "resume");
        r.putObject("tokenExpires").put("$date", System.currentTimeMillis() + 90L * 24 * 3600 * 1000);
        send(c, result);
    }

    private void sub(Connection c, JsonNode f) {
        String id = f.path("id").asText();
        String name = f.path("name").asText();
        String param = f.path("params").path(0).asText("");
        String rid = param.contains("/") ? param.substring(0, param.indexOf('/')) : param;
        boolean own = name.equals("stream-notify-user")
                && (param.equals(world.bot.id() + "/rooms-changed") || param.equals(world.bot.id() + "/subscriptions-changed"));
        boolean known = (name.equals("stream-room-messages") && !param.contains("/"))
                || (name.equals("stream-notify-room") && param.endsWith("/deleteMessage"));
        if (!c.loggedIn || !(own || known && world.rooms.containsKey(rid))) {
            ObjectNode nosub = World.JSON.createObjectNode().put("msg", "nosub").put("id", id);
            nosub.putObject("error").put("isClientSafe", true).put("error", "not-allowed").put("reason", "Not allowed")
                    .put("message", "Not allowed [not-allowed]").put("errorType", "Meteor.Error");
            send(c, nosub);
            return;
        }
        c.subs.put(name + " " + param, id);
        ObjectNode ready = World.JSON.createObjectNode().put("msg", "ready");
        ready.putArray("subs").add(id);
        send(c, ready);
    }

    /** A new or changed message, to the subscribers of its room. */
    void messageChanged(World.Msg m) {
        stream("stream-room-messages", m.rid, world.json(m, true));
    }

    void messageDeleted(World.Msg m) {
        stream("stream-notify-room", m.rid + "/deleteMessage", World.JSON.createObjectNode().put("_id", m.id));
    }

    /**
     * One of the bot's rooms changed ({@code "updated"}) or was deleted ({@code "removed"}), as
     * Rocket.Chat tells a member on {@code stream-notify-user "<uid>/rooms-changed"}: {@code [action, room]}.
     */
    void roomChanged(String action, World.Room r) {
        if (r.botMember) {
            streamArgs("stream-notify-user", world.bot.id() + "/rooms-changed", World.JSON.createArrayNode().add(action).add(r.json()));
        }
    }

    /** The bot's subscription to a room changed or was removed: {@code "<uid>/subscriptions-changed"}, {@code [action, subscription]}. */
    void subscriptionChanged(String action, World.Room r) {
        if (r.botMember) {
            streamArgs("stream-notify-user", world.bot.id() + "/subscriptions-changed",
                    World.JSON.createArrayNode().add(action).add(world.subscription(r)));
        }
    }

    private void stream(String collection, String eventName, ObjectNode arg) {
        streamArgs(collection, eventName, World.JSON.createArrayNode().add(arg));
    }

    private void streamArgs(String collection, String eventName, com.fasterxml.jackson.databind.node.ArrayNode args) {
        for (Connection c : new ArrayList<>(connections)) {
            String sub = c.subs.get(collection + " " + eventName);
            if (sub == null) {
                continue;
            }
            ObjectNode changed = World.JSON.createObjectNode().put("msg", "changed").put("collection", collection)
                    .put("id", "id");
            ObjectNode fields = changed.putObject("fields");
            fields.put("eventName", eventName);
            fields.set("args", args.deepCopy());
            send(c, changed);
        }
    }

    /** Sends a server ping to every connection (a client must answer {@code pong}). */
    void pingAll() {
        for (Connection c : new ArrayList<>(connections)) {
            send(c, World.JSON.createObjectNode().put("msg", "ping"));
        }
    }

    int subscribers(String rid) {
        int n = 0;
        for (Connection c : connections) {
            if (c.subs.containsKey("stream-room-messages " + rid)) {
                n++;
            }
        }
        return n;
    }

    int connectedClients() {
        return (int) connections.stream().filter(c -> c.loggedIn).count();
    }

    /** Tears the TCP connections down without a close frame. */
    void dropAll() {
        for (Connection c : new ArrayList<>(connections)) {
            if (c.socket instanceof okhttp3.internal.ws.RealWebSocket real) {
                real.failWebSocket(new java.io.IOException("connection dropped by the fake Rocket.Chat"), null, false);
            } else {
                c.socket.cancel();
            }
            connections.remove(c);
        }
    }

    private void send(Connection c, ObjectNode frame) {
        String text = frame.toString();
        frames.add("-> " + text);
        c.socket.send(text);
    }
}
