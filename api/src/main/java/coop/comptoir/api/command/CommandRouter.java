package coop.comptoir.api.command;

/**
 * Commands in rooms: {@code !name args} or the mention form ({@code Comptoir: name args}). The
 * router answers {@code !help} / {@code !aide} from every registered command's help text, and checks
 * the permission before calling the handler.
 */
public interface CommandRouter {
    /** Registers a command. Names and aliases are case-insensitive and unique across plugins. */
    void register(Command command);
}
