package coop.comptoir.api.plugin;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One plugin instance's config section, still as a tree until the factory binds it to its own
 * record with {@link #bind(Class)}.
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
}
