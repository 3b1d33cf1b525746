package coop.comptoir.bridge.rocketchat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.bridge.api.RemoteChannel;
import coop.comptoir.bridge.api.RemoteChannelId;
import coop.comptoir.bridge.api.RemoteEvent;
import coop.comptoir.bridge.api.RemoteUser;
import coop.comptoir.bridge.api.RemoteUserId;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Rocket.Chat discussions: rooms with a {@code prid} (their parent), announced in the parent by a
 * {@code discussion-created} system message carrying {@code drid}. Read with
 * {@code rooms.getDiscussions}, created with {@code rooms.createDiscussion}; every call may block.
 */
final class Discussions {
    static final String CREATED = "discussion-created";
    private static final int PAGE = 100;
    private static final int MAX = 2_000;

    private final RocketRest rest;
    private final String server;

    Discussions(RocketRest rest, String server) {
        this.rest = rest;
        this.server = server;
    }

    /** A streamed message announcing a discussion, as the event for the engine; empty for any other message. */
    Optional<RemoteEvent.SubChannel> announced(JsonNode m) {
        if (!CREATED.equals(m.path("t").asText()) || !m.path("drid").isTextual() || !m.path("rid").isTextual()) {
            return Optional.empty();
        }
        RemoteChannel d = new RemoteChannel(new RemoteChannelId(m.get("drid").asText()), m.path("msg").asText(""), "");
        return Optional.of(new RemoteEvent.SubChannel(new RemoteChannelId(m.get("rid").asText()), d, user(m.path("u")),
                Incoming.date(m.path("ts")).orElse(Instant.now())));
    }

    /** The discussions of a room, oldest first. */
    List<RemoteEvent.SubChannel> of(RemoteChannelId parent) throws RocketRest.Failure {
        List<RemoteEvent.SubChannel> out = new ArrayList<>();
        for (int offset = 0; offset < MAX; offset += PAGE) {
            JsonNode page = rest.get("/api/v1/rooms.getDiscussions", "roomId", parent.value(), "count", Integer.toString(PAGE),
                    "offset", Integer.toString(offset)).path("discussions");
            for (JsonNode d : page) {
                if (!d.path("_id").isTextual()) {
                    continue;
                }
                RemoteChannel c = new RemoteChannel(new RemoteChannelId(d.get("_id").asText()),
                        d.path("fname").asText(d.path("name").asText(d.get("_id").asText())), d.path("topic").asText(""));
                out.add(new RemoteEvent.SubChannel(parent, c, user(d.path("u")), Incoming.date(d.path("ts")).orElse(Instant.EPOCH)));
            }
            if (page.size() < PAGE) {
                break;
            }
        }
        out.sort(Comparator.comparing(RemoteEvent.SubChannel::timestamp));
        return out;
    }

    /** Creates a discussion under {@code parent} and returns it. */
    RemoteChannel create(RemoteChannelId parent, String name) throws RocketRest.Failure {
        ObjectNode req = RocketRest.JSON.createObjectNode().put("prid", parent.value()).put("t_name", name);
        JsonNode d = rest.post("/api/v1/rooms.createDiscussion", req).path("discussion");
        String id = d.path("_id").asText(d.path("rid").asText(""));
        if (id.isEmpty()) {
            throw new RocketRest.Failure(400, "", "rooms.createDiscussion answered without the discussion's ID", null, null);
        }
        return new RemoteChannel(new RemoteChannelId(id), d.path("fname").asText(name), d.path("topic").asText(""));
    }

    private Optional<RemoteUser> user(JsonNode u) {
        if (!u.path("_id").isTextual()) {
            return Optional.empty();
        }
        String username = u.path("username").asText(u.get("_id").asText());
        String name = u.path("name").asText("");
        return Optional.of(new RemoteUser(new RemoteUserId(u.get("_id").asText()), name.isBlank() ? username : name,
                Optional.of(URI.create(server + "/avatar/" + URLEncoder.encode(username, StandardCharsets.UTF_8)))));
    }
}
