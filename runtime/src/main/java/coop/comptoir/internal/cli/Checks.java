package coop.comptoir.internal.cli;

import coop.comptoir.api.plugin.ConfigException;
import coop.comptoir.api.plugin.Namespaces;
import coop.comptoir.internal.config.ComptoirConfig;
import coop.comptoir.internal.config.ConfigErrors;
import coop.comptoir.internal.config.ConfigLoader;
import coop.comptoir.internal.config.PluginCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Loading and checking shared by the commands. */
final class Checks {
    private Checks() {}

    /**
     * Loads the file; a missing one gets directions instead of a bare "not found".
     *
     * @throws ConfigErrors with the file as source
     */
    static ComptoirConfig load(Path file, Map<String, String> env) {
        if (!Files.exists(file)) {
            throw ConfigErrors.of(file.toString(), "not found. To start: copy config/comptoir.example.yaml there"
                    + " (or pass --config FILE), set homeserver.server_name, then run `comptoir generate-registration`"
                    + " and follow its directions");
        }
        return ConfigLoader.load(file, env);
    }

    /**
     * The built-in plugin types and those of the config's plugins folder. A jar that cannot be
     * used is a problem of the catalog: {@link PluginCatalog#instances} reports it.
     */
    static PluginCatalog catalog(CliContext context, ComptoirConfig config) {
        return context.plugins().get().withFolder(config.pluginsFolder());
    }

    /**
     * Everything {@code run} and {@code check-config} check, in one run: the file's core sections,
     * every enabled plugin section (by its factory, even when a core section is wrong), the
     * plugins folder and the tokens. A core section that does not bind only hides the checks that
     * need it (the tokens need {@code appservice}).
     *
     * @throws ConfigErrors every problem found, with the file as source
     */
    static Ready ready(CliContext context, Path file, Map<String, String> env) {
        if (!Files.exists(file)) {
            load(file, env); // throws with directions
        }
        ConfigLoader.Partial partial = ConfigLoader.loadPartial(file, env);
        ComptoirConfig config = partial.config();
        List<ConfigException> errors = new ArrayList<>(partial.errors());
        PluginCatalog catalog = config.pluginsDir() == null ? context.plugins().get() : catalog(context, config);
        List<PluginCatalog.Instance> instances = List.of();
        List<Namespaces> namespaces = List.of();
        try {
            instances = catalog.instances(config);
            namespaces = PluginCatalog.namespaces(instances);
        } catch (ConfigErrors e) {
            errors.addAll(e.errors());
        }
        ComptoirConfig withTokens = config;
        if (config.appservice() != null) {
            try {
                withTokens = ConfigLoader.withRegistrationTokens(config);
            } catch (ConfigErrors e) {
                errors.addAll(e.errors());
            }
        }
        ConfigErrors.throwIfAny(partial.source() == null ? file.toString() : partial.source(), errors);
        return new Ready(withTokens, instances, namespaces, catalog);
    }

    /**
     * A loaded config ready to run: plugin instances checked by their factories (with the
     * namespaces they claim), tokens read.
     */
    record Ready(ComptoirConfig config, List<PluginCatalog.Instance> instances, List<Namespaces> namespaces,
                 PluginCatalog catalog) {}

    /**
     * Everything {@code run} needs beyond the file itself, all errors together: each enabled
     * instance's type is known and its section valid, and the tokens are known.
     */
    static Ready ready(ComptoirConfig config, PluginCatalog catalog, Path file) {
        List<ConfigException> errors = new ArrayList<>();
        List<PluginCatalog.Instance> instances = List.of();
        List<Namespaces> namespaces = List.of();
        try {
            instances = catalog.instances(config);
            namespaces = PluginCatalog.namespaces(instances);
        } catch (ConfigErrors e) {
            errors.addAll(e.errors());
        }
        ComptoirConfig withTokens = config;
        try {
            withTokens = ConfigLoader.withRegistrationTokens(config);
        } catch (ConfigErrors e) {
            errors.addAll(e.errors());
        }
        ConfigErrors.throwIfAny(file.toString(), errors);
        return new Ready(withTokens, instances, namespaces, catalog);
    }
}
