package coop.comptoir.internal.config;

import coop.comptoir.api.plugin.ConfigException;
import coop.comptoir.api.plugin.PluginConfig;
import coop.comptoir.internal.config.ComptoirConfig.PluginSection;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A plugin instance's section, bound on demand to the plugin's own record: snake_case keys,
 * unknown keys refused, {@code @JsonProperty(required = true)} for required values, java.time types
 * understood (a {@code Duration} is written {@code PT10M}).
 */
public final class PluginConfigImpl implements PluginConfig {
    private final PluginSection section;
    private final String serverName;

    public PluginConfigImpl(PluginSection section, String serverName) {
        this.section = section;
        this.serverName = serverName;
    }

    @Override
    public String serverName() {
        return serverName;
    }

    @Override
    public String path() {
        return section.path();
    }

    /** A copy: the section stays as loaded whatever a plugin does with it. */
    @Override
    public JsonNode raw() {
        return section.settings().deepCopy();
    }

    /**
     * {@inheritDoc}
     *
     * <p>When several values are wrong, one exception lists them all ({@link ConfigException#problems()}).
     */
    @Override
    public <T> T bind(Class<T> type) {
        return bind(section.settings(), section.path(), type);
    }

    /** {@inheritDoc} Errors are reported as by {@link #bind(Class)}. */
    @Override
    public <T> T bind(JsonNode subtree, String path, Class<T> type) {
        List<ConfigException> errors = new ArrayList<>();
        T value = TreeBinder.bind(subtree, type, path, errors);
        if (!errors.isEmpty()) {
            throw new ConfigException(errors);
        }
        return value;
    }

    /**
     * Binds the section to {@code type}, adding every error to {@code problems} (whose path is the
     * section's) instead of throwing.
     *
     * @return the bound value, or null when it did not bind
     */
    public <T> T bind(Class<T> type, coop.comptoir.api.config.Problems problems) {
        List<ConfigException> errors = new ArrayList<>();
        T value = TreeBinder.bind(section.settings(), type, section.path(), errors);
        errors.forEach(problems::addAll);
        return errors.isEmpty() ? value : null;
    }

    /** {@inheritDoc} Relative paths are taken from the config file's folder. */
    @Override
    public java.nio.file.Path resolvePath(String path) {
        return section.baseDir().resolve(path.trim()).toAbsolutePath().normalize();
    }

    @Override
    public String toString() {
        return "PluginConfig[" + section + "]";
    }
}
