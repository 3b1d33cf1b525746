package coop.comptoir.internal.plugin;

import coop.comptoir.api.plugin.PluginFactory;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A plugin type Comptoir can run: its factory, where it came from and its version.
 *
 * @param jar the jar of the plugins folder it was loaded from; null when it is built in (on
 *     Comptoir's own class path)
 * @param version the plugin's version ({@code Implementation-Version} of its jar's manifest, or
 *     Comptoir's version when built in); {@code unknown} when not declared
 * @param apiVersion the plugin API version it was built against, when its jar declares one
 */
public record InstalledPlugin(PluginFactory<?> factory, String type, String version, Path jar, Optional<ApiVersion> apiVersion) {
    /** Where it came from, for messages: the jar's path or {@code built-in}. */
    public String source() {
        return jar == null ? "built-in" : jar.toString();
    }
}
