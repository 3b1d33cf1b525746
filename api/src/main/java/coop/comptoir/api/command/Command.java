package coop.comptoir.api.command;

import java.util.List;
import java.util.Objects;

/**
 * A command: its name and aliases (e.g. {@code salons} and {@code rooms}), the help line in French
 * and English, who may run it, and what it does.
 */
public record Command(String name, List<String> aliases, String helpFr, String helpEn, Permission permission,
                      CommandHandler handler) {
    public Command {
        Objects.requireNonNull(name, "name");
        if (!name.matches("[a-z0-9][a-z0-9_-]*")) {
            throw new IllegalArgumentException("command name must be lower-case letters, digits, - or _: " + name);
        }
        aliases = List.copyOf(aliases);
        Objects.requireNonNull(permission, "permission");
        Objects.requireNonNull(handler, "handler");
    }

    public static Command of(String name, String helpFr, String helpEn, CommandHandler handler) {
        return new Command(name, List.of(), helpFr, helpEn, Permission.EVERYONE, handler);
    }

    public Command withAliases(String... more) {
        return new Command(name, List.of(more), helpFr, helpEn, permission, handler);
    }

    public Command withPermission(Permission p) {
        return new Command(name, aliases, helpFr, helpEn, p, handler);
    }

    /** What a command does when someone runs it. */
    @FunctionalInterface
    public interface CommandHandler {
        /** Runs the command; may block; a throw is logged and the user is told something went wrong. */
        void run(CommandInvocation invocation) throws Exception;
    }
}
