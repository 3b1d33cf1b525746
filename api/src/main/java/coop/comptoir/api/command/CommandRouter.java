package coop.comptoir.api.command;

/**
 * Commands in rooms: {@code !name args} or the mention form ({@code Comptoir: name args}). The
 * router answers {@code !help} / {@code !aide} from every registered command's help text, and checks
 * the permission before calling the handler.
 *
 * <p>Each plugin instance gets its own router from its context: what it registers belongs to that
 * instance (dropped if the instance fails to start, listed under it in the help). Names are unique
 * across all instances of a runtime, so a plugin type that may run twice takes its command names
 * from its config section (forum: {@code command}; welcome and shifts: {@code commands}) and
 * declares them with {@link coop.comptoir.api.plugin.PluginFactory#commands}: a clash between two
 * instances is then refused by {@code check-config} and at start-up, naming both.
 */
public interface CommandRouter {
    /**
     * Registers a command of this instance. Call it while the instance is created (in
     * {@link coop.comptoir.api.plugin.PluginFactory#create}), so that a clash stops start-up. Never blocks.
     *
     * @throws IllegalArgumentException when a name or alias (case-insensitive) is taken, by another
     *                                  instance or by the runtime ({@code aide}, {@code help}); the
     *                                  message names both instances. Let it propagate: swallowing it
     *                                  leaves the instance without its command and nobody told.
     */
    void register(Command command);

    /**
     * Registers a command served together by several instances of a {@code group} (every bridge
     * instance serves {@code !bridge}): the first member registers it, later members find it there.
     * The command belongs to the group, not to the member that registered it, so it stays when
     * that member fails to start; its handler must find the live members itself (for instance
     * through {@link coop.comptoir.api.plugin.PluginContext#shared}). Never blocks.
     *
     * @return true when this call registered it, false when the group had it already
     * @throws IllegalArgumentException when a name is taken by an instance or another group
     */
    boolean registerShared(String group, Command command);

    /**
     * Whether a message is a command Comptoir knows: the command prefix (or the bot's name and a
     * colon) followed by the name or an alias of a command registered by any instance, {@code aide}
     * and {@code help} included. A message that only starts with the prefix ({@code !important},
     * {@code !!!}) is not. Bridges use it to keep commands and their answers on Matrix. Never
     * blocks; thread-safe.
     */
    default boolean isKnownCommand(String body) {
        return false;
    }
}
