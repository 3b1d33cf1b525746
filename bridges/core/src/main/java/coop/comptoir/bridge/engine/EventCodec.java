package coop.comptoir.bridge.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.api.id.UserId;
import coop.comptoir.bridge.api.MatrixContent;
import coop.comptoir.bridge.api.RemoteAttachment;
import coop.comptoir.bridge.api.RemoteChannelId;
import coop.comptoir.bridge.api.RemoteEvent;
import coop.comptoir.bridge.api.RemoteMessageId;
import coop.comptoir.bridge.api.RemoteUser;
import coop.comptoir.bridge.api.RemoteUserId;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Remote events to and from the JSON kept in the outbox. */
final class EventCodec {
    static final ObjectMapper JSON = new ObjectMapper();

    private EventCodec() {}

    static String kind(RemoteEvent e) {
        if (e instanceof RemoteEvent.Message) {
            return "message";
        } else if (e instanceof RemoteEvent.Edit) {
            return "edit";
        } else if (e instanceof RemoteEvent.Delete) {
            return "delete";
        } else if (e instanceof RemoteEvent.SubChannel) {
            return "sub_channel";
        }
        return "reaction";
    }

    static String encode(RemoteEvent e) {
        ObjectNode o = JSON.createObjectNode();
        o.put("channel", e.channel().value());
        if (e instanceof RemoteEvent.Message m) {
            o.put("id", m.id().value());
            o.set("sender", user(m.sender()));
            o.put("ts", m.timestamp().toEpochMilli());
            o.set("content", content(m.content()));
            m.replyTo().ifPresent(r -> o.put("reply_to", r.value()));
            m.threadRoot().ifPresent(r -> o.put("thread_root", r.value()));
            ArrayNode atts = o.putArray("attachments");
            m.attachments().forEach(a -> atts.add(attachment(a)));
        } else if (e instanceof RemoteEvent.Edit ed) {
            o.put("id", ed.id().value());
            o.set("sender", user(ed.sender()));
            o.put("ts", ed.timestamp().toEpochMilli());
            o.set("content", content(ed.content()));
        } else if (e instanceof RemoteEvent.Delete d) {
            o.put("id", d.id().value());
        } else if (e instanceof RemoteEvent.Reaction r) {
            o.put("message", r.message().value());
            o.set("sender", user(r.sender()));
            o.put("key", r.key());
            r.image().ifPresent(i -> o.set("image", attachment(i)));
            o.put("added", r.added());
        } else if (e instanceof RemoteEvent.SubChannel sc) {
            o.put("id", sc.subChannel().id().value());
            o.put("name", sc.subChannel().name());
            o.put("description", sc.subChannel().description());
            sc.creator().ifPresent(u -> o.set("sender", user(u)));
            o.put("ts", sc.timestamp().toEpochMilli());
        }
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
    }

    static RemoteEvent decode(String kind, String payload) {
        JsonNode o;
        try {
            o = JSON.readTree(payload);
        } catch (JsonProcessingException ex) {
            throw new IllegalArgumentException("unreadable outbox payload", ex);
        }
        RemoteChannelId channel = new RemoteChannelId(o.path("channel").asText());
        return switch (kind) {
            case "message" -> {
                List<RemoteAttachment> atts = new ArrayList<>();
                o.path("attachments").forEach(a -> atts.add(attachment(a)));
                yield new RemoteEvent.Message(channel, new RemoteMessageId(o.path("id").asText()), user(o.path("sender")),
                        Instant.ofEpochMilli(o.path("ts").asLong()), content(o.path("content")),
                        optId(o, "reply_to"), optId(o, "thread_root"), atts);
            }
            case "edit" -> new RemoteEvent.Edit(channel, new RemoteMessageId(o.path("id").asText()), user(o.path("sender")),
                    Instant.ofEpochMilli(o.path("ts").asLong()), content(o.path("content")));
            case "delete" -> new RemoteEvent.Delete(channel, new RemoteMessageId(o.path("id").asText()));
            case "reaction" -> new RemoteEvent.Reaction(channel, new RemoteMessageId(o.path("message").asText()), user(o.path("sender")),
                    o.path("key").asText(), o.has("image") ? Optional.of(attachment(o.get("image"))) : Optional.empty(),
                    o.path("added").asBoolean());
            case "sub_channel" -> new RemoteEvent.SubChannel(channel, new coop.comptoir.bridge.api.RemoteChannel(
                    new RemoteChannelId(o.path("id").asText()), o.path("name").asText(), o.path("description").asText("")),
                    o.has("sender") ? Optional.of(user(o.get("sender"))) : Optional.empty(), Instant.ofEpochMilli(o.path("ts").asLong()));
            default -> throw new IllegalArgumentException("unknown outbox kind " + kind);
        };
    }

    private static Optional<RemoteMessageId> optId(JsonNode o, String field) {
        return o.hasNonNull(field) ? Optional.of(new RemoteMessageId(o.get(field).asText())) : Optional.empty();
    }

    private static ObjectNode user(RemoteUser u) {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", u.id().value());
        o.put("name", u.displayName());
        u.avatar().ifPresent(a -> o.put("avatar", a.toString()));
        return o;
    }

    private static RemoteUser user(JsonNode o) {
        return new RemoteUser(new RemoteUserId(o.path("id").asText()), o.path("name").asText(),
                o.hasNonNull("avatar") ? Optional.of(URI.create(o.get("avatar").asText())) : Optional.empty());
    }

    private static ObjectNode content(MatrixContent c) {
        ObjectNode o = JSON.createObjectNode();
        o.put("msgtype", c.msgtype());
        o.put("body", c.body());
        c.html().ifPresent(h -> o.put("html", h));
        ArrayNode m = o.putArray("mentions");
        c.mentions().stream().sorted().forEach(u -> m.add(u.value()));
        return o;
    }

    private static MatrixContent content(JsonNode o) {
        Set<UserId> mentions = new LinkedHashSet<>();
        o.path("mentions").forEach(u -> mentions.add(UserId.of(u.asText())));
        return new MatrixContent(o.path("msgtype").asText("m.text"), o.path("body").asText(""),
                o.hasNonNull("html") ? Optional.of(o.get("html").asText()) : Optional.empty(), mentions);
    }

    private static ObjectNode attachment(RemoteAttachment a) {
        ObjectNode o = JSON.createObjectNode();
        o.put("name", a.fileName());
        o.put("type", a.contentType());
        o.put("size", a.size());
        o.put("url", a.url().toString());
        a.caption().ifPresent(c -> o.set("caption", content(c)));
        return o;
    }

    private static RemoteAttachment attachment(JsonNode o) {
        return new RemoteAttachment(o.path("name").asText(), o.path("type").asText(), o.path("size").asLong(-1),
                URI.create(o.path("url").asText()), o.has("caption") ? Optional.of(content(o.get("caption"))) : Optional.empty());
    }
}
