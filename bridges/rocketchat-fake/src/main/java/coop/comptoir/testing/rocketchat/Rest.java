package coop.comptoir.testing.rocketchat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/** The REST routes the fake serves; every handler runs under the world's monitor. */
final class Rest {
    /** A parsed request: path after {@code /api/v1/}, query, JSON body (or null), uploaded file (or null). */
    record Request(String method, String path, Map<String, List<String>> query, JsonNode json, Upload upload) {
        String q(String name) {
            List<String> v = query.get(name);
            return v == null || v.isEmpty() ? null : v.get(0);
        }
    }

    record Upload(String fileName, String contentType, byte[] data) {
    }

    record Reply(int status, ObjectNode body) {
    }

    private final World world;
    private final Realtime realtime;

    Rest(World world, Realtime realtime) {
        this.world = world;
        this.realtime = realtime;
    }

    static Reply ok(ObjectNode body) {
        body.put("success", true);
        return new Reply(200, body);
    }

    static Reply error(String error, String errorType) {
        ObjectNode o = World.JSON.createObjectNode().put("success", false)
                .put("error", error + (errorType == null ? "" : " [" + errorType + "]"));
        if (errorType != null) {
            o.put("errorType", errorType);
        }
        return new Reply(400, o);
    }

    /** The reply, or null when no route matches. */
    Reply handle(Request r) {
        String[] p = r.path().split("/", -1);
        return switch (r.method() + " " + p[0]) {
            case "POST chat.sendMessage" -> send(r.json().path("message"));
            case "POST chat.update" -> update(r.json());
            case "POST chat.delete" -> delete(r.json());
            case "POST chat.react" -> react(r.json());
            case "GET chat.getMessage" -> {
                World.Msg m = world.messages.get(String.valueOf(r.q("msgId")));
                yield m == null || m.deleted ? error("The required \"msgId\" param provided does not match any message", null)
                        : ok(msg(world.json(m, false)));
            }
            case "GET channels.history" -> history(r, "c");
            case "GET groups.history" -> history(r, "p");
            case "GET rooms.info" -> {
                World.Room room = world.rooms.get(String.valueOf(r.q("roomId")));
                yield room == null ? error("Room not found", "error-room-not-found")
                        : ok(World.JSON.createObjectNode().set("room", room.json()));
            }
            case "GET rooms.get" -> {
                ObjectNode o = World.JSON.createObjectNode();
                ArrayNode update = o.putArray("update");
                world.rooms.values().stream().filter(room -> room.botMember).forEach(room -> update.add(room.json()));
                o.putArray("remove");
                yield ok(o);
            }
            case "GET users.info" -> {
                FakeUser u = r.q("userId") != null ? world.users.get(r.q("userId")) : world.userByName(String.valueOf(r.q("username")));
                if (u == null) {
                    yield error("User not found.", "error-invalid-user");
                }
                ObjectNode user = World.JSON.createObjectNode().put("_id", u.id()).put("username", u.username())
                        .put("name", u.name()).put("status", "online").put("active", true).put("type", "user");
                yield ok(World.JSON.createObjectNode().set("user", user));
            }
            case "POST rooms.createDiscussion" -> createDiscussion(r.json());
            case "GET rooms.getDiscussions" -> discussions(r);
            case "GET rooms.adminRooms" -> adminRooms(r);
            case "POST rooms.media" -> p.length == 2 ? media(p[1], r.upload()) : null;
            case "POST rooms.mediaConfirm" -> p.length == 3 ? confirm(p[1], p[2], r.json()) : null;
            default -> null;
        };
    }

    private static ObjectNode msg(ObjectNode message) {
        ObjectNode o = World.JSON.createObjectNode();
        o.set("message", message);
        return o;
    }

    private Reply send(JsonNode m) {
        World.Room room = world.rooms.get(m.path("rid").asText(""));
        if (room == null) {
            return error("The 'rid' property on the message object is missing.", "error-invalid-room");
        }
        String id = m.path("_id").isTextual() ? m.get("_id").asText() : null;
        if (id != null && world.messages.containsKey(id)) {
            return error("A message with this _id already exists", "error-message-already-exists");
        }
        boolean impersonating = m.hasNonNull("alias") || m.hasNonNull("avatar");
        if (impersonating && !world.impersonate) {
            return error("Not allowed", "error-action-not-allowed");
        }
        String tmid = m.path("tmid").isTextual() ? m.get("tmid").asText() : null;
        if (tmid != null && !world.messages.containsKey(tmid)) {
            return error("Invalid thread", "error-invalid-message");
        }
        if (m.path("msg").asText("").codePointCount(0, m.path("msg").asText("").length()) > World.MAX_TEXT) {
            return error("Message size exceeds the allowed size", "error-message-size-exceeded");
        }
        World.Msg created = world.newMessage(id, room, world.bot, m.path("msg").asText(""));
        created.alias = m.path("alias").isTextual() ? m.get("alias").asText() : null;
        created.avatar = m.path("avatar").isTextual() ? m.get("avatar").asText() : null;
        created.tmid = tmid;
        created.tshow = m.path("tshow").asBoolean(false) || "true".equals(m.path("tshow").asText());
        realtime.messageChanged(created);
        return ok(msg(world.json(created, false)));
    }

    private World.Msg own(JsonNode body, String idField) {
        World.Msg m = world.messages.get(body.path(idField).asText(""));
        return m == null || m.deleted ? null : m;
    }

    private Reply update(JsonNode b) {
        World.Msg m = own(b, "msgId");
        if (m == null || !m.rid.equals(b.path("roomId").asText())) {
            return error("No message found with the id of \"" + b.path("msgId").asText() + "\".", null);
        }
        if (!m.userId.equals(world.bot.id())) {
            return error("Not allowed", "error-action-not-allowed");
        }
        if (b.path("text").asText("").codePointCount(0, b.path("text").asText("").length()) > World.MAX_TEXT) {
            return error("Message size exceeds the allowed size", "error-message-size-exceeded");
        }
        m.text = b.path("text").asText("");
        m.editedAt = world.now();
        m.updatedAt = m.editedAt;
        realtime.messageChanged(m);
        return ok(msg(world.json(m, false)));
    }

    private Reply delete(JsonNode b) {
        World.Msg m = own(b, "msgId");
        if (m == null || !m.rid.equals(b.path("roomId").asText())) {
            return error("No message found with the id of \"" + b.path("msgId").asText() + "\".", null);
        }
        if (!m.userId.equals(world.bot.id()) && !world.deleteOthers) {
            return error("Not allowed", "error-action-not-allowed");
        }
        m.deleted = true;
        realtime.messageDeleted(m);
        return ok(World.JSON.createObjectNode().put("_id", m.id).put("ts", Instant.now().toString()));
    }

    private Reply react(JsonNode b) {
        World.Msg m = own(b, "messageId");
        if (m == null) {
            return error("Invalid message", "error-invalid-message");
        }
        String emoji = b.path("emoji").asText("");
        if (!emoji.startsWith(":")) {
            emoji = ":" + emoji + ":";
        }
        if (!emoji.matches(":[a-z0-9_+-]+:")) {
            return error("Invalid emoji provided.", "error-not-allowed");
        }
        LinkedHashSet<String> who = m.reactions.computeIfAbsent(emoji, k -> new LinkedHashSet<>());
        boolean add = b.has("shouldReact") ? b.get("shouldReact").asBoolean() : !who.contains(world.bot.username());
        boolean changed = add ? who.add(world.bot.username()) : who.remove(world.bot.username());
        if (who.isEmpty()) {
            m.reactions.remove(emoji);
        }
        if (changed) {
            m.updatedAt = world.now();
            realtime.messageChanged(m);
        }
        return ok(World.JSON.createObjectNode());
    }

    private Reply history(Request r, String type) {
        World.Room room = world.rooms.get(String.valueOf(r.q("roomId")));
        if (room == null || !room.type.equals(type)) {
            return error("The required \"roomId\" or \"roomName\" param provided does not match any "
                    + (type.equals("c") ? "channel" : "group"), type.equals("c") ? "error-room-not-found" : "error-room-not-found");
        }
        Instant oldest;
        Instant latest;
        try {
            oldest = r.q("oldest") == null ? Instant.EPOCH : Instant.parse(r.q("oldest"));
            latest = r.q("latest") == null ? Instant.now().plusSeconds(3600) : Instant.parse(r.q("latest"));
        } catch (DateTimeParseException e) {
            return error("Invalid date", "error-invalid-date");
        }
        boolean inclusive = "true".equals(r.q("inclusive"));
        int count = r.q("count") == null ? 20 : Integer.parseInt(r.q("count"));
        int offset = r.q("offset") == null ? 0 : Integer.parseInt(r.q("offset"));
        List<World.Msg> found = world.messages.values().stream()
                .filter(m -> m.rid.equals(room.id) && !m.deleted)
                .filter(m -> inclusive ? !m.ts.isBefore(oldest) && !m.ts.isAfter(latest) : m.ts.isAfter(oldest) && m.ts.isBefore(latest))
                .sorted(Comparator.comparing((World.Msg m) -> m.ts).reversed())
                .skip(offset).limit(count).toList();
        ObjectNode o = World.JSON.createObjectNode();
        ArrayNode a = o.putArray("messages");
        found.forEach(m -> a.add(world.json(m, false)));
        return ok(o);
    }

    private Reply createDiscussion(JsonNode b) {
        World.Room parent = world.rooms.get(b.path("prid").asText(""));
        if (parent == null) {
            return error("Parent room not found", "error-invalid-room");
        }
        String name = b.path("t_name").asText("").strip();
        if (name.isEmpty()) {
            return error("Discussion name is required", "error-action-not-allowed");
        }
        World.Room d = world.addDiscussion(parent, world.bot, name);
        realtime.messageChanged(d.announcement);
        ObjectNode discussion = d.json().put("rid", d.id);
        return ok((ObjectNode) World.JSON.createObjectNode().set("discussion", discussion));
    }

    private Reply discussions(Request r) {
        World.Room parent = world.rooms.get(String.valueOf(r.q("roomId")));
        if (parent == null) {
            return error("Room not found", "error-room-not-found");
        }
        int count = r.q("count") == null ? 50 : Integer.parseInt(r.q("count"));
        int offset = r.q("offset") == null ? 0 : Integer.parseInt(r.q("offset"));
        List<World.Room> all = world.rooms.values().stream().filter(d -> parent.id.equals(d.prid))
                .sorted(Comparator.comparing((World.Room d) -> d.fname)).toList();
        ObjectNode o = World.JSON.createObjectNode();
        ArrayNode a = o.putArray("discussions");
        all.stream().skip(offset).limit(count).forEach(d -> a.add(d.json()));
        o.put("count", a.size()).put("offset", offset).put("total", all.size());
        return ok(o);
    }

    /**
     * Every room of the server of the asked {@code types} ({@code c}, {@code p}, {@code teams},
     * {@code discussions}), as an admin sees them; refused (401) without {@code view-room-administration}.
     */
    private Reply adminRooms(Request r) {
        if (!world.roomAdministration) {
            // the API description declares only 401 (authorizationError) for this route; Rocket.Chat itself may answer 403
            return new Reply(401, World.JSON.createObjectNode().put("status", "error").put("message", "You must be logged in to do this."));
        }
        List<String> types = r.query().getOrDefault("types", List.of());
        int count = r.q("count") == null ? 50 : Integer.parseInt(r.q("count"));
        int offset = r.q("offset") == null ? 0 : Integer.parseInt(r.q("offset"));
        List<World.Room> all = world.rooms.values().stream().filter(x -> types.isEmpty()
                || x.prid != null && types.contains("discussions")
                || x.teamMain && types.contains("teams")
                || x.prid == null && !x.teamMain && types.contains(x.type)).toList();
        ObjectNode o = World.JSON.createObjectNode();
        ArrayNode a = o.putArray("rooms");
        all.stream().skip(offset).limit(count).forEach(x -> a.add(x.json()));
        o.put("count", a.size()).put("offset", offset).put("total", all.size());
        return ok(o);
    }

    private Reply media(String rid, Upload upload) {
        if (!world.rooms.containsKey(rid)) {
            return error("Room not found", "error-invalid-room");
        }
        if (upload == null) {
            return error("No file uploaded", "error-file-required");
        }
        if (upload.data().length > world.uploadLimit) {
            return error("File size exceeds the allowed size of " + world.uploadLimit + " bytes", "error-file-too-large");
        }
        World.StoredFile f = new World.StoredFile(world.newId(), rid, upload.fileName(), upload.contentType(), upload.data());
        world.files.put(f.id(), f);
        ObjectNode o = World.JSON.createObjectNode();
        o.putObject("file").put("_id", f.id()).put("url", f.url());
        return ok(o);
    }

    private Reply confirm(String rid, String fileId, JsonNode b) {
        World.StoredFile f = world.files.get(fileId);
        World.Room room = world.rooms.get(rid);
        if (f == null || room == null || !f.rid().equals(rid)) {
            return error("File not found", "error-file-not-found");
        }
        boolean used = world.messages.values().stream().anyMatch(m -> m.file == f);
        if (used) {
            return error("File already confirmed", "error-file-not-found");
        }
        boolean impersonating = b != null && (b.hasNonNull("alias") || b.hasNonNull("avatar"));
        if (impersonating && !world.impersonate) {
            return error("Not allowed", "error-action-not-allowed");
        }
        World.Msg m = world.newMessage(null, room, world.bot, b == null ? "" : b.path("msg").asText(""));
        m.file = f;
        if (b != null) {
            m.alias = b.path("alias").isTextual() ? b.get("alias").asText() : null;
            m.avatar = b.path("avatar").isTextual() ? b.get("avatar").asText() : null;
            m.description = b.path("description").isTextual() ? b.get("description").asText() : null;
        }
        if (b != null && b.path("tmid").isTextual()) {
            m.tmid = b.get("tmid").asText();
        }
        realtime.messageChanged(m);
        return ok(msg(world.json(m, false)));
    }
}
