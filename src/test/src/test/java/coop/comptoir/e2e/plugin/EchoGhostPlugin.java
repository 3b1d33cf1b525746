package coop.comptoir.e2e.plugin;

import coop.comptoir.api.event.EventTypes;
import coop.comptoir.api.event.MatrixEvent;
import coop.comptoir.api.id.UserId;
import coop.comptoir.api.matrix.MatrixClient;
import coop.comptoir.api.matrix.OutgoingMessage;
import coop.comptoir.api.plugin.Namespaces;
import coop.comptoir.api.plugin.Plugin;
import coop.comptoir.api.plugin.PluginConfig;
import coop.comptoir.api.plugin.PluginContext;
import coop.comptoir.api.plugin.PluginFactory;

/**
 * A plugin for the end-to-end suite only (never shipped): owns the ghosts {@code @_echo_*}. The
 * homeserver's user query creates the ghost and names it "Écho N"; an invited ghost joins and says
 * "bonjour". It exercises the namespace, user query, ghost registration and identity assertion paths
 * the bridges will use.
 */
public final class EchoGhostPlugin implements Plugin {
    private final PluginContext ctx;

    EchoGhostPlugin(PluginContext ctx) {
        this.ctx = ctx;
        ctx.events().on(EventTypes.ROOM_MEMBER, this::onMember);
    }

    private boolean owns(UserId user) {
        return user.localpart().startsWith("_echo_") && user.serverName().equals(ctx.serverName());
    }

    @Override
    public boolean queryUser(UserId user) {
        if (!owns(user)) {
            return false;
        }
        MatrixClient ghost = ctx.matrix().as(user);
        ghost.ensureRegistered();
        ghost.setDisplayName("Écho " + user.localpart().substring("_echo_".length()));
        return true;
    }

    private void onMember(MatrixEvent event) {
        event.membership().ifPresent(m -> {
            if (m.isInvite() && owns(m.target())) {
                MatrixClient ghost = ctx.matrix().as(m.target());
                ghost.ensureRegistered();
                ghost.join(event.roomId().value());
                ghost.send(event.roomId(), OutgoingMessage.text("bonjour"), "hello-" + event.eventId().value());
            }
        });
    }

    /** The factory found through ServiceLoader. */
    public static final class Factory implements PluginFactory<Factory.Settings> {
        /** No keys: an instance section holds only type and id. */
        public record Settings() {}

        @Override
        public Class<Settings> configType() {
            return Settings.class;
        }

        @Override
        public String type() {
            return "echo-ghost";
        }

        @Override
        public Namespaces namespaces(Settings config, PluginConfig section) {
            return Namespaces.exclusiveUsers("_echo_", section.serverName());
        }

        @Override
        public Plugin create(Settings config, PluginContext context) {
            return new EchoGhostPlugin(context);
        }
    }
}
