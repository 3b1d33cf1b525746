package coop.comptoir.bridge.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.matrix.OutgoingMessage;
import coop.comptoir.bridge.api.BridgeException;
import coop.comptoir.bridge.api.RemoteChannel;
import coop.comptoir.bridge.engine.PortalTable.Portal;
import coop.comptoir.bridge.imports.MigrationRecords;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Remote channels renamed, their topic changed, deleted or archived after they were bridged: the
 * portal's room follows the name and topic (state events sent by the bot, only when they differ),
 * a category's sub-space made by {@code !migration structure … apply} follows its name, and a
 * deleted or archived channel's portal is unlinked with a notice in the room, which keeps its
 * history.
 *
 * <p>A name or topic set by hand on Matrix is kept: the room follows the old side only while its
 * current {@code m.room.name} (or {@code m.room.topic}) was sent by the bot (when it made the room
 * or at an earlier change), or is absent or empty. Someone who set it on Matrix chose it; to let
 * the old side name the room again, they clear it. The work runs on the engine's executor: the
 * connector's thread never waits on Matrix.
 */
final class ChannelChanges {
    private final Engine e;
    private final Executor exec;
    /** Changes waiting, applied one at a time in the order told: two quick renames end on the last name. */
    private final Deque<Runnable> queue = new ArrayDeque<>();
    private boolean draining;

    ChannelChanges(Engine e, Executor exec) {
        this.e = e;
        this.exec = exec;
    }

    /** Called from the connector's thread; returns at once. */
    void changed(RemoteChannel channel) {
        run("rename of " + channel.id(), () -> {
            Optional<Portal> portal = e.portals.byChannel(channel.id());
            if (portal.isPresent()) {
                // the topic is read again: a network may tell of a name and a topic changed together as
                // two changes, the first with the old topic (the name told is the channel's bare name)
                RoomId room = portal.get().room();
                setIfDifferent(room, "m.room.name", "name", channel.name());
                setIfDifferent(room, "m.room.topic", "topic", currentTopic(channel));
                return;
            }
            MigrationRecords.spaceOfCategory(e.ctx.database(), e.instance, channel.id().value())
                    .ifPresent(space -> setIfDifferent(space, "m.room.name", "name", channel.name()));
        });
    }

    /** Called from the connector's thread; returns at once. {@code archived}: archived rather than deleted. */
    void deleted(RemoteChannel channel, boolean archived) {
        run((archived ? "archiving of " : "deletion of ") + channel.id(), () -> {
            Optional<Portal> portal = e.portals.byChannel(channel.id());
            if (portal.isEmpty()) {
                return;
            }
            RoomId room = portal.get().room();
            e.unlink(room);
            e.log.info("{} channel {} {}: unlinked from {}", e.texts.network(), channel.id(), archived ? "archived" : "deleted", room);
            String notice = archived ? e.texts.channelArchived(channel.name()) : e.texts.channelDeleted(channel.name());
            e.bot.send(room, OutgoingMessage.notice(notice), Txn.of(e.instance, "channel-deleted", room, channel.id().value()));
        });
    }

    /** The channel's topic as the connector sees it now, or as it was told when it cannot say. */
    private String currentTopic(RemoteChannel told) {
        try {
            return e.connector.channel(told.id()).map(RemoteChannel::description).orElse(told.description());
        } catch (BridgeException | RuntimeException ex) {
            return told.description();
        }
    }

    private void setIfDifferent(RoomId room, String type, String field, String value) {
        Optional<JsonNode> current = currentEvent(room, type);
        String now = current.map(ev -> ev.path("content").path(field).asText("")).orElse("");
        if (now.equals(value)) {
            return;
        }
        String sender = current.map(ev -> ev.path("sender").asText("")).orElse("");
        if (!now.isEmpty() && !sender.isEmpty() && !sender.equals(e.bot.userId().value())) {
            e.log.info("{} of {} was set on Matrix by {}: kept, the {} channel's change is not followed", type, room, sender,
                    e.texts.network());
            return;
        }
        ObjectNode content = JsonNodeFactory.instance.objectNode().put(field, value);
        e.bot.sendState(room, type, "", content);
        e.log.info("{} of {} follows the {} channel", type, room, e.texts.network());
    }

    /**
     * The room's current state event of {@code type} (empty state key) with its sender, from the
     * room's whole state as the bot sees it; empty when the room has none.
     */
    private Optional<JsonNode> currentEvent(RoomId room, String type) {
        JsonNode all = e.bot.request("GET", "/_matrix/client/v3/rooms/" + URLEncoder.encode(room.value(), StandardCharsets.UTF_8)
                + "/state", null);
        for (JsonNode ev : all) {
            if (type.equals(ev.path("type").asText()) && ev.path("state_key").asText("").isEmpty()) {
                return Optional.of(ev);
            }
        }
        return Optional.empty();
    }

    private void run(String what, Runnable task) {
        Runnable guarded = () -> {
            try {
                task.run();
            } catch (RuntimeException ex) {
                e.log.warn("Could not apply the {}: {}", what, ex.getMessage());
            }
        };
        synchronized (queue) {
            queue.add(guarded);
            if (draining) {
                return;
            }
            draining = true;
        }
        try {
            exec.execute(this::drain);
        } catch (RejectedExecutionException ex) {
            synchronized (queue) {
                queue.clear();
                draining = false;
            }
            e.log.debug("Dropped the {}: the bridge is stopping", what);
        }
    }

    /** Runs the waiting changes one after the other on one of the engine's threads. */
    private void drain() {
        while (true) {
            Runnable next;
            synchronized (queue) {
                next = queue.poll();
                if (next == null) {
                    draining = false;
                    return;
                }
            }
            next.run();
        }
    }
}
