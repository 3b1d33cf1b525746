package coop.comptoir.testing.discord;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.testing.discord.RecordedCall.UploadedFile;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The REST routes of the fake. Each handler runs holding the world's monitor and returns the status and
 * JSON Discord would; it also dispatches the Gateway events Discord sends for the change.
 */
final class Rest {
    record Reply(int status, JsonNode body) {
        static Reply ok(JsonNode body) {
            return new Reply(200, body);
        }

        static Reply noContent() {
            return new Reply(204, null);
        }
    }

    /** A parsed request as the handlers see it. */
    record Request(String method, List<String> segments, Map<String, List<String>> query, JsonNode json,
                   List<UploadedFile> files) {
        String query(String name) {
            List<String> values = query.get(name);
            return values == null || values.isEmpty() ? null : values.get(0);
        }
    }

    @FunctionalInterface
    interface Handler {
        Reply handle(Request request, List<String> params);
    }

    record Route(String method, String[] segments, boolean botAuth, Handler handler) {
    }

    private final World world;
    private final Gateway gateway;
    private final long uploadLimit;
    final List<Route> routes = new ArrayList<>();

    Rest(World world, Gateway gateway, long uploadLimit) {
        this.world = world;
        this.gateway = gateway;
        this.uploadLimit = uploadLimit;
        bot("GET", "/gateway", (r, p) -> Reply.ok(World.NODES.objectNode().put("url", gateway.url())));
        bot("GET", "/gateway/bot", (r, p) -> {
            ObjectNode n = World.NODES.objectNode().put("url", gateway.url()).put("shards", 1);
            n.putObject("session_start_limit").put("total", 1000).put("remaining", 999)
                    .put("reset_after", 14_400_000).put("max_concurrency", 1);
            return Reply.ok(n);
        });
        bot("GET", "/users/@me", (r, p) -> Reply.ok(world.selfJson()));
        bot("GET", "/users/{}", (r, p) -> {
            FakeUser u = world.users.get(p.get(0));
            return u == null ? error(404, 10013, "Unknown User") : Reply.ok(world.userJson(u));
        });
        bot("GET", "/channels/{}", (r, p) -> {
            World.ChannelState c = world.channels.get(p.get(0));
            return c == null ? unknownChannel() : Reply.ok(world.channelJson(c));
        });
        bot("GET", "/guilds/{}", (r, p) -> {
            World.GuildState g = world.guilds.get(p.get(0));
            return g == null ? error(404, 10004, "Unknown Guild")
                    : Reply.ok(world.guildJson(g, "true".equals(r.query("with_counts"))));
        });
        bot("GET", "/guilds/{}/channels", (r, p) -> {
            World.GuildState g = world.guilds.get(p.get(0));
            if (g == null) {
                return error(404, 10004, "Unknown Guild");
            }
            var list = World.NODES.arrayNode();
            g.channelIds.stream().map(world.channels::get).filter(c -> !c.channel.isThread())
                    .forEach(c -> list.add(world.channelJson(c)));
            return Reply.ok(list);
        });
        bot("GET", "/guilds/{}/members/{}", (r, p) -> {
            World.GuildState g = world.guilds.get(p.get(0));
            if (g == null) {
                return error(404, 10004, "Unknown Guild");
            }
            if (!world.users.containsKey(p.get(1))) {
                return error(404, 10013, "Unknown User");
            }
            return g.memberIds.contains(p.get(1)) ? Reply.ok(world.memberJson(g.guild.id(), p.get(1), true))
                    : error(404, 10007, "Unknown Member");
        });
        bot("GET", "/channels/{}/messages", this::listMessages);
        bot("GET", "/channels/{}/messages/{}", (r, p) -> {
            if (!world.channels.containsKey(p.get(0))) {
                return unknownChannel();
            }
            World.MessageState m = world.message(p.get(0), p.get(1));
            return m == null ? unknownMessage() : Reply.ok(world.messageJson(m, false));
        });
        bot("POST", "/channels/{}/messages", (r, p) -> createMessage(r, p.get(0), null, null));
        bot("PATCH", "/channels/{}/messages/{}", (r, p) -> editMessage(r, p.get(0), p.get(1), null));
        bot("DELETE", "/channels/{}/messages/{}", (r, p) -> deleteMessage(p.get(0), p.get(1), null));
        bot("PUT", "/channels/{}/messages/{}/reactions/{}/@me", (r, p) -> react(p.get(0), p.get(1), p.get(2), true));
        bot("DELETE", "/channels/{}/messages/{}/reactions/{}/@me", (r, p) -> react(p.get(0), p.get(1), p.get(2), false));
        bot("GET", "/channels/{}/webhooks", (r, p) -> {
            if (!world.channels.containsKey(p.get(0))) {
                return unknownChannel();
            }
            ArrayNode list = World.NODES.arrayNode();
            world.webhooks.values().stream().filter(w -> w.channelId().equals(p.get(0)))
                    .forEach(w -> list.add(world.webhookJson(w)));
            return Reply.ok(list);
        });
        bot("POST", "/channels/{}/webhooks", this::createWebhook);
        open("POST", "/webhooks/{}/{}", this::executeWebhook);
        open("GET", "/webhooks/{}/{}/messages/{}", (r, p) -> withWebhook(p, r, (w, channelId) -> {
            World.MessageState m = world.message(channelId, p.get(2));
            return m == null || !w.id().equals(m.webhookId) ? unknownMessage() : Reply.ok(world.messageJson(m, false));
        }));
        open("PATCH", "/webhooks/{}/{}/messages/{}", (r, p) -> withWebhook(p, r,
                (w, channelId) -> editMessage(r, channelId, p.get(2), w)));
        open("DELETE", "/webhooks/{}/{}/messages/{}", (r, p) -> withWebhook(p, r,
                (w, channelId) -> deleteMessage(channelId, p.get(2), w)));
        bot("POST", "/channels/{}/threads", (r, p) -> createThread(r, p.get(0), null));
        bot("POST", "/channels/{}/messages/{}/threads", (r, p) -> createThread(r, p.get(0), p.get(1)));
    }

    private void bot(String method, String path, Handler handler) {
        routes.add(new Route(method, path.substring(1).split("/"), true, handler));
    }

    private void open(String method, String path, Handler handler) {
        routes.add(new Route(method, path.substring(1).split("/"), false, handler));
    }

    // ---- errors ----

    static Reply error(int status, int code, String message) {
        return new Reply(status, World.NODES.objectNode().put("message", message).put("code", code));
    }

    /** Discord's 50035 "Invalid Form Body" with one field error. */
    static Reply invalidForm(String field, String code, String message) {
        ObjectNode body = World.NODES.objectNode().put("message", "Invalid Form Body").put("code", 50035);
        ObjectNode node = body.putObject("errors");
        for (String part : field.split("\\.")) {
            node = node.putObject(part);
        }
        node.putArray("_errors").addObject().put("code", code).put("message", message);
        return new Reply(400, body);
    }

    private static Reply unknownChannel() {
        return error(404, 10003, "Unknown Channel");
    }

    private static Reply unknownMessage() {
        return error(404, 10008, "Unknown Message");
    }

    // ---- messages ----

    private Reply listMessages(Request r, List<String> p) {
        World.ChannelState c = world.channels.get(p.get(0));
        if (c == null) {
            return unknownChannel();
        }
        int limit = 50;
        if (r.query("limit") != null) {
            try {
                limit = Integer.parseInt(r.query("limit"));
            } catch (NumberFormatException e) {
                return invalidForm("limit", "NUMBER_TYPE_COERCE", "Value \"" + r.query("limit") + "\" is not int.");
            }
            if (limit < 1 || limit > 100) {
                return invalidForm("limit", "NUMBER_TYPE_MAX", "Int value should be between 1 and 100.");
            }
        }
        List<World.MessageState> live = c.messages.values().stream().filter(m -> !m.deleted).toList();
        List<World.MessageState> chosen;
        if (r.query("after") != null) {
            long after = Long.parseLong(r.query("after"));
            chosen = live.stream().filter(m -> Long.parseLong(m.id) > after).limit(limit).toList();
        } else if (r.query("around") != null) {
            long around = Long.parseLong(r.query("around"));
            List<World.MessageState> before = live.stream().filter(m -> Long.parseLong(m.id) < around).toList();
            List<World.MessageState> rest = live.stream().filter(m -> Long.parseLong(m.id) >= around).toList();
            int fromBefore = Math.min(before.size(), limit / 2);
            List<World.MessageState> window = new ArrayList<>(before.subList(before.size() - fromBefore, before.size()));
            window.addAll(rest.subList(0, Math.min(rest.size(), limit - fromBefore)));
            chosen = window;
        } else {
            long before = r.query("before") != null ? Long.parseLong(r.query("before")) : Long.MAX_VALUE;
            List<World.MessageState> older = live.stream().filter(m -> Long.parseLong(m.id) < before).toList();
            chosen = older.subList(Math.max(0, older.size() - limit), older.size());
        }
        ArrayNode list = World.NODES.arrayNode();
        for (int i = chosen.size() - 1; i >= 0; i--) { // newest first, as Discord
            list.add(world.messageJson(chosen.get(i), false));
        }
        return Reply.ok(list);
    }

    /** Checks Discord's limits on a message body; null when it may be sent. */
    private Reply limits(Request r, boolean creating) {
        JsonNode json = r.json == null ? World.NODES.objectNode() : r.json;
        String content = json.path("content").isTextual() ? json.path("content").asText() : null;
        if (content != null && content.codePointCount(0, content.length()) > 2000) {
            return invalidForm("content", "BASE_TYPE_MAX_LENGTH", "Must be 2000 or fewer in length.");
        }
        if (json.path("embeds").size() > 10) {
            return invalidForm("embeds", "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.");
        }
        for (UploadedFile f : r.files) {
            if (f.size() > uploadLimit) {
                return error(413, 40005, "Request entity too large");
            }
        }
        if (r.files.size() > 10) {
            return invalidForm("files", "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.");
        }
        if (creating && (content == null || content.isEmpty()) && json.path("embeds").isEmpty() && r.files.isEmpty()
                && json.path("sticker_ids").isEmpty() && json.path("components").isEmpty() && !json.has("poll")) {
            return error(400, 50006, "Cannot send an empty message");
        }
        return null;
    }

    private List<World.StoredFile> storeFiles(Request r, String channelId) {
        List<World.StoredFile> stored = new ArrayList<>();
        JsonNode described = r.json == null ? null : r.json.path("attachments");
        for (int i = 0; i < r.files.size(); i++) {
            UploadedFile f = r.files.get(i);
            String index = f.field().replaceAll("\\D", "");
            String filename = f.filename() == null ? "file" : f.filename();
            String description = null;
            if (described != null) {
                for (JsonNode a : described) {
                    if (a.path("id").asText().equals(index)) {
                        filename = a.path("filename").asText(filename);
                        description = a.path("description").isTextual() ? a.path("description").asText() : null;
                    }
                }
            }
            World.StoredFile file = new World.StoredFile(world.ids.next(), channelId, filename.replace('/', '_'),
                    f.contentType(), f.bytes(), description);
            world.files.put(file.id(), file);
            stored.add(file);
        }
        return stored;
    }

    private static List<JsonNode> embeds(JsonNode json) {
        List<JsonNode> embeds = new ArrayList<>();
        for (JsonNode e : json.path("embeds")) {
            ObjectNode copy = e.deepCopy();
            copy.put("type", copy.path("type").asText("rich"));
            embeds.add(copy);
        }
        return embeds;
    }

    /** POST /channels/{id}/messages (bot) and webhook execution ({@code webhook} non-null). */
    private Reply createMessage(Request r, String channelId, FakeWebhook webhook, String username) {
        World.ChannelState c = world.channels.get(channelId);
        if (c == null) {
            return unknownChannel();
        }
        Reply refused = limits(r, true);
        if (refused != null) {
            return refused;
        }
        JsonNode json = r.json == null ? World.NODES.objectNode() : r.json;
        World.MessageState m = world.newMessage(channelId, webhook == null ? world.bot.id() : null,
                json.path("content").asText(""));
        if (webhook != null) {
            m.webhookId = webhook.id();
            m.webhookName = username != null ? username : webhook.name();
            m.webhookAvatarUrl = json.path("avatar_url").isTextual() ? json.path("avatar_url").asText() : null;
        }
        JsonNode reference = json.path("message_reference");
        if (webhook == null && reference.isObject() && reference.has("message_id")) {
            String refChannel = reference.path("channel_id").asText(channelId);
            World.MessageState target = world.message(refChannel, reference.path("message_id").asText());
            if (target != null) {
                m.referencedId = target.id;
            } else if (reference.path("fail_if_not_exists").asBoolean(true)) {
                return invalidForm("message_reference", "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", "Unknown message");
            }
        }
        m.embeds = embeds(json);
        m.tts = json.path("tts").asBoolean(false);
        m.flags = json.path("flags").asInt(0) & (1 << 2 | 1 << 12); // SUPPRESS_EMBEDS, SUPPRESS_NOTIFICATIONS
        if (json.has("nonce") && !json.get("nonce").isNull()) {
            m.nonce = json.get("nonce");
        }
        for (JsonNode stickerId : json.path("sticker_ids")) {
            ObjectNode item = World.NODES.objectNode();
            item.put("id", stickerId.asText());
            item.put("name", "sticker");
            item.put("format_type", 1);
            m.stickerItems.add(item);
        }
        world.computeMentions(m, json.has("allowed_mentions") && !json.get("allowed_mentions").isNull()
                ? json.get("allowed_mentions") : null);
        m.attachments = storeFiles(r, channelId);
        world.store(m);
        gateway.dispatch("MESSAGE_CREATE", Gateway.GUILD_MESSAGES, world.messageJson(m, true));
        return Reply.ok(world.messageJson(m, false));
    }

    private Reply editMessage(Request r, String channelId, String messageId, FakeWebhook webhook) {
        if (!world.channels.containsKey(channelId)) {
            return unknownChannel();
        }
        World.MessageState m = world.message(channelId, messageId);
        if (m == null || (webhook != null && !webhook.id().equals(m.webhookId))) {
            return unknownMessage();
        }
        if (webhook == null && !world.bot.id().equals(m.authorId)) {
            return error(403, 50005, "Cannot edit a message authored by another user");
        }
        Reply refused = limits(r, false);
        if (refused != null) {
            return refused;
        }
        JsonNode json = r.json == null ? World.NODES.objectNode() : r.json;
        if (json.has("content")) {
            m.content = json.path("content").asText("");
        }
        if (json.has("embeds")) {
            m.embeds = embeds(json);
        }
        if (json.has("attachments") && json.get("attachments").isArray()) {
            List<String> keep = new ArrayList<>();
            json.get("attachments").forEach(a -> keep.add(a.path("id").asText()));
            m.attachments.removeIf(f -> !keep.contains(f.id()));
        }
        m.attachments.addAll(storeFiles(r, channelId));
        if (json.has("flags")) {
            m.flags = json.path("flags").asInt(0) & (1 << 2);
        }
        world.computeMentions(m, json.has("allowed_mentions") && !json.get("allowed_mentions").isNull()
                ? json.get("allowed_mentions") : null);
        m.editedTimestamp = Snowflakes.iso(java.time.Instant.now());
        gateway.dispatch("MESSAGE_UPDATE", Gateway.GUILD_MESSAGES, world.messageJson(m, true));
        return Reply.ok(world.messageJson(m, false));
    }

    private Reply deleteMessage(String channelId, String messageId, FakeWebhook webhook) {
        if (!world.channels.containsKey(channelId)) {
            return unknownChannel();
        }
        World.MessageState m = world.message(channelId, messageId);
        if (m == null || (webhook != null && !webhook.id().equals(m.webhookId))) {
            return unknownMessage();
        }
        if (webhook == null && !world.bot.id().equals(m.authorId) && (world.everyonePermissions & World.MANAGE_MESSAGES) == 0) {
            return error(403, 50013, "Missing Permissions");
        }
        WorldChanges.markDeleted(world, gateway, m);
        return Reply.noContent();
    }

    private Reply react(String channelId, String messageId, String emojiText, boolean add) {
        if (!world.channels.containsKey(channelId)) {
            return unknownChannel();
        }
        World.MessageState m = world.message(channelId, messageId);
        if (m == null) {
            return unknownMessage();
        }
        Emoji emoji = Emoji.parse(emojiText);
        if (emoji.isCustom() && world.guilds.values().stream().noneMatch(g -> g.emojis.containsKey(emoji.id()))) {
            return error(400, 10014, "Unknown Emoji");
        }
        WorldChanges.applyReaction(world, gateway, m, world.bot.id(), emoji, add);
        return Reply.noContent();
    }

    // ---- webhooks ----

    private Reply createWebhook(Request r, List<String> p) {
        World.ChannelState c = world.channels.get(p.get(0));
        if (c == null) {
            return unknownChannel();
        }
        if (c.channel.isThread()) {
            return error(400, 50024, "Cannot execute action on this channel type");
        }
        String name = r.json == null ? null : r.json.path("name").asText(null);
        if (name == null || name.isEmpty() || name.length() > 80) {
            return invalidForm("name", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 80 in length.");
        }
        String lower = name.toLowerCase(java.util.Locale.ROOT);
        if (lower.contains("clyde") || lower.contains("discord")) {
            return invalidForm("name", "USERNAME_INVALID_CONTAINS", "Username cannot contain \"discord\" or \"clyde\"");
        }
        FakeWebhook w = WorldChanges.newWebhook(world, gateway, c, name);
        return Reply.ok(world.webhookJson(w));
    }

    private interface WebhookAction {
        Reply run(FakeWebhook webhook, String channelId);
    }

    /** Resolves {webhook_id}/{webhook_token} and the optional thread_id to the target channel. */
    private Reply withWebhook(List<String> p, Request r, WebhookAction action) {
        FakeWebhook w = world.webhooks.get(p.get(0));
        if (w == null) {
            return error(404, 10015, "Unknown Webhook");
        }
        if (!w.token().equals(p.get(1))) {
            return error(401, 50027, "Invalid Webhook Token");
        }
        String channelId = w.channelId();
        String threadId = r.query("thread_id");
        if (threadId != null) {
            World.ChannelState thread = world.channels.get(threadId);
            if (thread == null || !thread.channel.isThread() || !w.channelId().equals(thread.channel.parentId())) {
                return unknownChannel();
            }
            channelId = threadId;
        }
        return action.run(w, channelId);
    }

    private Reply executeWebhook(Request r, List<String> p) {
        return withWebhook(p, r, (w, channelId) -> {
            JsonNode json = r.json == null ? World.NODES.objectNode() : r.json;
            String username = json.path("username").isTextual() ? json.path("username").asText() : null;
            if (username != null) {
                String lower = username.toLowerCase(java.util.Locale.ROOT);
                if (username.isEmpty() || username.length() > 80 || lower.contains("discord") || lower.contains("clyde")) {
                    return invalidForm("username", "USERNAME_INVALID", "Invalid username");
                }
            }
            Reply reply = createMessage(r, channelId, w, username);
            if (reply.status() == 200 && !"true".equals(r.query("wait"))) {
                return Reply.noContent();
            }
            return reply;
        });
    }

    // ---- threads ----

    private Reply createThread(Request r, String channelId, String messageId) {
        World.ChannelState parent = world.channels.get(channelId);
        if (parent == null) {
            return unknownChannel();
        }
        if (parent.channel.isThread()) {
            return error(400, 50024, "Cannot execute action on this channel type");
        }
        JsonNode json = r.json == null ? World.NODES.objectNode() : r.json;
        String name = json.path("name").asText("");
        if (name.isEmpty() || name.length() > 100) {
            return invalidForm("name", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.");
        }
        World.MessageState start = null;
        if (messageId != null) {
            start = world.message(channelId, messageId);
            if (start == null) {
                return unknownMessage();
            }
            if (start.threadId != null) {
                return error(400, 160004, "A thread has already been created for this message");
            }
        }
        int type = messageId != null ? FakeChannel.PUBLIC_THREAD : json.path("type").asInt(FakeChannel.PRIVATE_THREAD);
        World.ChannelState thread = WorldChanges.newThread(world, gateway, parent, start, world.bot.id(), name, type);
        ObjectNode body = world.channelJson(thread);
        if (messageId == null) {
            ObjectNode member = body.putObject("member");
            member.put("id", thread.channel.id());
            member.put("user_id", world.bot.id());
            member.put("join_timestamp", Snowflakes.isoOf(thread.channel.id()));
            member.put("flags", 1);
        }
        return new Reply(201, body);
    }

    static String newToken() {
        return UUID.randomUUID().toString().replace("-", "") + UUID.randomUUID().toString().replace("-", "");
    }
}
