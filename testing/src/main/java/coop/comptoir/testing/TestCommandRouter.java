package coop.comptoir.testing;

import coop.comptoir.api.command.CommandRouter;
import coop.comptoir.api.event.MatrixEvent;
import coop.comptoir.api.id.UserId;
import coop.comptoir.api.matrix.MatrixClient;
import coop.comptoir.internal.command.CommandRouterImpl;
import java.util.Set;

/**
 * The runtime's command router, for tests that play messages to a plugin's commands: same parsing,
 * permissions, help and answers as in production. Answers go through {@code matrix}.
 */
public final class TestCommandRouter {
    private final CommandRouterImpl router;

    /**
     * @param prefix what starts a command, e.g. {@code "!"}
     * @param admins who may run administrator commands
     * @param language {@code "fr"} or {@code "en"}: the language of the router's own answers
     * @param matrix the client the answers are sent with (a fake recording them, usually)
     * @param botDisplayName the bot's name, as shown in the help
     */
    public TestCommandRouter(String prefix, Set<UserId> admins, String language, MatrixClient matrix,
            String botDisplayName) {
        this.router = new CommandRouterImpl(prefix, admins, language, matrix, botDisplayName);
    }

    /**
     * @param texts the router's language and address (the top-level {@code language:} and
     *              {@code address:}) and the coop's overrides
     */
    public TestCommandRouter(String prefix, Set<UserId> admins, coop.comptoir.api.text.TextSettings texts,
            MatrixClient matrix, String botDisplayName) {
        this.router = new CommandRouterImpl(prefix, admins, texts, matrix, botDisplayName);
    }

    /** The router as the plugin instance {@code instanceId} sees it (what its context would give). */
    public CommandRouter forInstance(String instanceId) {
        return router.forInstance(instanceId);
    }

    /**
     * Drops the commands of the instance {@code instanceId}, as the runtime does when that instance
     * fails to start (commands shared by a group stay: other members may serve them).
     */
    public void unregisterAll(String instanceId) {
        router.unregisterAll(instanceId);
    }

    /** Handles one {@code m.room.message} as the runtime does; runs the command on this thread. */
    public void onMessage(MatrixEvent event) {
        router.onMessage(event);
    }
}
