package coop.comptoir.testing;

import com.fasterxml.jackson.databind.JsonNode;
import coop.comptoir.api.config.Problems;
import coop.comptoir.api.plugin.ConfigException;
import coop.comptoir.api.plugin.PluginConfig;
import coop.comptoir.api.plugin.PluginFactory;
import coop.comptoir.internal.config.PluginCatalog;
import coop.comptoir.internal.config.ComptoirConfig.PluginSection;
import coop.comptoir.internal.config.ConfigLoader;
import coop.comptoir.internal.config.PluginConfigImpl;
import java.nio.file.Path;
import java.util.Map;

/**
 * Plugin sections bound by the runtime's own binder, so that a plugin's tests see the same errors
 * (and the same paths in them) as an administrator would.
 */
public final class PluginConfigs {
    private PluginConfigs() {}

    /**
     * The section of a plugin of type {@code type}, holding {@code settings}, found at {@code path}
     * in the config file (e.g. {@code plugins[0]}), on the homeserver {@code serverName}.
     */
    public static PluginConfig of(String type, String path, JsonNode settings, String serverName) {
        return new PluginConfigImpl(new PluginSection(type, type, true, settings, path), serverName);
    }

    /**
     * The section of a plugin of type {@code type} written in YAML (its own keys, as under
     * {@code plugins:} but without {@code type} and {@code id}), at {@code plugins[0]} on the
     * homeserver {@code coop.example}.
     *
     * @throws IllegalArgumentException when {@code yaml} is not valid YAML
     */
    public static PluginConfig of(String type, String yaml) {
        return of(type, "plugins[0]", yaml(yaml), "coop.example");
    }

    /**
     * {@code text} read as YAML (an empty text: an empty mapping), with no {@code ${NAME}}
     * substitution: a section's keys, an answer of the homeserver to fake.
     *
     * @throws IllegalArgumentException when {@code text} is not valid YAML
     */
    public static JsonNode yaml(String text) {
        try {
            JsonNode tree = YAML.readTree(text);
            return tree == null || tree.isMissingNode() ? YAML.createObjectNode() : tree;
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("not valid YAML: " + e.getMessage(), e);
        }
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper YAML = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper();

    /**
     * Binds a section to {@code factory}'s config type and runs its {@link PluginFactory#validate},
     * exactly as {@code check-config} and the start-up do.
     *
     * @return the collector holding every problem and warning (with key paths)
     */
    public static <C> Problems check(PluginFactory<C> factory, PluginConfig section) {
        Problems problems = Problems.root(section.path());
        PluginCatalog.bind(factory, impl(section), problems);
        return problems;
    }

    /**
     * The config {@code factory} would receive for {@code section}, bound and checked as the
     * runtime does.
     *
     * @throws ConfigException listing every problem with its key path
     */
    public static <C> C bind(PluginFactory<C> factory, PluginConfig section) {
        Problems problems = Problems.root(section.path());
        C bound = PluginCatalog.bind(factory, impl(section), problems);
        problems.throwIfAny();
        return bound;
    }

    private static PluginConfigImpl impl(PluginConfig section) {
        if (section instanceof PluginConfigImpl impl) {
            return impl;
        }
        throw new IllegalArgumentException("not a section made by PluginConfigs: " + section);
    }

    /**
     * The first plugin section of a whole config file, read as the runtime reads it: YAML,
     * {@code ${NAME}} taken from {@code env}, relative paths against the current folder.
     *
     * @throws RuntimeException when the file is not valid, its message listing every error
     * @throws IllegalArgumentException when the file has no plugin section
     */
    public static PluginConfig firstPlugin(String configYaml, Map<String, String> env) {
        var config = ConfigLoader.parse(configYaml, Path.of("."), env);
        if (config.plugins().isEmpty()) {
            throw new IllegalArgumentException("the config has no plugins: section");
        }
        return new PluginConfigImpl(config.plugins().get(0), config.homeserver().serverName());
    }

    /**
     * The first plugin section of a config file kept in {@code configFolder}: the plugin's relative
     * paths ({@link PluginConfig#resolvePath}) are taken from that folder, as in production.
     *
     * @throws RuntimeException when the file is not valid, its message listing every error
     * @throws IllegalArgumentException when the file has no plugin section
     */
    public static PluginConfig firstPlugin(String configYaml, Path configFolder, Map<String, String> env) {
        var config = ConfigLoader.parse(configYaml, configFolder, env);
        if (config.plugins().isEmpty()) {
            throw new IllegalArgumentException("the config has no plugins: section");
        }
        return new PluginConfigImpl(config.plugins().get(0), config.homeserver().serverName());
    }
}
