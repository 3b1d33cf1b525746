package coop.comptoir.internal.config;

import coop.comptoir.api.command.CommandName;
import coop.comptoir.api.config.Problems;
import coop.comptoir.api.plugin.ConfigException;
import coop.comptoir.api.plugin.Plugin;
import coop.comptoir.api.plugin.PluginContext;
import coop.comptoir.api.plugin.Namespaces;
import coop.comptoir.api.plugin.PluginFactory;
import coop.comptoir.internal.cli.VersionProvider;
import coop.comptoir.internal.config.ComptoirConfig.PluginSection;
import coop.comptoir.internal.plugin.ApiVersion;
import coop.comptoir.internal.plugin.InstalledPlugin;
import coop.comptoir.internal.plugin.PluginFolder;
import java.util.ArrayList;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * The plugin types on the class path and in the plugins folder, and the configured instances
 * matched to them. Used by {@code check-config}, {@code generate-registration}, {@code plugins}
 * and the runtime, so that all of them accept and refuse the same sections.
 */
public final class PluginCatalog {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(PluginCatalog.class);

    private final Map<String, PluginFactory<?>> byType = new TreeMap<>();
    private final Map<String, InstalledPlugin> installed = new TreeMap<>();
    private final List<ConfigException> problems = new ArrayList<>();

    /**
     * The built-in types (on Comptoir's class path).
     *
     * @throws IllegalStateException when two factories claim the same type
     */
    public PluginCatalog(Collection<? extends PluginFactory<?>> factories) {
        for (PluginFactory<?> factory : factories) {
            PluginFactory<?> previous = byType.putIfAbsent(factory.type(), factory);
            if (previous != null) {
                throw new IllegalStateException("two plugin factories for type \"" + factory.type() + "\": "
                        + previous.getClass().getName() + " and " + factory.getClass().getName());
            }
            installed.put(factory.type(), new InstalledPlugin(factory, factory.type(), VersionProvider.version(), null,
                    ApiVersion.runtime()));
        }
    }

    private PluginCatalog(PluginCatalog builtIn, PluginFolder.Result folder) {
        byType.putAll(builtIn.byType);
        installed.putAll(builtIn.installed);
        problems.addAll(builtIn.problems);
        problems.addAll(folder.problems());
        for (InstalledPlugin plugin : folder.plugins()) {
            InstalledPlugin previous = installed.putIfAbsent(plugin.type(), plugin);
            if (previous != null) {
                problems.add(new ConfigException(PluginFolder.KEY, "two plugins of type \"" + plugin.type() + "\": "
                        + previous.source() + " and " + plugin.jar() + "; remove one of them"));
                continue;
            }
            byType.put(plugin.type(), plugin.factory());
        }
    }

    /**
     * This catalog plus the jars of the configured plugins folder ({@code plugins_dir}). Loads
     * classes; a jar that cannot be used becomes a {@linkplain #problems() problem}, never an
     * exception.
     */
    public PluginCatalog withFolder(Path folder) {
        return new PluginCatalog(this, PluginFolder.load(folder, PluginCatalog.class.getClassLoader(), ApiVersion.runtime()));
    }

    /** Every installed type, built-in or from the folder, by type name. */
    public List<InstalledPlugin> installed() {
        return List.copyOf(installed.values());
    }

    /** The jars of the plugins folder that could not be used, and types given twice; each names the jar(s). */
    public List<ConfigException> problems() {
        return List.copyOf(problems);
    }

    /** The factories listed in {@code META-INF/services/coop.comptoir.api.plugin.PluginFactory}. */
    public static PluginCatalog discover() {
        List<PluginFactory<?>> found = new ArrayList<>();
        ServiceLoader.load(PluginFactory.class, PluginCatalog.class.getClassLoader()).forEach(found::add);
        return new PluginCatalog(found);
    }

    /** Every known factory, by type name. */
    public List<PluginFactory<?>> factories() {
        return List.copyOf(byType.values());
    }

    /**
     * One enabled instance: its section, the factory of its type, its {@link PluginConfigImpl} and
     * the config bound once to the factory's {@link PluginFactory#configType()} and checked.
     */
    public record Instance(PluginSection section, PluginFactory<?> factory, PluginConfigImpl config, Object bound) {
        public String id() {
            return section.id();
        }

        /** {@link PluginFactory#namespaces} with the bound config. */
        public Namespaces namespaces() {
            return namespaces(factory);
        }

        /** {@link PluginFactory#commands} with the bound config. */
        public List<CommandName> commands() {
            return commands(factory);
        }

        /** {@link PluginFactory#create} with the bound config. */
        public Plugin create(PluginContext context) throws Exception {
            return create(factory, context);
        }

        private <C> Namespaces namespaces(PluginFactory<C> f) {
            return f.namespaces(f.configType().cast(bound), config);
        }

        private <C> List<CommandName> commands(PluginFactory<C> f) {
            return f.commands(f.configType().cast(bound), config);
        }

        private <C> Plugin create(PluginFactory<C> f, PluginContext context) throws Exception {
            return f.create(f.configType().cast(bound), context);
        }
    }

    /**
     * Binds a section once to its factory's config type and runs the factory's checks, as
     * {@code check-config} and the start-up do; every problem and warning goes to {@code problems}
     * (a fresh collector at the section's path), and the warnings are logged.
     *
     * @return the bound config, or null when it has problems
     */
    public static <C> C bind(PluginFactory<C> factory, PluginConfigImpl config, Problems problems) {
        int before = problems.list().size();
        C bound = config.bind(factory.configType(), problems);
        if (bound != null) {
            try {
                factory.validate(bound, config, problems);
            } catch (ConfigException e) {
                problems.addAll(e);
            } catch (RuntimeException e) {
                problems.add(null, "refused by plugin type " + factory.type() + ": "
                        + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            }
        }
        for (ConfigException warning : problems.warnings()) {
            log.warn("Config: {}", warning.getMessage());
        }
        return problems.list().size() == before ? bound : null;
    }

    /**
     * The enabled instances of {@code config}, each checked by its factory's
     * {@link PluginFactory#validate}, and no two claiming one command name ({@link PluginFactory#commands}).
     * Disabled sections are skipped.
     *
     * @throws ConfigErrors every {@linkplain #problems() problem of the plugins folder}, every
     *     unknown type, every error the factories report and every command clash
     */
    public List<Instance> instances(ComptoirConfig config) {
        List<ConfigException> errors = new ArrayList<>(problems);
        List<Instance> instances = new ArrayList<>();
        for (PluginSection section : config.plugins()) {
            if (!section.enabled()) {
                continue;
            }
            PluginFactory<?> factory = byType.get(section.type());
            if (factory == null) {
                errors.add(new ConfigException(section.path() + ".type", "unknown plugin type \"" + section.type() + "\" ("
                        + (byType.isEmpty() ? "no plugin is installed" : "known: " + String.join(", ", byType.keySet())) + ")"));
                continue;
            }
            PluginConfigImpl pluginConfig = new PluginConfigImpl(section,
                    config.homeserver() == null ? null : config.homeserver().serverName());
            Problems problems = Problems.root(section.path());
            Object bound = bind(factory, pluginConfig, problems);
            errors.addAll(problems.list());
            if (bound != null) {
                instances.add(new Instance(section, factory, pluginConfig, bound));
            }
        }
        CommandClaims.check(instances, config.commands() == null ? null : config.commands().prefix(), errors);
        if (config.language() != null && config.address() != null && config.texts() != null) {
            errors.addAll(coop.comptoir.api.text.Catalogue.checkOverrides(config.textSettings(), textsLoader()));
        }
        ConfigErrors.throwIfAny(null, errors);
        return List.copyOf(instances);
    }

    /** Finds {@code texts/*.properties} in the runtime and in every plugin's jar. */
    private ClassLoader textsLoader() {
        java.util.Set<ClassLoader> loaders = new java.util.LinkedHashSet<>();
        loaders.add(PluginCatalog.class.getClassLoader());
        byType.values().forEach(f -> loaders.add(f.getClass().getClassLoader()));
        return new ClassLoader(null) {
            @Override
            protected java.net.URL findResource(String name) {
                for (ClassLoader l : loaders) {
                    java.net.URL url = l.getResource(name);
                    if (url != null) {
                        return url;
                    }
                }
                return null;
            }
        };
    }

    /**
     * The namespaces the instances claim, in order ({@link PluginFactory#namespaces}).
     *
     * @throws ConfigErrors when a factory refuses its section
     */
    public static List<Namespaces> namespaces(List<Instance> instances) {
        List<ConfigException> errors = new ArrayList<>();
        List<Namespaces> all = new ArrayList<>();
        for (Instance instance : instances) {
            collect(errors, instance.section(), () -> all.add(instance.namespaces()));
        }
        ConfigErrors.throwIfAny(null, errors);
        return List.copyOf(all);
    }

    /** Runs a factory call; its config errors (and any other failure) become errors on the section. */
    private static boolean collect(List<ConfigException> errors, PluginSection section, Runnable call) {
        try {
            call.run();
            return true;
        } catch (ConfigException e) {
            errors.addAll(ConfigErrors.flatten(e));
        } catch (ConfigErrors e) {
            errors.addAll(e.errors());
        } catch (RuntimeException e) {
            errors.add(new ConfigException(section.path(), "refused by plugin type " + section.type() + ": "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())));
        }
        return false;
    }
}
