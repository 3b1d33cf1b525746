package coop.comptoir.internal.core;

import coop.comptoir.api.command.Command;
import coop.comptoir.api.event.EventTypes;
import coop.comptoir.api.event.MatrixEvent;
import coop.comptoir.api.matrix.MatrixException;
import coop.comptoir.api.plugin.Plugin;
import coop.comptoir.api.plugin.PluginContext;
import java.time.Clock;
import coop.comptoir.api.text.Catalogue;
import coop.comptoir.internal.command.CommandRouterImpl;
import org.slf4j.Logger;

/**
 * What every Comptoir does, whatever plugins are on: joins rooms it is invited to by users of its
 * own homeserver, and answers {@code !ping} (the smallest end-to-end path: homeserver → transaction
 * → dispatch → command → client → homeserver).
 */
public final class CorePlugin implements Plugin {
    public static final String INSTANCE_ID = "core";

    private final PluginContext ctx;
    private final Clock clock;
    private final Logger log;

    public CorePlugin(PluginContext ctx) {
        this.ctx = ctx;
        this.clock = ctx.clock();
        this.log = ctx.log();
        ctx.events().on(EventTypes.ROOM_MEMBER,
                e -> e.stateKey().filter(k -> k.equals(ctx.botUserId().value())).isPresent(), this::onMember);
        Catalogue texts = Catalogue.load(CommandRouterImpl.BUNDLE, CorePlugin.class, ctx.texts());
        ctx.commands().register(Command.of("ping", texts.in("fr").text("ping.help"), texts.in("en").text("ping.help"), inv -> {
            long ms = Math.max(0, clock.millis() - inv.event().originServerTs());
            inv.reply(texts.in(inv.locale().getLanguage()).text("ping.pong", "ms", String.valueOf(ms)));
        }));
    }

    private void onMember(MatrixEvent event) {
        event.membership().ifPresent(m -> {
            if (!m.isInvite() || !m.target().equals(ctx.botUserId())) {
                return;
            }
            if (!ctx.serverName().equals(event.sender().serverName())) {
                log.info("Ignoring an invitation to {} from {}: only users of {} can invite the bot",
                        event.roomId(), event.sender(), ctx.serverName());
                return;
            }
            try {
                ctx.matrix().join(event.roomId().value());
                log.info("Joined {} on the invitation of {}", event.roomId(), event.sender());
            } catch (MatrixException e) {
                log.warn("Could not join {}: {}", event.roomId(), e.getMessage());
            }
        });
    }
}
