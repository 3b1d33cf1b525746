package coop.comptoir.testing.rocketchat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The fake's state: users, rooms, messages and files. Guarded by its own monitor. */
final class World {
    static final ObjectMapper JSON = new ObjectMapper();
    /** Rocket.Chat's default {@code Message_MaxAllowedSize}. */
    static final int MAX_TEXT = 5000;
    private static final String ALPHABET = "23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz";
    private static final Pattern MENTION = Pattern.compile("(?<![\\w@])@([A-Za-z0-9._-]+)");
    private final SecureRandom random = new SecureRandom();

    final Map<String, FakeUser> users = new LinkedHashMap<>();
    final Map<String, Room> rooms = new LinkedHashMap<>();
    final Map<String, Msg> messages = new LinkedHashMap<>();
    /** Every message created, in order; never deduplicated. */
    final List<Msg> created = new ArrayList<>();
    final Map<String, StoredFile> files = new LinkedHashMap<>();
    final String botToken;
    final FakeUser bot;
    String version = "7.4.0";
    boolean impersonate = true;
    /** Whether the bot holds {@code view-room-administration} ({@code rooms.adminRooms}). */
    boolean roomAdministration = true;
    /** Whether the bot holds {@code delete-message} (removes others' messages). */
    boolean deleteOthers;
    long uploadLimit = 10L * 1024 * 1024;
    private long lastTs;

    World(String botToken, String botUsername) {
        this.botToken = botToken;
        this.bot = addUser(botUsername, "Comptoir");
    }

    /** A Rocket.Chat-style ID: 17 characters of its unambiguous alphabet. */
    String newId() {
        StringBuilder sb = new StringBuilder(17);
        for (int i = 0; i < 17; i++) {
            sb.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return sb.toString();
    }

    FakeUser addUser(String username, String name) {
        FakeUser u = new FakeUser(newId(), username, name);
        users.put(u.id(), u);
        return u;
    }

    Room addRoom(String name, boolean privateGroup) {
        Room r = new Room(newId(), name, privateGroup ? "p" : "c");
        rooms.put(r.id, r);
        return r;
    }

    FakeUser userByName(String username) {
        return users.values().stream().filter(u -> u.username().equals(username)).findFirst().orElse(null);
    }

    /** Strictly growing timestamps, so history order is total. */
    Instant now() {
        long t = Math.max(System.currentTimeMillis(), lastTs + 1);
        lastTs = t;
        return Instant.ofEpochMilli(t);
    }

    Msg newMessage(String id, Room room, FakeUser author, String text) {
        Msg m = new Msg();
        m.id = id == null ? newId() : id;
        m.rid = room.id;
        m.userId = author.id();
        m.text = text == null ? "" : text;
        m.ts = now();
        m.updatedAt = m.ts;
        messages.put(m.id, m);
        created.add(m);
        return m;
    }

    /**
     * A discussion of {@code parent}: a room of the parent's type, its name a random ID and its
     * {@code fname} the name people gave, announced in the parent by a {@code discussion-created}
     * system message carrying {@code drid}.
     */
    Room addDiscussion(Room parent, FakeUser creator, String name) {
        Room r = new Room(newId(), newId(), parent.type);
        r.fname = name;
        r.prid = parent.id;
        r.creator = creator;
        r.ts = now();
        rooms.put(r.id, r);
        Msg m = newMessage(null, parent, creator, name);
        m.t = "discussion-created";
        m.drid = r.id;
        r.announcement = m;
        return r;
    }

    /** The bot's subscription to a room, as {@code subscriptions-changed} carries it. */
    ObjectNode subscription(Room r) {
        ObjectNode o = JSON.createObjectNode().put("_id", r.id + bot.id()).put("rid", r.id).put("name", r.name).put("fname", r.fname)
                .put("t", r.type).put("open", true);
        if (r.archived) {
            o.put("archived", true);
        }
        o.putObject("u").put("_id", bot.id()).put("username", bot.username());
        return o;
    }

    static final class Room {
        final String id;
        String name;
        final String type;
        String fname;
        boolean archived;
        String topic = "";
        String prid;
        /** The team the room belongs to, or null; {@code teamMain} for the team's own room. */
        String teamId;
        boolean teamMain;
        /** Whether the bot is a member ({@code rooms.get} lists only those). */
        boolean botMember = true;
        FakeUser creator;
        Instant ts = Instant.EPOCH;
        Msg announcement;

        Room(String id, String name, String type) {
            this.id = id;
            this.name = name;
            this.fname = name;
            this.type = type;
        }

        ObjectNode json() {
            ObjectNode o = JSON.createObjectNode();
            o.put("_id", id).put("name", name).put("fname", fname).put("t", type).put("topic", topic);
            if (prid != null) {
                o.put("prid", prid).put("ts", ts.toString());
                o.putObject("u").put("_id", creator.id()).put("username", creator.username());
            }
            if (teamId != null) {
                o.put("teamId", teamId);
                if (teamMain) {
                    o.put("teamMain", true);
                }
            }
            if (archived) {
                o.put("archived", true);
            }
            o.put("_updatedAt", Instant.EPOCH.toString());
            return o;
        }
    }

    record StoredFile(String id, String rid, String name, String type, byte[] data) {
        String url() {
            return "/file-upload/" + id + "/" + java.net.URLEncoder.encode(name, java.nio.charset.StandardCharsets.UTF_8)
                    .replace("+", "%20");
        }
    }

    static final class Msg {
        String id;
        String rid;
        String userId;
        String text;
        Instant ts;
        Instant updatedAt;
        String alias;
        String avatar;
        String tmid;
        boolean tshow;
        /** A system message's type ({@code discussion-created}), else null. */
        String t;
        String drid;
        Instant editedAt;
        boolean deleted;
        StoredFile file;
        /** The file's description (Rocket.Chat keeps it in the attachment), or null. */
        String description;
        final Map<String, LinkedHashSet<String>> reactions = new LinkedHashMap<>();
    }

    /** A message as Rocket.Chat shows it: REST ({@code ts} an ISO string) or realtime ({@code {"$date": ms}}). */
    ObjectNode json(Msg m, boolean realtime) {
        ObjectNode o = JSON.createObjectNode();
        FakeUser u = users.get(m.userId);
        o.put("_id", m.id).put("rid", m.rid).put("msg", m.text);
        if (m.t != null) {
            o.put("t", m.t);
        }
        if (m.drid != null) {
            o.put("drid", m.drid);
        }
        date(o, "ts", m.ts, realtime);
        date(o, "_updatedAt", m.updatedAt, realtime);
        o.putObject("u").put("_id", u.id()).put("username", u.username()).put("name", u.name());
        if (m.alias != null) {
            o.put("alias", m.alias);
        }
        if (m.avatar != null) {
            o.put("avatar", m.avatar);
        }
        if (m.tmid != null) {
            o.put("tmid", m.tmid);
            if (m.tshow) {
                o.put("tshow", true);
            }
        }
        if (m.editedAt != null) {
            date(o, "editedAt", m.editedAt, realtime);
            o.putObject("editedBy").put("_id", u.id()).put("username", u.username());
        }
        ArrayNode mentions = o.putArray("mentions");
        Matcher mm = MENTION.matcher(m.text);
        while (mm.find()) {
            String name = mm.group(1);
            if (name.equals("all") || name.equals("here")) {
                mentions.addObject().put("_id", name).put("username", name);
            } else {
                FakeUser target = userByName(name);
                if (target != null) {
                    mentions.addObject().put("_id", target.id()).put("username", target.username()).put("name", target.name());
                }
            }
        }
        o.putArray("channels");
        if (!m.reactions.isEmpty()) {
            ObjectNode r = o.putObject("reactions");
            m.reactions.forEach((emoji, names) -> {
                ArrayNode a = r.putObject(emoji).putArray("usernames");
                names.forEach(a::add);
            });
        }
        if (m.file != null) {
            o.putObject("file").put("_id", m.file.id()).put("name", m.file.name()).put("type", m.file.type());
            ObjectNode a = o.putArray("attachments").addObject();
            a.put("type", "file").put("title", m.file.name()).put("title_link", m.file.url()).put("title_link_download", true);
            if (m.description != null) {
                a.put("description", m.description);
            }
            if (m.file.type().startsWith("image/")) {
                a.put("image_url", m.file.url()).put("image_type", m.file.type()).put("image_size", m.file.data().length);
            }
        }
        return o;
    }

    private static void date(ObjectNode o, String field, Instant t, boolean realtime) {
        if (realtime) {
            o.putObject(field).put("$date", t.toEpochMilli());
        } else {
            o.put(field, t.toString());
        }
    }

    FakeMessage snapshot(Msg m) {
        Map<String, List<String>> reactions = new LinkedHashMap<>();
        m.reactions.forEach((k, v) -> reactions.put(k, List.copyOf(v)));
        FakeUser u = users.get(m.userId);
        return new FakeMessage(m.id, m.rid, m.text, u.id(), u.username(), m.alias, m.avatar, m.tmid, m.ts, m.editedAt != null,
                m.deleted, Map.copyOf(reactions), m.file == null ? null : m.file.name(), m.description);
    }
}
