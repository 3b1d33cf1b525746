package coop.comptoir.bridge.rocketchat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.api.id.UserId;
import coop.comptoir.api.text.TextSettings;
import coop.comptoir.bridge.api.BackfillCapable;
import coop.comptoir.bridge.api.BridgeException;
import coop.comptoir.bridge.api.BridgeHost;
import coop.comptoir.bridge.api.DeleteCapable;
import coop.comptoir.bridge.api.EditCapable;
import coop.comptoir.bridge.api.MatrixSender;
import coop.comptoir.bridge.api.MediaCapable;
import coop.comptoir.bridge.api.ModerationCapable;
import coop.comptoir.bridge.api.NetworkConnector;
import coop.comptoir.bridge.api.NoticeCapable;
import coop.comptoir.bridge.api.OutgoingAttachment;
import coop.comptoir.bridge.api.OutgoingRemoteMessage;
import coop.comptoir.bridge.api.ReactionCapable;
import coop.comptoir.bridge.api.RemoteChannel;
import coop.comptoir.bridge.api.RemoteChannelId;
import coop.comptoir.bridge.api.RemoteEvent;
import coop.comptoir.bridge.api.RemoteMessageId;
import coop.comptoir.bridge.api.RemoteStructure;
import coop.comptoir.bridge.api.SentLookupCapable;
import coop.comptoir.bridge.api.StructureCapable;
import coop.comptoir.bridge.api.SubChannelCapable;
import coop.comptoir.bridge.rocketchat.format.RocketText;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Predicate;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;

/**
 * The Rocket.Chat side of a bridge: receives through the realtime API ({@link Realtime}), sends
 * through REST ({@link RocketRest}). A Matrix message becomes a {@code chat.sendMessage} whose
 * {@code _id} is derived from the Matrix event ({@link MessageIds}), so a retry never posts twice.
 * Matrix senders are shown with {@code alias} + {@code avatar}; when the bot lacks
 * {@code message-impersonate} (Rocket.Chat answers 400), messages are sent as "**Name**: text"
 * instead and {@code !bridge status} says so.
 */
public final class RocketChatConnector implements NetworkConnector, EditCapable, DeleteCapable, ReactionCapable,
        MediaCapable, BackfillCapable, SentLookupCapable, SubChannelCapable, StructureCapable, NoticeCapable,
        ModerationCapable {
    /** The connector's ID: {@code type: rocketchat}, {@code !bridge link rocketchat …}, ghosts {@code _rocketchat_…}. */
    static final String NETWORK = "rocketchat";
    static final int OLDEST_SUPPORTED = 6;
    static final int NEWEST_TESTED = 8;
    /** Rocket.Chat's default {@code Message_MaxAllowedSize}. */
    static final int MAX_TEXT = 5000;

    private final RocketChatConfig config;
    private final Logger log;
    private final RocketText text;
    private final RocketChatTexts texts;
    private final RocketRest rest;
    private final Discussions discussions;
    private final Structure structure;
    private final OkHttpClient http;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "rocketchat-reconnect");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, JsonNode> rooms = new ConcurrentHashMap<>();
    private final Users users;
    private volatile BridgeHost host;
    private volatile Realtime realtime;
    private volatile Incoming incoming;
    private volatile History history;
    private volatile RoomChanges roomChanges;
    private volatile String version = "?";
    private volatile boolean impersonationRefused;
    private volatile boolean up;
    private volatile boolean roomsListed;
    private volatile String botUsername;

    /** @param texts the language people are told things in (the section's, else the top-level one) */
    public RocketChatConnector(RocketChatConfig config, OkHttpClient http, Logger log, RocketText text, TextSettings texts) {
        this.texts = RocketChatTexts.of(texts);
        this.config = config;
        this.log = log;
        this.text = text;
        this.http = http;
        this.rest = new RocketRest(http, config.server(), config.userId(), config.token());
        this.users = new Users(rest, log);
        this.discussions = new Discussions(rest, config.server());
        this.structure = new Structure(rest, log);
    }

    @Override
    public String network() {
        return NETWORK;
    }

    @Override
    public String displayName() {
        return "Rocket.Chat";
    }

    @Override
    public void start(BridgeHost host) throws Exception {
        this.host = host;
        boolean reachable = checkVersion();
        this.incoming = new Incoming(config.userId(), this::botUsername, config.server(), text, host, users);
        this.history = new History(rest, incoming);
        this.roomChanges = new RoomChanges(rooms, rest, log, host, timer);
        this.realtime = new Realtime(http, config.server(), config.userId(), config.token(), log, new Listener(), timer);
        if (reachable) {
            try {
                botUsername = rest.get("/api/v1/users.info", "userId", config.userId()).path("user").path("username").asText(null);
            } catch (RocketRest.Failure f) {
                if (!f.retryable()) {
                    throw new IllegalStateException(f.getMessage(), null);
                }
            }
            followRooms();
        }
        // unreachable: the realtime client keeps trying; the rooms are listed once it is in
        String refused = realtime.start(reachable ? Duration.ofSeconds(60) : Duration.ofSeconds(5));
        if (refused != null) {
            realtime.close();
            throw new IllegalStateException(refused);
        }
    }

    /** Follows every channel and group the bot is in (the engine drops what is not linked); false if Rocket.Chat did not answer. */
    private boolean followRooms() {
        try {
            for (JsonNode room : rest.get("/api/v1/rooms.get").path("update")) {
                rooms.put(room.path("_id").asText(), room);
                if (room.path("t").asText().matches("[cp]")) {
                    realtime.follow(room.path("_id").asText());
                }
            }
            roomsListed = true;
            return true;
        } catch (RocketRest.Failure f) {
            log.warn("Could not list the bot's Rocket.Chat rooms ({}); trying again at the next connection", f.getMessage());
            return false;
        }
    }

    /** The bot's username (its reactions are its own echoes), looked up once Rocket.Chat answers. */
    private String botUsername() {
        String known = botUsername;
        if (known == null) {
            try {
                known = rest.get("/api/v1/users.info", "userId", config.userId()).path("user").path("username").asText(null);
                botUsername = known;
            } catch (RocketRest.Failure f) {
                log.debug("The bot's username is not known yet: {}", f.getMessage());
            }
        }
        return known == null ? "" : known;
    }

    /** Logs the version, refuses one too old; false when Rocket.Chat is not reachable (yet). */
    private boolean checkVersion() throws Exception {
        JsonNode info;
        try {
            info = rest.get("/api/info");
        } catch (RocketRest.Failure f) {
            if (f.retryable()) {
                log.warn("Rocket.Chat at {} is not reachable yet ({}); the bridge keeps trying", config.server(), f.getMessage());
                return false;
            }
            throw new IllegalStateException("Rocket.Chat at " + config.server() + " answered /api/info with " + f.status, null);
        }
        String v = info.path("version").asText("");
        if (v.isEmpty()) {
            log.info("Rocket.Chat at {} does not show its version to the bot; 6.x to 8.x are supported", config.server());
            return true;
        }
        version = v;
        int major = v.matches("\\d+(\\..*)?") ? Integer.parseInt(v.split("\\.")[0]) : -1;
        if (major < OLDEST_SUPPORTED) {
            throw new IllegalStateException("Rocket.Chat " + v + " at " + config.server() + " is too old for this bridge: "
                    + OLDEST_SUPPORTED + ".x to " + NEWEST_TESTED + ".x are supported");
        }
        if (major > NEWEST_TESTED) {
            log.warn("Rocket.Chat {} at {} is newer than the versions this bridge was tested with ({}.x to {}.x): it should work,"
                    + " please report what does not", v, config.server(), OLDEST_SUPPORTED, NEWEST_TESTED);
        } else {
            log.info("Rocket.Chat {} found at {}", v, config.server());
        }
        return true;
    }

    private final class Listener implements Realtime.Listener {
        @Override
        public void message(JsonNode message) {
            Optional<RemoteEvent.SubChannel> opened = discussions.announced(message);
            if (opened.isPresent()) {
                follow(opened.get().subChannel().id()); // its first messages may come before its Matrix room
                host.receive(opened.get());
                return;
            }
            for (RemoteEvent e : incoming.streamed(message)) {
                host.receive(e);
            }
        }

        @Override
        public void deleted(String roomId, String messageId) {
            host.receive(new RemoteEvent.Delete(new RemoteChannelId(roomId), new RemoteMessageId(messageId)));
        }

        @Override
        public void roomChanged(String action, JsonNode room) {
            roomChanges.roomChanged(action, room);
        }

        @Override
        public void subscriptionChanged(String action, JsonNode subscription) {
            roomChanges.subscriptionChanged(action, subscription);
        }

        @Override
        public void up() {
            if (!roomsListed && followRooms() && !realtime.isUp()) {
                return; // told again once the new subscriptions are ready, so catch-up starts with live messages flowing
            }
            if (!up) {
                up = true;
                host.connectionChanged(true, detail());
            }
        }

        @Override
        public void down(String why) {
            if (up) {
                up = false;
                host.connectionChanged(false, why);
            }
        }
    }

    /** Shown in {@code !bridge status}. */
    private String detail() {
        String d = texts.text("status.version", "version", version);
        return impersonationRefused ? d + " — " + texts.text("status.no.impersonation") : d;
    }

    /** The Rocket.Chat username a Matrix ghost stands for. */
    private Optional<String> usernameOf(UserId user) {
        return host.remoteUserOf(user).flatMap(remote -> users.byId(remote.value())).map(Users.Who::username);
    }

    private JsonNode room(RemoteChannelId id) throws RocketRest.Failure {
        JsonNode r = rooms.get(id.value());
        if (r == null) {
            r = rest.get("/api/v1/rooms.info", "roomId", id.value()).path("room");
            rooms.put(id.value(), r);
        }
        return r;
    }

    @Override
    public Optional<RemoteChannel> channel(RemoteChannelId id) throws BridgeException {
        try {
            JsonNode r = room(id);
            if (!r.path("t").asText().matches("[cp]")) {
                return Optional.empty(); // direct messages and livechat are not bridged
            }
            if (realtime != null) {
                realtime.follow(id.value());
            }
            return Optional.of(RoomChanges.remote(id.value(), r));
        } catch (RocketRest.Failure f) {
            if (f.retryable()) {
                throw f.toBridge();
            }
            return Optional.empty();
        }
    }

    @Override
    public List<RemoteMessageId> send(RemoteChannelId channel, OutgoingRemoteMessage message) throws BridgeException {
        follow(channel);
        String body = text.toRocket(message.content(), this::usernameOf);
        Optional<String> tmid = message.threadRoot().map(RemoteMessageId::value);
        if (!message.attachments().isEmpty()) {
            return sendFiles(channel, message, body, tmid);
        }
        if (message.replyTo().isPresent() && tmid.isEmpty()) {
            body = quoteLink(channel, message.replyTo().get()) + body;
        }
        List<RemoteMessageId> ids = new ArrayList<>();
        List<String> parts = split(body, MAX_TEXT - message.sender().displayName().length() - 10);
        for (int i = 0; i < parts.size(); i++) {
            int part = i;
            ObjectNode m = RocketRest.JSON.createObjectNode();
            message.origin().ifPresent(e -> m.put("_id", MessageIds.of(e, part)));
            m.put("rid", channel.value());
            tmid.ifPresent(t -> m.put("tmid", t));
            ids.add(new RemoteMessageId(post(m, message.sender(), parts.get(i))));
        }
        return ids;
    }

    /**
     * A text cut in parts Rocket.Chat accepts ({@code Message_MaxAllowedSize}, 5000 characters by
     * default, counted as JavaScript does: in UTF-16 units, so an emoji counts two), at line breaks,
     * else spaces, when it can; never inside a surrogate pair.
     */
    static List<String> split(String text, int max) {
        List<String> parts = new ArrayList<>();
        String rest = text;
        while (rest.length() > max) {
            int limit = Character.isLowSurrogate(rest.charAt(max)) ? max - 1 : max;
            int cut = rest.lastIndexOf('\n', limit);
            if (cut < max / 2) {
                cut = rest.lastIndexOf(' ', limit);
            }
            if (cut < max / 2) {
                cut = limit;
            }
            parts.add(rest.substring(0, cut).stripTrailing());
            rest = rest.substring(cut).stripLeading();
        }
        parts.add(rest);
        return parts;
    }

    /** Sends with alias/avatar, or as "**Name**: text" once Rocket.Chat refused the impersonation. */
    private String post(ObjectNode m, MatrixSender sender, String body) throws BridgeException {
        if (!impersonationRefused) {
            ObjectNode impersonated = m.deepCopy().put("msg", body).put("alias", sender.displayName());
            sender.avatar().ifPresent(a -> impersonated.put("avatar", a.toString()));
            try {
                return sent(impersonated);
            } catch (RocketRest.Failure f) {
                if (f.status != 400 || !refusedImpersonation(f)) {
                    throw f.toBridge();
                }
                refusedNow(f);
            }
        }
        try {
            return sent(m.deepCopy().put("msg", prefixed(sender, body)));
        } catch (RocketRest.Failure f) {
            throw f.toBridge();
        }
    }

    private void refusedNow(RocketRest.Failure f) {
        impersonationRefused = true;
        log.warn("Rocket.Chat refused alias/avatar ({}): the bot lacks message-impersonate; Matrix names are now"
                + " written in the text", f.getMessage());
        if (up) {
            host.connectionChanged(true, detail());
        }
    }

    private static boolean refusedImpersonation(RocketRest.Failure f) {
        String s = (f.errorType + " " + f.getMessage()).toLowerCase(java.util.Locale.ROOT);
        return s.contains("not-allowed") || s.contains("not allowed") || s.contains("match failed") || s.contains("impersonate");
    }

    private static String prefixed(MatrixSender sender, String body) {
        return "**" + sender.displayName().replace("*", "") + "**: " + body;
    }

    /** Posts; a message whose {@code _id} already exists was posted by an earlier attempt. */
    private String sent(ObjectNode m) throws RocketRest.Failure {
        ObjectNode request = RocketRest.JSON.createObjectNode();
        request.set("message", m);
        try {
            return rest.post("/api/v1/chat.sendMessage", request).path("message").path("_id").asText(m.path("_id").asText());
        } catch (RocketRest.Failure f) {
            String s = (f.errorType + " " + f.getMessage()).toLowerCase(java.util.Locale.ROOT);
            if (f.status == 400 && m.has("_id") && (s.contains("already-exists") || s.contains("duplicate key"))) {
                log.info("Message {} was already posted by an earlier attempt: not posted again", m.get("_id").asText());
                return m.get("_id").asText();
            }
            throw f;
        }
    }

    private String quoteLink(RemoteChannelId channel, RemoteMessageId target) {
        try {
            JsonNode r = room(channel);
            String kind = "p".equals(r.path("t").asText()) ? "group" : "channel";
            return "[ ](" + config.server() + "/" + kind + "/" + r.path("name").asText(channel.value()) + "?msg=" + target.value() + ") ";
        } catch (RocketRest.Failure f) {
            return "";
        }
    }

    /**
     * Uploads ({@code rooms.media}) then posts ({@code rooms.mediaConfirm}) each file, the caption as
     * the first file's description, under the sender's name like a text ({@code alias} + {@code avatar},
     * else "**Name**:" as the message's text).
     */
    private List<RemoteMessageId> sendFiles(RemoteChannelId channel, OutgoingRemoteMessage message, String caption,
                                            Optional<String> tmid) throws BridgeException {
        List<RemoteMessageId> ids = new ArrayList<>();
        boolean first = true;
        for (OutgoingAttachment a : message.attachments()) {
            if (a.data().length > config.maxFileBytes()) {
                throw BridgeException.permanent(texts.text("file.over.limit", "file", a.fileName()), null);
            }
            try {
                String fileId = rest.upload("/api/v1/rooms.media/" + channel.value(), a.fileName(), a.contentType(), a.data())
                        .path("file").path("_id").asText();
                ObjectNode confirm = RocketRest.JSON.createObjectNode();
                if (first && !caption.isBlank()) {
                    confirm.put("description", caption);
                }
                tmid.ifPresent(t -> confirm.put("tmid", t));
                ids.add(new RemoteMessageId(confirmed(channel, fileId, confirm, message.sender())));
            } catch (RocketRest.Failure f) {
                throw f.toBridge();
            }
            first = false;
        }
        return ids;
    }

    /** Posts an uploaded file under the sender's name, learning like {@link #post} that impersonation is refused. */
    private String confirmed(RemoteChannelId channel, String fileId, ObjectNode confirm, MatrixSender sender)
            throws RocketRest.Failure {
        String path = "/api/v1/rooms.mediaConfirm/" + channel.value() + "/" + fileId;
        if (!impersonationRefused) {
            ObjectNode impersonated = confirm.deepCopy().put("alias", sender.displayName());
            sender.avatar().ifPresent(u -> impersonated.put("avatar", u.toString()));
            try {
                return rest.post(path, impersonated).path("message").path("_id").asText();
            } catch (RocketRest.Failure f) {
                if (f.status != 400 || !refusedImpersonation(f)) {
                    throw f;
                }
                refusedNow(f);
            }
        }
        return rest.post(path, confirm.deepCopy().put("msg", prefixed(sender, "").strip())).path("message").path("_id").asText();
    }

    private void follow(RemoteChannelId channel) {
        if (realtime != null && !realtime.follows(channel.value())) {
            realtime.follow(channel.value());
        }
    }

    @Override
    public void edit(RemoteChannelId channel, RemoteMessageId message, OutgoingRemoteMessage newContent) throws BridgeException {
        String body = text.toRocket(newContent.content(), this::usernameOf);
        if (impersonationRefused) {
            body = prefixed(newContent.sender(), body);
        }
        body = split(body, MAX_TEXT).get(0); // a long edit changes the first part only
        ObjectNode req = RocketRest.JSON.createObjectNode().put("roomId", channel.value()).put("msgId", message.value())
                .put("text", body);
        try {
            rest.post("/api/v1/chat.update", req);
        } catch (RocketRest.Failure f) {
            throw f.toBridge();
        }
    }

    @Override
    public void delete(RemoteChannelId channel, RemoteMessageId message) throws BridgeException {
        ObjectNode req = RocketRest.JSON.createObjectNode().put("roomId", channel.value()).put("msgId", message.value());
        try {
            rest.post("/api/v1/chat.delete", req);
        } catch (RocketRest.Failure f) {
            if (f.status == 400 && f.getMessage().contains("No message found")) {
                return; // already gone
            }
            throw f.toBridge();
        }
    }

    /**
     * {@inheritDoc} Through {@code chat.delete}, which needs the bot's {@code delete-message}
     * permission (Rocket.Chat's moderators and owners have it): without it Rocket.Chat answers
     * {@code error-action-not-allowed} and this returns false.
     */
    @Override
    public boolean removeUserMessage(RemoteChannelId channel, RemoteMessageId message) throws BridgeException {
        ObjectNode req = RocketRest.JSON.createObjectNode().put("roomId", channel.value()).put("msgId", message.value());
        try {
            rest.post("/api/v1/chat.delete", req);
            return true;
        } catch (RocketRest.Failure f) {
            if (f.status == 400 && f.getMessage().contains("No message found")) {
                return true; // already gone
            }
            if (f.status == 400 && f.errorType.equals("error-action-not-allowed")) {
                return false;
            }
            throw f.toBridge();
        }
    }

    @Override
    public void react(RemoteChannelId channel, RemoteMessageId message, MatrixSender sender, String key, boolean add)
            throws BridgeException {
        Optional<String> shortcode = Emoji.toShortcode(key);
        if (shortcode.isEmpty()) {
            log.debug("Reaction {} has no Rocket.Chat shortcode known to the bridge: not carried", key);
            return;
        }
        // The bot reacts once for every Matrix user reacting alike: it takes its reaction back with the
        // last one. Who else reacts alike is read from the engine's reaction links, which outlive a restart.
        if (!add && host.reactionsOn(channel, message).stream().anyMatch(r -> r.fromMatrix()
                && !r.reactor().equals(sender.id().value()) && Emoji.same(r.key(), key))) {
            return;
        }
        ObjectNode req = RocketRest.JSON.createObjectNode().put("messageId", message.value()).put("emoji", shortcode.get())
                .put("shouldReact", add);
        try {
            rest.post("/api/v1/chat.react", req);
        } catch (RocketRest.Failure f) {
            throw f.toBridge();
        }
    }

    /**
     * A text needs no look-up: its {@code _id} comes from its Matrix event, and Rocket.Chat refuses the
     * same {@code _id} twice. A file does ({@code rooms.mediaConfirm} takes no {@code _id}): the
     * bot's file messages since {@code notBefore} are searched for the same file name, thread,
     * caption (description) and sender ({@link History#sentFiles}).
     */
    @Override
    public List<RemoteMessageId> findSent(RemoteChannelId channel, OutgoingRemoteMessage message, Instant notBefore,
                                          Predicate<RemoteMessageId> recorded) throws BridgeException {
        if (message.attachments().isEmpty()) {
            return List.of();
        }
        String caption = text.toRocket(message.content(), this::usernameOf);
        String prefix = prefixed(message.sender(), "").strip();
        Predicate<JsonNode> shownAsSender = m -> message.sender().displayName().equals(m.path("alias").asText())
                || prefix.equals(m.path("msg").asText("").strip());
        try {
            return history.sentFiles(channel, route(channel), notBefore, config.userId(), message, caption, shownAsSender, recorded);
        } catch (RocketRest.Failure f) {
            throw f.toBridge();
        }
    }

    @Override
    public byte[] download(URI url, long maxBytes) throws BridgeException {
        try {
            return rest.download(url, maxBytes);
        } catch (RocketRest.Failure f) {
            throw f.toBridge();
        }
    }

    @Override
    public long maxUploadBytes(RemoteChannelId channel) {
        return config.maxFileBytes();
    }

    @Override
    public List<RemoteEvent.Message> messagesAfter(RemoteChannelId channel, Optional<RemoteMessageId> after, int limit)
            throws BridgeException {
        try {
            return history.messagesAfter(channel, route(channel), after, limit);
        } catch (RocketRest.Failure f) {
            throw f.toBridge();
        }
    }

    @Override
    public Optional<RemoteMessageId> currentPosition(RemoteChannelId channel) throws BridgeException {
        try {
            return history.newest(channel, route(channel));
        } catch (RocketRest.Failure f) {
            throw f.toBridge();
        }
    }

    @Override
    public List<RemoteEvent.SubChannel> subChannels(RemoteChannelId parent) throws BridgeException {
        try {
            return discussions.of(parent);
        } catch (RocketRest.Failure f) {
            throw f.toBridge();
        }
    }

    @Override
    public RemoteChannel createSubChannel(RemoteChannelId parent, String name, MatrixSender by) throws BridgeException {
        try {
            RemoteChannel made = discussions.create(parent, name);
            follow(made.id());
            log.info("Discussion {} ({}) opened under {} for {}", made.id(), made.name(), parent, by.id());
            return made;
        } catch (RocketRest.Failure f) {
            throw f.toBridge();
        }
    }

    @Override
    public RemoteStructure structure() throws BridgeException {
        try {
            return structure.read();
        } catch (RocketRest.Failure f) {
            throw f.toBridge();
        }
    }

    /** Posted by the bot as itself (no {@code alias}): the stream drops it as the bot's own. */
    @Override
    public RemoteMessageId postNotice(RemoteChannelId channel, String notice) throws BridgeException {
        follow(channel);
        try {
            ObjectNode m = RocketRest.JSON.createObjectNode().put("rid", channel.value()).put("msg", notice);
            return new RemoteMessageId(sent(m));
        } catch (RocketRest.Failure f) {
            throw f.toBridge();
        }
    }

    /** A quote of {@code replyTo} (a link Rocket.Chat shows as the quoted message), which pings nobody. */
    @Override
    public RemoteMessageId replyNotice(RemoteChannelId channel, RemoteMessageId replyTo, String notice) throws BridgeException {
        return postNotice(channel, quoteLink(channel, replyTo) + notice);
    }

    /** {@code channels.history} for a public channel, {@code groups.history} for a private group. */
    private String route(RemoteChannelId channel) throws RocketRest.Failure {
        return "p".equals(room(channel).path("t").asText()) ? "/api/v1/groups.history" : "/api/v1/channels.history";
    }

    @Override
    public void close() {
        if (realtime != null) {
            realtime.close();
        }
        timer.shutdownNow();
    }
}
