package coop.comptoir.bridge.rocketchat;

import com.fasterxml.jackson.databind.JsonNode;
import coop.comptoir.api.id.UserId;
import coop.comptoir.bridge.api.BridgeHost;
import coop.comptoir.bridge.api.CarriedReaction;
import coop.comptoir.bridge.api.MatrixContent;
import coop.comptoir.bridge.api.RemoteAttachment;
import coop.comptoir.bridge.api.RemoteChannelId;
import coop.comptoir.bridge.api.RemoteEvent;
import coop.comptoir.bridge.api.RemoteMessageId;
import coop.comptoir.bridge.api.RemoteUser;
import coop.comptoir.bridge.api.RemoteUserId;
import coop.comptoir.bridge.rocketchat.format.RocketText;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Rocket.Chat messages (streamed or from the history) → remote events. Drops the bot's own
 * messages (every message the bridge posts is the bot's) and system messages ({@code t} set).
 * Rocket.Chat streams the whole message again on an edit and on a reaction change: what changed is
 * found by comparing with the last version seen. Thread-safe.
 */
final class Incoming {
    private static final int REMEMBERED = 20_000;
    /** A quote of another message at the start of the text, as Rocket.Chat's "Reply" writes it. */
    private static final java.util.regex.Pattern QUOTE =
            java.util.regex.Pattern.compile("\\[ \\]\\((\\S+?\\?msg=([A-Za-z0-9]+))\\)\\s*");

    private final String botUserId;
    private final java.util.function.Supplier<String> botUsername;
    private final String server;
    private final RocketText text;
    private final BridgeHost host;
    private final Users users;
    /** Message ID → the last {@code editedAt} and reactions seen. */
    private final Map<String, Seen> seen = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Seen> eldest) {
            return size() > REMEMBERED;
        }
    };

    private record Seen(Instant ts, long editedAt, Map<String, Set<String>> reactions) {
    }

    Incoming(String botUserId, java.util.function.Supplier<String> botUsername, String server, RocketText text, BridgeHost host,
             Users users) {
        this.botUserId = botUserId;
        this.botUsername = botUsername;
        this.server = server;
        this.text = text;
        this.host = host;
        this.users = users;
    }

    /** When the message was posted, if it was seen. */
    synchronized Optional<Instant> timestampOf(String id) {
        return Optional.ofNullable(seen.get(id)).map(Seen::ts);
    }

    /** What a streamed message means: a new message, an edit, reactions added or removed (or nothing). */
    List<RemoteEvent> streamed(JsonNode m) {
        List<RemoteEvent> out = new ArrayList<>();
        String id = m.path("_id").asText("");
        if (id.isEmpty() || m.hasNonNull("t")) {
            return out;
        }
        long edited = date(m.path("editedAt")).map(Instant::toEpochMilli).orElse(0L);
        Map<String, Set<String>> reactions = reactions(m);
        Seen before;
        synchronized (this) {
            before = seen.put(id, new Seen(date(m.path("ts")).orElse(Instant.now()), edited, reactions));
        }
        boolean own = botUserId.equals(m.path("u").path("_id").asText());
        RemoteChannelId channel = new RemoteChannelId(m.path("rid").asText());
        if (before == null && edited == 0 && !own) {
            message(m).ifPresent(out::add);
        } else if (edited != 0 && (before == null || before.editedAt != edited) && !own) {
            RemoteEvent.Message now = message(m).orElse(null);
            if (now != null) {
                // a file's text is its caption on Matrix: the edit changes the caption
                MatrixContent content = now.attachments().size() == 1
                        ? now.attachments().get(0).caption().orElse(MatrixContent.text("")) : now.content();
                out.add(new RemoteEvent.Edit(channel, now.id(), now.sender(), Instant.ofEpochMilli(edited), content));
            }
        }
        Map<String, Set<String>> old = before == null ? carried(channel, id) : before.reactions;
        diff(channel, id, reactions, old, true, out);
        diff(channel, id, old, reactions, false, out);
        return out;
    }

    private void diff(RemoteChannelId channel, String id, Map<String, Set<String>> now, Map<String, Set<String>> then,
                      boolean added, List<RemoteEvent> out) {
        for (Map.Entry<String, Set<String>> e : now.entrySet()) {
            for (String username : e.getValue()) {
                if (username.equals(botUsername.get()) || then.getOrDefault(e.getKey(), Set.of()).contains(username)) {
                    continue;
                }
                Optional<Users.Who> who = users.byUsername(username);
                if (who.isEmpty()) {
                    continue;
                }
                RemoteUser sender = new RemoteUser(new RemoteUserId(who.get().id()), who.get().shown(), avatar(username));
                out.add(new RemoteEvent.Reaction(channel, new RemoteMessageId(id), sender, e.getKey(), Optional.empty(), added));
            }
        }
    }

    /**
     * The reactions the engine carried to Matrix on a message not seen since the start (emoji →
     * usernames): compared with what Rocket.Chat shows now, a reaction taken back while the bridge
     * was not running is taken back on Matrix too.
     */
    private Map<String, Set<String>> carried(RemoteChannelId channel, String id) {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        for (CarriedReaction r : host.reactionsOn(channel, new RemoteMessageId(id))) {
            if (!r.fromMatrix()) {
                users.byId(r.reactor()).ifPresent(who -> out.computeIfAbsent(r.key(), k -> new LinkedHashSet<>()).add(who.username()));
            }
        }
        return out;
    }

    /** A message of the history or the stream as a remote message; empty for the bot's own and system messages. */
    Optional<RemoteEvent.Message> message(JsonNode m) {
        if (m.hasNonNull("t") || botUserId.equals(m.path("u").path("_id").asText()) || !m.path("_id").isTextual()) {
            return Optional.empty();
        }
        synchronized (this) {
            seen.putIfAbsent(m.get("_id").asText(), new Seen(date(m.path("ts")).orElse(Instant.now()),
                    date(m.path("editedAt")).map(Instant::toEpochMilli).orElse(0L), reactions(m)));
        }
        JsonNode u = m.path("u");
        String username = u.path("username").asText("?");
        String name = u.path("name").asText("");
        String userId = u.path("_id").asText(username);
        RemoteUser sender = new RemoteUser(new RemoteUserId(userId), name.isBlank() ? username : name, avatar(username));
        if (m.path("alias").isTextual() && !m.get("alias").asText().isBlank()) {
            // an integration posting under another name: a ghost of its own per name, so the user's ghost keeps its name
            String alias = m.get("alias").asText().strip();
            alias = alias.length() > 100 ? alias.substring(0, 100) : alias;
            sender = new RemoteUser(new RemoteUserId(userId + "/" + alias), alias, avatar(username));
        }
        Map<String, UserId> mentioned = new HashMap<>();
        for (JsonNode mention : m.path("mentions")) {
            String mid = mention.path("_id").asText("");
            String mname = mention.path("username").asText("");
            if (!mid.isEmpty() && !mname.isEmpty() && !mid.equals("all") && !mid.equals("here") && !mid.equals(botUserId)) {
                mentioned.put(mname, host.ghostOf(new RemoteUserId(mid)));
            }
        }
        String msg = m.path("msg").asText("");
        Optional<RemoteMessageId> replyTo = Optional.empty();
        java.util.regex.Matcher quote = QUOTE.matcher(msg);
        if (quote.lookingAt() && quote.group(1).startsWith(server + "/")) {
            replyTo = Optional.of(new RemoteMessageId(quote.group(2)));
            msg = msg.substring(quote.end());
        }
        List<JsonNode> files = new ArrayList<>();
        m.path("attachments").forEach(a -> {
            if (a.path("title_link").asText("").startsWith("/file-upload/")) {
                files.add(a);
            }
        });
        // a file's text (the message's, else the file's description) is its caption on Matrix
        String described = files.size() == 1 ? files.get(0).path("description").asText("") : "";
        String captionText = msg.isBlank() ? described : described.isBlank() ? msg : msg + "\n" + described;
        Optional<MatrixContent> caption = files.size() == 1 && !captionText.isBlank()
                ? Optional.of(text.toMatrix(captionText, mentioned)) : Optional.empty();
        MatrixContent content = caption.isPresent() ? MatrixContent.text("") : text.toMatrix(msg, mentioned);
        List<RemoteAttachment> attachments = new ArrayList<>();
        JsonNode file = m.path("file");
        for (JsonNode a : files) {
            String type = file.path("type").asText(a.path("image_type").asText("application/octet-stream"));
            attachments.add(new RemoteAttachment(a.path("title").asText(file.path("name").asText("file")), type,
                    a.path("image_size").asLong(-1), URI.create(server + a.path("title_link").asText()), caption));
        }
        Optional<RemoteMessageId> thread = m.path("tmid").isTextual()
                ? Optional.of(new RemoteMessageId(m.get("tmid").asText())) : Optional.empty();
        return Optional.of(new RemoteEvent.Message(new RemoteChannelId(m.path("rid").asText()), new RemoteMessageId(m.get("_id").asText()),
                sender, date(m.path("ts")).orElse(Instant.now()), content, replyTo, thread, attachments));
    }

    private Optional<URI> avatar(String username) {
        return Optional.of(URI.create(server + "/avatar/" + java.net.URLEncoder.encode(username, java.nio.charset.StandardCharsets.UTF_8)));
    }

    /** Emoji (as Matrix writes it; a custom one as {@code :name:}) → usernames, whatever name Rocket.Chat keeps it under. */
    private static Map<String, Set<String>> reactions(JsonNode m) {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        m.path("reactions").properties().forEach(e -> {
            Set<String> names = out.computeIfAbsent(Emoji.toUnicode(e.getKey()), k -> new LinkedHashSet<>());
            e.getValue().path("usernames").forEach(n -> names.add(n.asText()));
        });
        return out;
    }

    /** {@code {"$date": ms}} (realtime) or an ISO string (REST). */
    static Optional<Instant> date(JsonNode d) {
        if (d.has("$date")) {
            return Optional.of(Instant.ofEpochMilli(d.get("$date").asLong()));
        }
        if (d.isTextual()) {
            try {
                return Optional.of(Instant.parse(d.asText()));
            } catch (java.time.format.DateTimeParseException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }
}
