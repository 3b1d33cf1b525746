package coop.comptoir.bridge.engine;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.api.id.RoomId;
import coop.comptoir.api.matrix.OutgoingMessage;
import coop.comptoir.bridge.api.BridgeException;
import coop.comptoir.bridge.api.RemoteChannel;
import coop.comptoir.bridge.engine.PortalTable.Portal;
import coop.comptoir.bridge.imports.MigrationRecords;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Remote channels renamed, their topic changed, or deleted after they were bridged: the portal's
 * room follows the name and topic (state events sent by the bot, only when they differ), a
 * category's sub-space made by {@code !migration structure … apply} follows its name, and a
 * deleted channel's portal is unlinked with a notice in the room, which keeps its history.
 * The work runs on the engine's executor: the connector's thread never waits on Matrix.
 */
final class ChannelChanges {
    private final Engine e;
    private final Executor exec;

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

    /** Called from the connector's thread; returns at once. */
    void deleted(RemoteChannel channel) {
        run("deletion of " + channel.id(), () -> {
            Optional<Portal> portal = e.portals.byChannel(channel.id());
            if (portal.isEmpty()) {
                return;
            }
            RoomId room = portal.get().room();
            e.unlink(room);
            e.log.info("{} channel {} deleted: unlinked from {}", e.texts.network(), channel.id(), room);
            e.bot.send(room, OutgoingMessage.notice(e.texts.channelDeleted(channel.name())),
                    Txn.of(e.instance, "channel-deleted", room, channel.id().value()));
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
        String now = e.bot.getState(room, type, "").map(c -> c.path(field).asText("")).orElse("");
        if (now.equals(value)) {
            return;
        }
        ObjectNode content = JsonNodeFactory.instance.objectNode().put(field, value);
        e.bot.sendState(room, type, "", content);
        e.log.info("{} of {} follows the {} channel", type, room, e.texts.network());
    }

    private void run(String what, Runnable task) {
        try {
            exec.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException ex) {
                    e.log.warn("Could not apply the {}: {}", what, ex.getMessage());
                }
            });
        } catch (RejectedExecutionException ex) {
            e.log.debug("Dropped the {}: the bridge is stopping", what);
        }
    }
}
