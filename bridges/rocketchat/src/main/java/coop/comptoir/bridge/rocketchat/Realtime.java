package coop.comptoir.bridge.rocketchat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import org.slf4j.Logger;

/**
 * The realtime API client: DDP over the WebSocket at {@code /websocket} ({@code connect}, {@code login}
 * with the token as {@code resume}, one {@code stream-room-messages} and one
 * {@code stream-notify-room "<rid>/deleteMessage"} subscription per room, the bot's own
 * {@code stream-notify-user "<uid>/rooms-changed"} and {@code "<uid>/subscriptions-changed"} (rooms
 * renamed, archived or deleted; the bot let into or out of a room), {@code pong} to every
 * {@code ping}). A lost connection is opened again after a growing delay (1 s doubling up to 60 s);
 * the listener hears {@link Listener#up} once every subscription is ready, so that catch-up starts
 * when live messages already flow. Listener calls come from OkHttp's reader thread, in frame order.
 */
final class Realtime {
    /** What the connector hears. Must not throw. */
    interface Listener {
        /** A message created, edited or reacted to, as streamed (dates as {@code {"$date": ms}}). */
        void message(JsonNode message);

        void deleted(String roomId, String messageId);

        /**
         * One of the bot's rooms changed ({@code "updated"}, {@code "inserted"}: the whole room object,
         * name, {@code fname}, topic, {@code archived}) or was deleted ({@code "removed"}).
         */
        void roomChanged(String action, JsonNode room);

        /** The bot's subscription to a room ({@code rid}) changed, or it left or was removed from it ({@code "removed"}). */
        void subscriptionChanged(String action, JsonNode subscription);

        /** Logged in and every subscription ready. */
        void up();

        /** The connection is lost (or login refused); reconnection is under way unless closed. */
        void down(String why);
    }

    private static final Duration MAX_BACKOFF = Duration.ofSeconds(60);

    private final OkHttpClient http;
    private final String url;
    private final String token;
    private final String userId;
    private final Logger log;
    private final Listener listener;
    private final ScheduledExecutorService timer;
    private final Set<String> rooms = new LinkedHashSet<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final CountDownLatch firstLogin = new CountDownLatch(1);
    private volatile String loginError;
    private WebSocket socket;
    private int generation;
    private boolean loggedIn;
    private boolean closed;
    private final Set<String> pendingSubs = new HashSet<>();
    private Duration backoff = Duration.ofSeconds(1);

    Realtime(OkHttpClient http, String serverUrl, String userId, String token, Logger log, Listener listener,
             ScheduledExecutorService timer) {
        this.http = http.newBuilder().pingInterval(Duration.ofSeconds(20)).readTimeout(Duration.ZERO).build();
        this.url = serverUrl.replaceFirst("^http", "ws") + "/websocket";
        this.token = token;
        this.userId = userId;
        this.log = log;
        this.listener = listener;
        this.timer = timer;
    }

    /**
     * Opens the connection; waits up to {@code wait} until logged in with every subscription ready
     * (so that nothing posted after {@code start} returns is missed). Returns the login error, if refused.
     */
    String start(Duration wait) throws InterruptedException {
        open();
        firstLogin.await(wait.toMillis(), TimeUnit.MILLISECONDS);
        return loginError;
    }

    /** Adds a room to follow (now if connected, else at the next connection). */
    synchronized void follow(String roomId) {
        if (rooms.add(roomId) && loggedIn) {
            subscribe(roomId);
        }
    }

    synchronized boolean follows(String roomId) {
        return rooms.contains(roomId);
    }

    synchronized boolean isUp() {
        return loggedIn && pendingSubs.isEmpty();
    }

    void close() {
        WebSocket s;
        synchronized (this) {
            closed = true;
            s = socket;
        }
        if (s != null) {
            s.close(1000, "closing");
        }
    }

    private synchronized void open() {
        if (closed) {
            return;
        }
        int gen = ++generation;
        loggedIn = false;
        pendingSubs.clear();
        socket = http.newWebSocket(new Request.Builder().url(url).build(), new Handler(gen));
    }

    private final class Handler extends WebSocketListener {
        private final int gen;

        Handler(int gen) {
            this.gen = gen;
        }

        @Override
        public void onOpen(WebSocket ws, Response response) {
            send(ws, RocketRest.JSON.createObjectNode().put("msg", "connect").put("version", "1")
                    .set("support", RocketRest.JSON.createArrayNode().add("1")));
        }

        @Override
        public void onMessage(WebSocket ws, String text) {
            synchronized (Realtime.this) {
                if (gen != generation) {
                    return;
                }
            }
            JsonNode f;
            try {
                f = RocketRest.JSON.readTree(text);
            } catch (IOException e) {
                log.warn("Rocket.Chat sent a frame that is not JSON; ignored");
                return;
            }
            switch (f.path("msg").asText("")) {
                case "connected" -> {
                    ObjectNode login = RocketRest.JSON.createObjectNode().put("msg", "method").put("method", "login")
                            .put("id", "login-" + ids.incrementAndGet());
                    login.putArray("params").addObject().put("resume", token);
                    send(ws, login);
                }
                case "ping" -> {
                    ObjectNode pong = RocketRest.JSON.createObjectNode().put("msg", "pong");
                    if (f.has("id")) {
                        pong.put("id", f.get("id").asText());
                    }
                    send(ws, pong);
                }
                case "result" -> {
                    if (f.path("id").asText().startsWith("login-")) {
                        loginResult(ws, f);
                    }
                }
                case "ready" -> ready(f);
                case "nosub" -> {
                    if (f.has("error")) {
                        log.warn("Rocket.Chat refused a subscription: {}", f.path("error").path("message").asText());
                        synchronized (Realtime.this) {
                            pendingSubs.remove(f.path("id").asText());
                        }
                        ready(RocketRest.JSON.createObjectNode());
                    }
                }
                case "changed" -> changed(f);
                case "failed" -> ws.close(1000, "protocol version refused");
                default -> { }
            }
        }

        @Override
        public void onClosing(WebSocket ws, int code, String reason) {
            ws.close(1000, null);
            lost("closed by the server (" + code + ")");
        }

        @Override
        public void onClosed(WebSocket ws, int code, String reason) {
            lost("closed (" + code + ")");
        }

        @Override
        public void onFailure(WebSocket ws, Throwable t, Response response) {
            lost(response != null ? "WebSocket refused (" + response.code() + ")" : "connection lost (" + t.getClass().getSimpleName() + ")");
        }

        private void lost(String why) {
            Duration wait;
            synchronized (Realtime.this) {
                if (gen != generation || closed) {
                    return;
                }
                generation++; // later callbacks of this socket are ignored
                loggedIn = false;
                wait = backoff;
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
            log.warn("Rocket.Chat realtime connection lost: {}; reconnecting in {} s", why, wait.toSeconds());
            listener.down(why);
            timer.schedule(Realtime.this::open, wait.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void loginResult(WebSocket ws, JsonNode f) {
        if (f.has("error")) {
            loginError = "Rocket.Chat refused the token (" + f.path("error").path("error").asText() + " "
                    + f.path("error").path("reason").asText() + "): check user_id and token";
            firstLogin.countDown();
            ws.close(1000, "login refused");
            return;
        }
        synchronized (this) {
            loggedIn = true;
            backoff = Duration.ofSeconds(1);
            loginError = null;
            subscribeUser("rooms-changed");
            subscribeUser("subscriptions-changed");
            for (String rid : rooms) {
                subscribe(rid);
            }
        }
        ready(RocketRest.JSON.createObjectNode());
    }

    /** Callers hold the monitor. */
    private void subscribe(String rid) {
        String a = "sub-" + ids.incrementAndGet();
        String b = "sub-" + ids.incrementAndGet();
        pendingSubs.add(a);
        pendingSubs.add(b);
        ObjectNode messages = RocketRest.JSON.createObjectNode().put("msg", "sub").put("id", a).put("name", "stream-room-messages");
        messages.putArray("params").add(rid).add(false);
        ObjectNode deletions = RocketRest.JSON.createObjectNode().put("msg", "sub").put("id", b).put("name", "stream-notify-room");
        deletions.putArray("params").add(rid + "/deleteMessage").add(false);
        send(socket, messages);
        send(socket, deletions);
    }

    /** The bot's own user stream for {@code event}. Callers hold the monitor. */
    private void subscribeUser(String event) {
        String id = "sub-" + ids.incrementAndGet();
        pendingSubs.add(id);
        ObjectNode sub = RocketRest.JSON.createObjectNode().put("msg", "sub").put("id", id).put("name", "stream-notify-user");
        sub.putArray("params").add(userId + "/" + event).add(false);
        send(socket, sub);
    }

    private void ready(JsonNode f) {
        boolean nowUp;
        synchronized (this) {
            for (JsonNode id : f.path("subs")) {
                pendingSubs.remove(id.asText());
            }
            nowUp = loggedIn && pendingSubs.isEmpty();
        }
        if (nowUp) {
            listener.up();
            firstLogin.countDown(); // start() returns once live messages flow
        }
    }

    private void changed(JsonNode f) {
        JsonNode fields = f.path("fields");
        String event = fields.path("eventName").asText("");
        JsonNode arg = fields.path("args").path(0);
        switch (f.path("collection").asText("")) {
            case "stream-room-messages" -> listener.message(arg);
            case "stream-notify-room" -> {
                if (event.endsWith("/deleteMessage")) {
                    listener.deleted(event.substring(0, event.indexOf('/')), arg.path("_id").asText());
                }
            }
            case "stream-notify-user" -> {
                // args: [action, object]
                JsonNode object = fields.path("args").path(1);
                if (event.equals(userId + "/rooms-changed") && object.isObject()) {
                    listener.roomChanged(arg.asText(""), object);
                } else if (event.equals(userId + "/subscriptions-changed") && object.isObject()) {
                    listener.subscriptionChanged(arg.asText(""), object);
                }
            }
            default -> { }
        }
    }

    private static void send(WebSocket ws, JsonNode frame) {
        if (ws != null) {
            ws.send(frame.toString());
        }
    }
}
