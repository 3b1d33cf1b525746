package coop.comptoir.bridge.rocketchat;

import com.fasterxml.jackson.databind.JsonNode;
import coop.comptoir.bridge.api.BridgeHost;
import coop.comptoir.bridge.api.RemoteChannel;
import coop.comptoir.bridge.api.RemoteChannelId;
import java.util.Map;
import java.util.concurrent.Executor;
import org.slf4j.Logger;

/**
 * The bot's rooms renamed, given a new topic, archived or deleted on Rocket.Chat, as the realtime
 * API tells of them ({@code rooms-changed}, {@code subscriptions-changed}): the host hears of real
 * changes only (Rocket.Chat also sends {@code rooms-changed} for every new message), found by
 * comparing with the last version of the room seen, which the connector's room cache keeps.
 * Called on the realtime reader thread; REST checks run on {@code background}.
 */
final class RoomChanges {
    private final Map<String, JsonNode> rooms;
    private final RocketRest rest;
    private final Logger log;
    private final BridgeHost host;
    private final Executor background;

    RoomChanges(Map<String, JsonNode> rooms, RocketRest rest, Logger log, BridgeHost host, Executor background) {
        this.rooms = rooms;
        this.rest = rest;
        this.log = log;
        this.host = host;
        this.background = background;
    }

    /** A {@code rooms-changed} event: {@code "updated"}/{@code "inserted"} with the whole room, or {@code "removed"}. */
    void roomChanged(String action, JsonNode room) {
        String rid = room.path("_id").asText("");
        if (rid.isEmpty()) {
            return;
        }
        JsonNode before = "removed".equals(action) ? rooms.remove(rid) : rooms.put(rid, room);
        if (before == null || !before.path("t").asText().matches("[cp]")) {
            return; // first seen (nothing to compare), or not a channel or group
        }
        if ("removed".equals(action)) {
            log.info("Rocket.Chat room {} was deleted", rid);
            host.channelDeleted(remote(rid, before));
        } else if (room.path("archived").asBoolean(false) && !before.path("archived").asBoolean(false)) {
            log.info("Rocket.Chat room {} was archived", rid);
            host.channelArchived(remote(rid, room));
        } else if (!shownName(room).equals(shownName(before))
                || !room.path("topic").asText("").equals(before.path("topic").asText(""))) {
            host.channelChanged(remote(rid, room)); // Rocket.Chat tells of every new message too: only real changes count
        }
    }

    /** A {@code subscriptions-changed} event: only {@code "removed"} (the bot out of a room it was in) matters here. */
    void subscriptionChanged(String action, JsonNode subscription) {
        String rid = subscription.path("rid").asText("");
        if (!"removed".equals(action) || !rooms.containsKey(rid)) {
            return;
        }
        // the bot is out of the room: deleted (Rocket.Chat removes the subscriptions first, and the room's own
        // "removed" may not follow), or the bot was removed from it. A public channel stays readable unless
        // deleted; a private group the bot left cannot be told from a deleted one, so only its "removed" counts.
        background.execute(() -> {
            try {
                rest.get("/api/v1/rooms.info", "roomId", rid);
                log.warn("The bot was removed from Rocket.Chat room {}: messages from Matrix cannot reach it until it is back", rid);
            } catch (RocketRest.Failure f) {
                JsonNode before = rooms.get(rid);
                if (f.status != 400 || before == null) {
                    return;
                }
                if (!"c".equals(before.path("t").asText())) {
                    log.warn("The bot is out of Rocket.Chat group {} (deleted, or the bot was removed): messages from Matrix"
                            + " cannot reach it", rid);
                } else if (rooms.remove(rid) != null) {
                    log.info("Rocket.Chat room {} was deleted", rid);
                    host.channelDeleted(remote(rid, before));
                }
            }
        });
    }

    /** The name people see: {@code fname} (display name), else {@code name}. */
    static String shownName(JsonNode room) {
        return room.path("fname").asText(room.path("name").asText(""));
    }

    static RemoteChannel remote(String rid, JsonNode room) {
        String name = shownName(room);
        return new RemoteChannel(new RemoteChannelId(rid), name.isEmpty() ? rid : name, room.path("topic").asText(""));
    }
}
