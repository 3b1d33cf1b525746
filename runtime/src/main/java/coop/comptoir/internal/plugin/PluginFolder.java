package coop.comptoir.internal.plugin;

import coop.comptoir.api.plugin.ConfigException;
import coop.comptoir.api.plugin.PluginFactory;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the plugin jars of a folder ({@code plugins_dir}): each {@code *.jar} gets a class loader
 * of its own whose parent is Comptoir's, so that the API classes (and the libraries Comptoir ships)
 * are shared and two plugins never see each other's classes. The factories are those the jar lists
 * in {@code META-INF/services/coop.comptoir.api.plugin.PluginFactory}.
 *
 * <p>A jar that cannot be used (unreadable, built against a newer API, a factory class missing or
 * throwing, no factory at all) is left out and reported as a problem naming it; the other jars
 * still load. Files not ending in {@code .jar} are ignored; a missing folder holds no plugin.
 */
public final class PluginFolder {
    private static final Logger log = LoggerFactory.getLogger(PluginFolder.class);
    private static final String SERVICES = "META-INF/services/" + PluginFactory.class.getName();

    /** Config key the problems are reported under. */
    public static final String KEY = "plugins_dir";

    private PluginFolder() {}

    /**
     * What a folder holds.
     *
     * @param plugins the plugin types loaded, by jar name then type
     * @param problems one per jar that could not be used, each naming the jar
     */
    public record Result(Path folder, List<InstalledPlugin> plugins, List<ConfigException> problems) {}

    /**
     * Loads every jar of {@code folder}. Reads files and loads classes; never throws for a bad jar.
     *
     * @param parent the class loader the jars' loaders delegate to (Comptoir's)
     * @param runtimeApi this runtime's API version; empty: no check (a build without a version)
     */
    public static Result load(Path folder, ClassLoader parent, Optional<ApiVersion> runtimeApi) {
        List<InstalledPlugin> plugins = new ArrayList<>();
        List<ConfigException> problems = new ArrayList<>();
        if (!Files.exists(folder)) {
            return new Result(folder, List.of(), List.of());
        }
        if (!Files.isDirectory(folder)) {
            problems.add(new ConfigException(KEY, folder + " is not a folder"));
            return new Result(folder, List.of(), List.copyOf(problems));
        }
        List<Path> jars;
        try (Stream<Path> files = Files.list(folder)) {
            jars = files.filter(f -> f.getFileName().toString().endsWith(".jar") && Files.isRegularFile(f)).sorted().toList();
        } catch (IOException e) {
            problems.add(new ConfigException(KEY, "cannot read the folder " + folder + ": " + e.getMessage()));
            return new Result(folder, List.of(), List.copyOf(problems));
        }
        for (Path jar : jars) {
            try {
                plugins.addAll(loadJar(jar, parent, runtimeApi));
            } catch (ConfigException e) {
                problems.add(e);
            }
        }
        return new Result(folder, List.copyOf(plugins), List.copyOf(problems));
    }

    private static List<InstalledPlugin> loadJar(Path jar, ClassLoader parent, Optional<ApiVersion> runtimeApi) {
        Attributes manifest;
        boolean hasServices;
        try (JarFile file = new JarFile(jar.toFile())) {
            Manifest m = file.getManifest();
            manifest = m == null ? new Attributes() : m.getMainAttributes();
            hasServices = file.getEntry(SERVICES) != null;
        } catch (IOException | SecurityException e) {
            throw problem(jar, "not a readable jar (" + describe(e) + ")");
        }
        if (!hasServices) {
            throw problem(jar, "holds no plugin: a plugin jar lists its factory in " + SERVICES
                    + " (a library a plugin needs goes inside the plugin's jar)");
        }
        String version = Optional.ofNullable(manifest.getValue(Attributes.Name.IMPLEMENTATION_VERSION))
                .map(String::trim).filter(v -> !v.isEmpty()).orElse("unknown");
        String declaredApi = manifest.getValue(ApiVersion.MANIFEST_ATTRIBUTE);
        Optional<ApiVersion> api = ApiVersion.parse(declaredApi);
        if (declaredApi != null && api.isEmpty()) {
            throw problem(jar, ApiVersion.MANIFEST_ATTRIBUTE + " in its manifest should read major.minor (e.g. 0.1)");
        }
        if (api.isPresent() && runtimeApi.isPresent() && !runtimeApi.get().accepts(api.get())) {
            ApiVersion built = api.get();
            ApiVersion here = runtimeApi.get();
            String why = built.major() == here.major() || built.compareTo(here) > 0
                    ? "was built for Comptoir plugin API " + built + ", newer than this Comptoir's (" + here
                            + "): upgrade Comptoir, or use a version of the plugin built for API " + here
                    : "was built for Comptoir plugin API " + built + ", which this Comptoir (API " + here
                            + ") no longer supports: use a version of the plugin built for API " + here;
            throw problem(jar, "plugin " + pluginNames(jar) + " refused: it " + why);
        }
        if (api.isEmpty()) {
            log.warn("Plugin jar {} does not declare the API version it was built for ({} in its manifest);"
                    + " loading it anyway", jar, ApiVersion.MANIFEST_ATTRIBUTE);
        }

        URLClassLoader loader = new URLClassLoader("plugin:" + jar.getFileName(), new URL[] {url(jar)}, parent);
        List<InstalledPlugin> found = new ArrayList<>();
        try {
            for (ServiceLoader.Provider<PluginFactory> provider : ServiceLoader.load(PluginFactory.class, loader)
                    .stream().toList()) {
                if (provider.type().getClassLoader() != loader) {
                    continue; // listed by Comptoir's own class path, not by this jar
                }
                PluginFactory factory = provider.get();
                String type = factory.type();
                if (type == null || type.isBlank()) {
                    throw new IllegalStateException("factory " + provider.type().getName() + " has no type name");
                }
                found.add(new InstalledPlugin(factory, type, version, jar, api));
            }
        } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
            close(loader);
            throw problem(jar, "could not load its plugin factory: " + describe(e));
        }
        if (found.isEmpty()) {
            close(loader);
            throw problem(jar, "holds no plugin factory of its own (its " + SERVICES + " lists only classes outside the jar)");
        }
        return found;
    }

    /** The factory classes a jar lists, for messages about a jar that is not loaded. */
    private static String pluginNames(Path jar) {
        try (JarFile file = new JarFile(jar.toFile())) {
            var entry = file.getEntry(SERVICES);
            String text = new String(file.getInputStream(entry).readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            List<String> names = text.lines().map(l -> l.replaceAll("#.*", "").trim()).filter(l -> !l.isEmpty()).toList();
            return String.join(", ", names);
        } catch (IOException | RuntimeException e) {
            return "(unnamed)";
        }
    }

    private static ConfigException problem(Path jar, String message) {
        return new ConfigException(KEY, jar + ": " + message);
    }

    /** An exception and its causes, as short as stays useful: {@code NoClassDefFoundError: org/x/Y}. */
    static String describe(Throwable e) {
        StringBuilder text = new StringBuilder();
        java.util.Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (Throwable t = e; t != null && seen.add(t); t = t.getCause()) {
            if (!text.isEmpty()) {
                text.append(", caused by ");
            }
            text.append(t.getClass().getSimpleName());
            if (t.getMessage() != null) {
                text.append(": ").append(t.getMessage());
            }
        }
        return text.toString();
    }

    private static URL url(Path jar) {
        try {
            return jar.toUri().toURL();
        } catch (MalformedURLException e) {
            throw problem(jar, "cannot be turned into a URL (" + e.getMessage() + ")");
        }
    }

    private static void close(URLClassLoader loader) {
        try {
            loader.close();
        } catch (IOException e) {
            log.debug("Could not close {}", loader.getName(), e);
        }
    }
}
