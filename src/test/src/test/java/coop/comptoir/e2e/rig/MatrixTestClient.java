package coop.comptoir.e2e.rig;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;

/**
 * A homeserver user driven through the client-server API, as a person with a chat app would:
 * create rooms, invite, send messages, and wait (with {@code /sync}) for what arrives.
 *
 * <p>Not thread-safe for {@link #awaitEvent}: use one client per thread that waits. Sending from
 * another thread is fine.
 */
public final class MatrixTestClient {
    private static final Duration SYNC_POLL = Duration.ofSeconds(5);
    private static final String SYNC_FILTER = "{\"room\":{\"timeline\":{\"limit\":200}},"
            + "\"presence\":{\"not_types\":[\"*\"]},\"account_data\":{\"not_types\":[\"*\"]}}";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final OkHttpClient http;
    private final HttpUrl base;
    private final String userId;
    private final String accessToken;
    private final AtomicLong transactions = new AtomicLong();
    /** Timeline events seen by /sync, per room, in arrival order. */
    private final Map<String, List<JsonNode>> seen = Collections.synchronizedMap(new LinkedHashMap<>());
    /** Rooms this user was invited to, per {@code /sync}, with the invite's stripped state. */
    private final Map<String, JsonNode> invites = Collections.synchronizedMap(new LinkedHashMap<>());
    private String since;

    private MatrixTestClient(String homeserverUrl, String userId, String accessToken) {
        this.http = Http.CLIENT;
        this.base = HttpUrl.get(homeserverUrl);
        this.userId = userId;
        this.accessToken = accessToken;
    }

    /**
     * Registers a user through the shared-secret admin API ({@code /_synapse/admin/v1/register}, which
     * Dendrite implements too) and returns a client logged in as that user.
     */
    public static MatrixTestClient register(Homeserver synapse, String localpart) {
        HttpUrl url = HttpUrl.get(synapse.url()).newBuilder()
                .addPathSegments("_synapse/admin/v1/register").build();
        Http.Answer nonceAnswer = Http.call(new Request.Builder().url(url).build());
        if (nonceAnswer.status() != 200) {
            throw new MatrixFailure("GET " + url, nonceAnswer);
        }
        String nonce = nonceAnswer.json().path("nonce").asText();
        String password = HexFormat.of().formatHex(randomBytes(12));
        ObjectNode body = Http.object()
                .put("nonce", nonce)
                .put("username", localpart)
                .put("password", password)
                .put("admin", false)
                .put("mac", registrationMac(synapse.sharedSecret(), nonce, localpart, password));
        Http.Answer answer = Http.call(new Request.Builder().url(url).post(json(body)).build());
        if (answer.status() != 200) {
            throw new MatrixFailure("POST " + url + " for " + localpart, answer);
        }
        JsonNode registered = answer.json();
        return new MatrixTestClient(synapse.url(), registered.path("user_id").asText(),
                registered.path("access_token").asText());
    }

    /** Logs in with a password ({@code m.login.password}) as a user someone else registered. */
    public static MatrixTestClient login(String homeserverUrl, String localpart, String password) {
        HttpUrl url = HttpUrl.get(homeserverUrl).newBuilder().addPathSegments("_matrix/client/v3/login").build();
        ObjectNode body = Http.object().put("type", "m.login.password").put("password", password);
        body.putObject("identifier").put("type", "m.id.user").put("user", localpart);
        Http.Answer answer = Http.call(new Request.Builder().url(url).post(json(body)).build());
        if (answer.status() != 200) {
            throw new MatrixFailure("POST " + url + " for " + localpart, answer);
        }
        return new MatrixTestClient(homeserverUrl, answer.json().path("user_id").asText(),
                answer.json().path("access_token").asText());
    }

    /** Hex HMAC-SHA1, keyed with the shared secret, of {@code nonce\0user\0password\0notadmin}. */
    static String registrationMac(String secret, String nonce, String user, String password) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            String message = nonce + '\0' + user + '\0' + password + '\0' + "notadmin";
            return HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 unavailable", e);
        }
    }

    public String userId() {
        return userId;
    }

    /** This user's access token (tests check it never shows up where it should not). */
    public String accessToken() {
        return accessToken;
    }

    /** Creates a private room, inviting the given users; returns the room ID. */
    public String createRoom(String... invitees) {
        ObjectNode body = Http.object().put("preset", "private_chat");
        var invite = body.putArray("invite");
        for (String invitee : invitees) {
            invite.add(invitee);
        }
        return createRoom(body);
    }

    /** Creates a room from a full {@code /createRoom} body; returns the room ID. */
    public String createRoom(ObjectNode body) {
        return post(path("createRoom"), body).path("room_id").asText();
    }

    public void invite(String roomId, String invitee) {
        post(path("rooms", roomId, "invite"), Http.object().put("user_id", invitee));
    }

    /** Joins a room by ID or alias; returns the room ID. */
    public String join(String roomIdOrAlias) {
        return post(path("join", roomIdOrAlias), Http.object()).path("room_id").asText();
    }

    public void leave(String roomId) {
        post(path("rooms", roomId, "leave"), Http.object());
    }

    /** Sends an {@code m.text} message; returns its event ID. */
    public String sendText(String roomId, String text) {
        return sendEvent(roomId, "m.room.message", Http.object().put("msgtype", "m.text").put("body", text));
    }

    /** Sends a message event of any type; returns its event ID. */
    public String sendEvent(String roomId, String type, JsonNode content) {
        String txnId = "e2e-" + transactions.incrementAndGet() + "-" + System.nanoTime();
        return put(path("rooms", roomId, "send", type, txnId), content).path("event_id").asText();
    }

    /**
     * Sends a message event whose JSON text is given as it is (e.g. with escapes a JSON library would
     * not write); returns Synapse's answer, whatever its status.
     */
    public Http.Answer sendEventRaw(String roomId, String type, String json) {
        String txnId = "e2e-" + transactions.incrementAndGet() + "-" + System.nanoTime();
        return call(new Request.Builder().url(path("rooms", roomId, "send", type, txnId))
                .put(RequestBody.create(json, Http.JSON_TYPE)));
    }

    /**
     * Sends an {@code m.text} message as a person's client does when the homeserver is away: the
     * same transaction ID is sent again (every second) while the homeserver cannot be reached or
     * answers 5xx, so the message is created once, in the order of the calls; gives up after
     * {@code patience}. Returns its event ID.
     */
    public String sendTextQueued(String roomId, String text, Duration patience) throws InterruptedException {
        String txnId = "e2e-" + transactions.incrementAndGet() + "-" + System.nanoTime();
        HttpUrl url = path("rooms", roomId, "send", "m.room.message", txnId);
        JsonNode content = Http.object().put("msgtype", "m.text").put("body", text);
        Instant deadline = Instant.now().plus(patience);
        while (true) {
            String problem;
            try {
                Http.Answer answer = call(new Request.Builder().url(url).put(json(content)));
                if (answer.status() == 200) {
                    return answer.json().path("event_id").asText();
                }
                if (answer.status() < 500) {
                    throw new MatrixFailure("PUT " + url.encodedPath() + " as " + userId, answer);
                }
                problem = answer.toString();
            } catch (java.io.UncheckedIOException e) {
                problem = e.getMessage();
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("message not accepted within " + patience.toSeconds() + " s: " + problem);
            }
            Thread.sleep(1000);
        }
    }

    /** Sends a state event; returns its event ID. */
    public String sendState(String roomId, String type, String stateKey, JsonNode content) {
        return put(path("rooms", roomId, "state", type, stateKey), content).path("event_id").asText();
    }

    /** The content of a state event of the room, or empty when the room has none of that type and key. */
    public Optional<JsonNode> state(String roomId, String type, String stateKey) {
        Http.Answer answer = call(new Request.Builder().url(path("rooms", roomId, "state", type, stateKey)));
        if (answer.status() == 404 && "M_NOT_FOUND".equals(answer.errcode())) {
            return Optional.empty();
        }
        return Optional.of(expectOk("GET state " + type + " of " + roomId, answer));
    }

    /** Redacts an event; returns the redaction's event ID. */
    public String redact(String roomId, String eventId) {
        String txnId = "e2e-" + transactions.incrementAndGet() + "-" + System.nanoTime();
        return put(path("rooms", roomId, "redact", eventId, txnId), Http.object()).path("event_id").asText();
    }

    /** Uploads a file to the media repository; returns its {@code mxc://} URI. */
    public String upload(byte[] data, String contentType, String fileName) {
        HttpUrl url = base.newBuilder().addPathSegments("_matrix/media/v3/upload").addQueryParameter("filename", fileName).build();
        return expectOk("POST " + url.encodedPath(), call(new Request.Builder().url(url)
                .post(RequestBody.create(data, okhttp3.MediaType.get(contentType))))).path("content_uri").asText();
    }

    /** Downloads a file of the media repository ({@code mxc://server/id}). */
    public byte[] download(String mxc) {
        String[] parts = mxc.substring("mxc://".length()).split("/", 2);
        HttpUrl url = base.newBuilder().addPathSegments("_matrix/client/v1/media/download").addPathSegment(parts[0])
                .addPathSegment(parts[1]).build();
        try (okhttp3.Response r = http.newCall(new Request.Builder().url(url).header("Authorization", "Bearer " + accessToken)
                .build()).execute()) {
            if (r.code() != 200) {
                throw new IllegalStateException("GET " + url.encodedPath() + " answered " + r.code());
            }
            return r.body().bytes();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public void setDisplayName(String displayName) {
        put(path("profile", userId, "displayname"), Http.object().put("displayname", displayName));
    }

    public void setAvatarUrl(String mxc) {
        put(path("profile", userId, "avatar_url"), Http.object().put("avatar_url", mxc));
    }

    /** A user's display name, or empty when the user has none or does not exist. */
    public Optional<String> displayName(String user) {
        Http.Answer answer = call(new Request.Builder().url(path("profile", user, "displayname")));
        if (answer.status() == 404) {
            return Optional.empty();
        }
        if (answer.status() != 200) {
            throw new MatrixFailure("GET displayname of " + user, answer);
        }
        return Optional.ofNullable(answer.json().path("displayname").textValue());
    }

    /** The room's members whose membership is {@code join}, from {@code /joined_members}. */
    public List<String> joinedMembers(String roomId) {
        JsonNode joined = get(path("rooms", roomId, "joined_members")).path("joined");
        List<String> members = new ArrayList<>();
        joined.fieldNames().forEachRemaining(members::add);
        return members;
    }

    /**
     * Every event of the room this user may see, oldest first, paginated with {@code /messages}
     * (not {@code /sync}: that one may skip events of a busy room).
     */
    public List<JsonNode> roomMessages(String roomId) {
        List<JsonNode> newestFirst = new ArrayList<>();
        String from = null;
        while (true) {
            HttpUrl.Builder url = path("rooms", roomId, "messages").newBuilder()
                    .addQueryParameter("dir", "b")
                    .addQueryParameter("limit", "500");
            if (from != null) {
                url.addQueryParameter("from", from);
            }
            JsonNode page = get(url.build());
            JsonNode chunk = page.path("chunk");
            chunk.forEach(newestFirst::add);
            String end = page.path("end").asText(null);
            if (end == null || chunk.isEmpty() || end.equals(from)) {
                break;
            }
            from = end;
        }
        Collections.reverse(newestFirst);
        return newestFirst;
    }

    /**
     * Waits for a timeline event of the room that matches, long-polling {@code /sync}. Events seen
     * by earlier calls count too, so the event may have arrived before this call.
     *
     * @return the first matching event
     * @throws AssertionError after the timeout, listing the events seen in that room
     */
    public JsonNode awaitEvent(String roomId, Predicate<JsonNode> matching, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            Optional<JsonNode> match = seenEvents(roomId).stream().filter(matching).findFirst();
            if (match.isPresent()) {
                return match.get();
            }
            Duration left = Duration.between(Instant.now(), deadline);
            if (left.isNegative() || left.isZero()) {
                throw new AssertionError("no matching event in " + roomId + " within " + timeout.toSeconds()
                        + " s; " + userId + " saw:\n" + describe(seenEvents(roomId)));
            }
            sync(left.compareTo(SYNC_POLL) < 0 ? left : SYNC_POLL);
        }
    }

    /**
     * Sends {@code command} to the room until {@code bot} answers it with a notice that contains
     * {@code expected}, waiting {@code eachTry} for each answer, six tries at most. For the first
     * command after Comptoir starts: it was once seen left unanswered in this suite (not explained
     * yet), and a test should not count on that one. The command must be harmless to repeat.
     *
     * @return the answer
     * @throws AssertionError when the sixth try is not answered either
     */
    public JsonNode sendUntilAnswered(String roomId, String bot, String command, String expected, Duration eachTry) {
        for (int i = 0; ; i++) {
            String id = sendText(roomId, command);
            try {
                return awaitEvent(roomId, Events.noticeReply(bot, id, expected), eachTry);
            } catch (AssertionError e) {
                if (i == 5) {
                    throw e;
                }
            }
        }
    }

    /** The rooms of a space as this user sees them (what Element shows), from {@code /hierarchy}, the space first. */
    public List<JsonNode> spaceHierarchy(String spaceId) {
        HttpUrl url = base.newBuilder().addPathSegments("_matrix/client/v1/rooms").addPathSegment(spaceId)
                .addPathSegment("hierarchy").build();
        List<JsonNode> rooms = new ArrayList<>();
        get(url).path("rooms").forEach(rooms::add);
        return rooms;
    }

    /** The timeline events of a room that {@code /sync} delivered so far, oldest first. */
    public List<JsonNode> seenEvents(String roomId) {
        synchronized (seen) {
            return List.copyOf(seen.getOrDefault(roomId, List.of()));
        }
    }

    /** One {@code /sync} call; new timeline events of joined rooms go to {@link #seenEvents}. */
    public void sync(Duration wait) {
        HttpUrl.Builder url = path("sync").newBuilder()
                .addQueryParameter("filter", SYNC_FILTER)
                .addQueryParameter("timeout", Long.toString(since == null ? 0 : wait.toMillis()));
        if (since != null) {
            url.addQueryParameter("since", since);
        }
        JsonNode answer = get(url.build());
        for (Map.Entry<String, JsonNode> room : answer.path("rooms").path("join").properties()) {
            List<JsonNode> events = new ArrayList<>();
            room.getValue().path("timeline").path("events").forEach(events::add);
            synchronized (seen) {
                seen.computeIfAbsent(room.getKey(), k -> new ArrayList<>()).addAll(events);
            }
        }
        for (Map.Entry<String, JsonNode> room : answer.path("rooms").path("invite").properties()) {
            invites.put(room.getKey(), room.getValue().path("invite_state"));
        }
        since = answer.path("next_batch").asText();
    }

    /**
     * Waits for an invitation, long-polling {@code /sync}; returns the room ID and the invite's
     * stripped state events.
     */
    public Map.Entry<String, JsonNode> awaitInvite(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            synchronized (invites) {
                if (!invites.isEmpty()) {
                    return Map.entry(invites.keySet().iterator().next(), invites.values().iterator().next());
                }
            }
            Duration left = Duration.between(Instant.now(), deadline);
            if (left.isNegative() || left.isZero()) {
                throw new AssertionError(userId + " got no invitation within " + timeout.toSeconds() + " s");
            }
            sync(left.compareTo(SYNC_POLL) < 0 ? left : SYNC_POLL);
        }
    }

    /** One line per event: sender, type, and the body or membership. */
    public static String describe(List<JsonNode> events) {
        if (events.isEmpty()) {
            return "  (nothing)";
        }
        return events.stream().map(MatrixTestClient::describe).collect(Collectors.joining("\n"));
    }

    public static String describe(JsonNode event) {
        JsonNode content = event.path("content");
        String detail = content.has("membership")
                ? event.path("state_key").asText() + " " + content.path("membership").asText()
                : content.has("body") ? content.path("msgtype").asText() + " \"" + content.path("body").asText() + "\""
                : "";
        return "  " + event.path("event_id").asText() + " " + event.path("sender").asText() + " "
                + event.path("type").asText() + " " + detail;
    }

    private HttpUrl path(String... segments) {
        HttpUrl.Builder url = base.newBuilder().addPathSegments("_matrix/client/v3");
        for (String segment : segments) {
            url.addPathSegment(segment);
        }
        return url.build();
    }

    private JsonNode get(HttpUrl url) {
        return expectOk("GET " + url.encodedPath(), call(new Request.Builder().url(url)));
    }

    private JsonNode post(HttpUrl url, JsonNode body) {
        return expectOk("POST " + url.encodedPath(), call(new Request.Builder().url(url).post(json(body))));
    }

    private JsonNode put(HttpUrl url, JsonNode body) {
        return expectOk("PUT " + url.encodedPath(), call(new Request.Builder().url(url).put(json(body))));
    }

    private Http.Answer call(Request.Builder request) {
        return Http.call(http, request.header("Authorization", "Bearer " + accessToken).build());
    }

    private JsonNode expectOk(String what, Http.Answer answer) {
        if (answer.status() != 200) {
            throw new MatrixFailure(what + " as " + userId, answer);
        }
        return answer.json();
    }

    private static RequestBody json(JsonNode body) {
        return RequestBody.create(body.toString(), Http.JSON_TYPE);
    }

    private static byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    /** A client-server call that did not answer 200. */
    public static final class MatrixFailure extends RuntimeException {
        private final transient Http.Answer answer;

        MatrixFailure(String what, Http.Answer answer) {
            super(what + " answered " + answer);
            this.answer = answer;
        }

        public Http.Answer answer() {
            return answer;
        }
    }
}
