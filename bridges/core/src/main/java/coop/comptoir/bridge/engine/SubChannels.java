package coop.comptoir.bridge.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.id.UserId;
import coop.comptoir.api.matrix.OutgoingMessage;
import coop.comptoir.bridge.api.BackfillCapable;
import coop.comptoir.bridge.api.BridgeException;
import coop.comptoir.bridge.api.RemoteChannel;
import coop.comptoir.bridge.api.RemoteChannelId;
import coop.comptoir.bridge.api.RemoteEvent;
import coop.comptoir.bridge.api.RemoteMessageId;
import coop.comptoir.bridge.api.SubChannelCapable;
import coop.comptoir.bridge.engine.CursorTable.Cursor;
import coop.comptoir.bridge.engine.PortalTable.Portal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Sub-channels (Rocket.Chat's discussions) as Matrix rooms. A sub-channel opened under a portal's
 * channel comes as a {@link RemoteEvent.SubChannel} through the parent's durable queue to Matrix;
 * delivering it ({@link #open}) creates a room named like it, in the parent room's spaces, joinable
 * by the parent's members (or by anyone when the parent is public), with the parent's moderators
 * and admins at their level; makes it a portal; and posts a notice with a link in the parent room. Delivered again
 * (a retry after a crash), it finds the portal and does nothing.
 *
 * <p>Sub-channels opened while the bridge was away are found by {@link #sweep} at each
 * (re)connection: the ones newer than both the parent's link and the last one opened. Older ones
 * (opened before the parent was linked) are listed by {@code !bridge status} and opened on demand
 * ({@link #bringOver}), so that an old channel's dozens of finished discussions do not flood the
 * coop's space.
 */
final class SubChannels {
    /** The parent room's cursor: the time (epoch ms, as text) of the newest sub-channel opened. */
    static final String CURSOR = "sub_channels";

    private final Engine e;

    SubChannels(Engine engine) {
        this.e = engine;
    }

    /** The connector's sub-channel support, if it has any. */
    Optional<SubChannelCapable> capable() {
        return e.connector instanceof SubChannelCapable s ? Optional.of(s) : Optional.empty();
    }

    /**
     * Opens a sub-channel's room (called from the parent room's queue). May block.
     *
     * @throws Exception a {@link BridgeException} or Matrix failure, retried by the queue when it is transient
     */
    void open(RoomId parentRoom, RemoteEvent.SubChannel ev) throws Exception {
        RemoteChannelId child = ev.subChannel().id();
        Portal parent = e.portals.byRoom(parentRoom).orElse(null);
        if (parent == null || e.portals.byChannel(child).isPresent()) {
            return;
        }
        Optional<RemoteChannel> seen = e.connector.channel(child); // follows it too
        if (seen.isEmpty()) {
            e.log.warn("Sub-channel {} of {} is not visible to the bot: no Matrix room for it", child, parent.channel());
            return;
        }
        String name = seen.get().name().isBlank() ? ev.subChannel().name() : seen.get().name();
        RoomId room = e.bot.createRoom(createRequest(parentRoom, name, child));
        boolean fromStart = !ev.timestamp().isBefore(parent.linkedAt());
        if (!adopt(room, child, fromStart)) {
            e.log.warn("Sub-channel {} got a portal meanwhile; room {} left unused", child, room);
            return;
        }
        e.log.info("Sub-channel {} ({}) of {} opened as {}", child, name, parent.channel(), room);
        shareModerators(parentRoom, room);
        for (RoomId space : spacesOf(parentRoom)) {
            try {
                ObjectNode via = EventCodec.JSON.createObjectNode();
                via.putArray("via").add(e.ctx.serverName());
                e.bot.sendState(space, "m.space.child", room.value(), via);
            } catch (RuntimeException ex) {
                e.log.warn("Could not add {} to the space {} ({}); give the bot power there to list discussions", room, space,
                        ex.getMessage());
            }
        }
        advance(parentRoom, parent.channel(), ev.timestamp());
        String link = "https://matrix.to/#/" + room.value() + "?via=" + e.ctx.serverName();
        String plain = e.texts.subChannelOpened("« " + name + " » " + link);
        String html = e.texts.subChannelOpened("<a href=\"" + link + "\">" + escape(name) + "</a>");
        try {
            e.bot.send(parentRoom, OutgoingMessage.noticeHtml(plain, html), Txn.of(e.instance, "sub-channel", child));
        } catch (RuntimeException ex) {
            e.log.warn("Could not announce the discussion room {} in {}: {}", room, parentRoom, ex.getMessage());
        }
    }

    private ObjectNode createRequest(RoomId parentRoom, String name, RemoteChannelId child) {
        ObjectNode req = EventCodec.JSON.createObjectNode();
        req.put("name", name);
        req.put("topic", e.texts.subChannelTopic());
        req.put("preset", "private_chat");
        req.putObject("creation_content").put("coop.comptoir.bridge.sub_channel", e.instance + "/" + child.value());
        ArrayNode state = req.putArray("initial_state");
        boolean publicParent = e.bot.getState(parentRoom, "m.room.join_rules", "")
                .map(j -> "public".equals(j.path("join_rule").asText())).orElse(false);
        ObjectNode joinRules = state.addObject().put("type", "m.room.join_rules").put("state_key", "");
        List<RoomId> spaces = spacesOf(parentRoom);
        if (publicParent) {
            joinRules.putObject("content").put("join_rule", "public");
        } else {
            ObjectNode content = joinRules.putObject("content").put("join_rule", "restricted");
            ArrayNode allow = content.putArray("allow");
            allow.addObject().put("type", "m.room_membership").put("room_id", parentRoom.value());
            spaces.forEach(s -> allow.addObject().put("type", "m.room_membership").put("room_id", s.value()));
        }
        state.addObject().put("type", "m.room.history_visibility").put("state_key", "").putObject("content")
                .put("history_visibility", "shared");
        for (RoomId space : spaces) {
            ObjectNode parent = state.addObject().put("type", "m.space.parent").put("state_key", space.value()).putObject("content");
            parent.putArray("via").add(e.ctx.serverName());
        }
        return req;
    }

    /**
     * Makes the room of a sub-channel a portal. A new sub-channel ({@code fromStart}) is read from
     * its first message, said maybe before its room existed; an older one brought over starts now
     * (its past is {@code !bridge import}'s job). False if either is linked already.
     */
    private boolean adopt(RoomId room, RemoteChannelId channel, boolean fromStart) throws BridgeException {
        if (!e.portals.add(new Portal(room, channel, PortalTable.Origin.SUB_CHANNEL, null, e.clock.instant()))) {
            return false;
        }
        if (!fromStart || !(e.connector instanceof BackfillCapable backfill)) {
            e.markPosition(room, channel);
            e.nowInStep(room);
            return true;
        }
        Optional<RemoteMessageId> position = Optional.empty();
        List<RemoteEvent.Message> batch;
        do {
            batch = backfill.messagesAfter(channel, position, Engine.BATCH);
            for (RemoteEvent.Message m : batch) {
                if (!e.storeCaughtUp(m)) {
                    return true; // stopping
                }
                position = Optional.of(m.id());
            }
        } while (batch.size() == Engine.BATCH);
        if (position.isPresent()) {
            e.cursors.put(new Cursor(room, CursorTable.CATCH_UP, channel, position, 0, null, Optional.empty()), e.clock.millis());
        } else {
            e.markPosition(room, channel);
        }
        e.nowInStep(room);
        e.lanes.kick(Direction.TO_MATRIX, room);
        return true;
    }

    /**
     * Gives the parent room's moderators and admins their level in the new room. Done after the
     * creation, not with {@code power_level_content_override}: from room version 12 the creator
     * must not be listed, before it it must, and which version Synapse picks is its choice.
     */
    private void shareModerators(RoomId parentRoom, RoomId room) {
        try {
            Optional<ObjectNode> parentLevels = e.bot.getState(parentRoom, "m.room.power_levels", "");
            Optional<ObjectNode> levels = e.bot.getState(room, "m.room.power_levels", "");
            if (parentLevels.isEmpty() || levels.isEmpty()) {
                return;
            }
            ObjectNode users = levels.get().with("users");
            boolean changed = false;
            for (var u : parentLevels.get().path("users").properties()) {
                long level = u.getValue().asLong(0);
                if (level >= 50 && !e.ghostIds.isGhost(UserId.of(u.getKey())) && !u.getKey().equals(e.bot.userId().value())
                        && users.path(u.getKey()).asLong(0) < level) {
                    users.put(u.getKey(), Math.min(level, 100));
                    changed = true;
                }
            }
            if (changed) {
                e.bot.sendState(room, "m.room.power_levels", "", levels.get());
            }
        } catch (RuntimeException ex) {
            e.log.warn("Could not give the moderators of {} their level in {}: {}", parentRoom, room, ex.getMessage());
        }
    }

    /** The spaces a room says it belongs to ({@code m.space.parent}); empty when unreadable. */
    private List<RoomId> spacesOf(RoomId room) {
        List<RoomId> out = new ArrayList<>();
        try {
            JsonNode all = e.bot.request("GET", "/_matrix/client/v3/rooms/" + URLEncoder.encode(room.value(), StandardCharsets.UTF_8)
                    + "/state", null);
            for (JsonNode ev : all) {
                if ("m.space.parent".equals(ev.path("type").asText()) && ev.path("content").path("via").isArray()
                        && !ev.path("content").path("via").isEmpty()) {
                    out.add(RoomId.of(ev.path("state_key").asText()));
                }
            }
        } catch (RuntimeException ex) {
            e.log.debug("Could not read the spaces of {}: {}", room, ex.getMessage());
        }
        return out;
    }

    private void advance(RoomId parentRoom, RemoteChannelId channel, Instant at) {
        if (at.toEpochMilli() > newestOpened(parentRoom, channel)) {
            e.cursors.put(new Cursor(parentRoom, CURSOR, channel,
                    Optional.of(new RemoteMessageId(Long.toString(at.toEpochMilli()))), 0, null,
                    Optional.empty()), e.clock.millis());
        }
    }

    private long newestOpened(RoomId parentRoom, RemoteChannelId channel) {
        return e.cursors.get(parentRoom, CURSOR, channel).flatMap(Cursor::position)
                .map(p -> p.value().matches("\\d+") ? Long.parseLong(p.value()) : 0L).orElse(0L);
    }

    /**
     * Queues the sub-channels opened while the bridge was away (newer than the parent's link and
     * than the last one opened). Runs at each (re)connection, on the engine's threads; never throws.
     */
    void sweep() {
        SubChannelCapable cap = capable().orElse(null);
        if (cap == null) {
            return;
        }
        for (Portal p : e.portals.all()) {
            long since = Math.max(p.linkedAt().toEpochMilli(), newestOpened(p.room(), p.channel()));
            try {
                for (RemoteEvent.SubChannel sc : cap.subChannels(p.channel())) {
                    if (sc.timestamp().toEpochMilli() > since && e.portals.byChannel(sc.subChannel().id()).isEmpty()) {
                        e.receive(sc);
                    }
                }
            } catch (BridgeException | RuntimeException ex) {
                e.log.info("Could not list the discussions of {} ({}); looked at again at the next connection", p.channel(),
                        ex.getMessage());
            }
        }
    }

    /** The sub-channels of a portal's channel that have no room yet, oldest first. May block. */
    List<RemoteEvent.SubChannel> notOpened(Portal p) throws BridgeException {
        SubChannelCapable cap = capable().orElse(null);
        if (cap == null) {
            return List.of();
        }
        return cap.subChannels(p.channel()).stream().filter(sc -> e.portals.byChannel(sc.subChannel().id()).isEmpty()).toList();
    }

    /** Queues the opening of sub-channels that existed before the link (all, or those named {@code name}); how many. */
    int bringOver(Portal p, String name) throws BridgeException {
        int n = 0;
        for (RemoteEvent.SubChannel sc : notOpened(p)) {
            if (name.isBlank() || sc.subChannel().name().equalsIgnoreCase(name.strip())) {
                e.receive(sc);
                n++;
            }
        }
        return n;
    }

    /** Opens a sub-channel on the network for a Matrix user and queues its room. May block. */
    RemoteChannel create(Portal p, String name, UserId by) throws BridgeException {
        SubChannelCapable cap = capable().orElseThrow();
        RemoteChannel made = cap.createSubChannel(p.channel(), name, e.sender(p.room(), by));
        e.receive(new RemoteEvent.SubChannel(p.channel(), made, Optional.empty(), e.clock.instant()));
        return made;
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
