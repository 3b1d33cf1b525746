package coop.comptoir.api.command;

import java.util.Objects;

/**
 * A command name an instance will register, declared ahead by {@link
 * coop.comptoir.api.plugin.PluginFactory#commands} so that {@code check-config} and the start-up
 * refuse two instances claiming the same name before anything runs.
 *
 * @param name  the name without prefix ({@code forum}), or an alias
 * @param path  the key path that sets it ({@code plugins[2].command}), named in the error; the
 *              section's path when the name is fixed
 * @param group null for a name of this instance alone; else the group of instances that serve the
 *              command together ({@link CommandRouter#registerShared}), whose members do not collide
 */
public record CommandName(String name, String path, String group) {
    public CommandName {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(path, "path");
    }

    /** A name of this instance alone. */
    public static CommandName of(String name, String path) {
        return new CommandName(name, path, null);
    }

    /** A name served together by the instances of {@code group}. */
    public static CommandName shared(String name, String path, String group) {
        return new CommandName(name, path, Objects.requireNonNull(group, "group"));
    }
}
