package coop.comptoir.api.plugin;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;

/**
 * One plugin instance's config section: where it is ({@link #path()}), on which homeserver, and
 * its tree. The runtime binds it once to the factory's {@link PluginFactory#configType()} and hands
 * the record to the factory; {@link #bind} is for a tree a plugin keeps as such.
 */
public interface PluginConfig {
    /** The key path of this section in the config file, e.g. {@code plugins[1]}, for error messages. */
    String path();

    /** The homeserver's server name ({@code example.org}), e.g. to anchor namespace regexes. */
    String serverName();

    /** The section's settings (without {@code type}, {@code id} and {@code enabled}). */
    JsonNode raw();

    /**
     * Binds the section to a record (or class); unknown keys are refused and every error names the
     * key path and why.
     *
     * @throws ConfigException when a value is missing, of the wrong type or unknown
     */
    <T> T bind(Class<T> type);

    /**
     * Binds a sub-tree of this section with the same rules and messages as {@link #bind(Class)}:
     * for a mapping whose record depends on a key (a {@code source:} with its {@code type}), kept
     * as a {@code JsonNode} in the section's record. Take the sub-tree from {@link #raw()} (a value
     * from the environment, {@code ${TOKEN}}, then stays hidden in errors), without keys the
     * record does not have.
     *
     * @param subtree the mapping (or value) to bind
     * @param path    its key path, e.g. {@code plugins[1].source}, which every error names
     * @throws ConfigException when a value is missing, of the wrong type or unknown
     */
    <T> T bind(JsonNode subtree, String path, Class<T> type);

    /**
     * A file or folder named in this section ({@code texts_file}, a shift source's {@code file}),
     * as the runtime resolves every path of the config: an absolute path as written, a relative one
     * against the folder of the config file. Plugins read their files through this, never against
     * the working directory (which is {@code /var/lib/comptoir} under systemd, anything from a
     * shell). Does no I/O; the file need not exist.
     *
     * <p>The default, for implementations that know no config file, resolves against the working
     * directory.
     *
     * @param path the value as written in the section
     * @return an absolute, normalized path
     * @throws java.nio.file.InvalidPathException when the value is not a path on this system
     */
    default Path resolvePath(String path) {
        return Path.of(path.trim()).toAbsolutePath().normalize();
    }
}
