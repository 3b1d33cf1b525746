package coop.comptoir.internal.cli;

import coop.comptoir.api.plugin.ConfigException;
import coop.comptoir.internal.config.PluginCatalog;
import coop.comptoir.internal.plugin.ApiVersion;
import coop.comptoir.internal.plugin.InstalledPlugin;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code comptoir plugins}: the plugin types Comptoir can run, built in or from the plugins folder
 * ({@code plugins_dir}), with their version and where they come from; then, on stderr, every jar
 * of the folder that could not be used (exit status 2).
 *
 * <p>Without a config file it looks in {@code plugins} beside where the file would be.
 */
@Command(name = "plugins", description = {"List the installed plugin types: built in, and from the plugins folder.",
        "Jars that cannot be used are listed on stderr (exit status 2)."})
public final class PluginsCommand implements Callable<Integer> {
    private final CliContext context;

    @Mixin
    ConfigOption config;

    @Spec
    CommandSpec spec;

    public PluginsCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        Path folder = Files.exists(config.file())
                ? Checks.load(config.file(), config.env(context, spec.commandLine().getErr())).pluginsFolder()
                : config.file().getParent().resolve("plugins");
        PluginCatalog catalog = context.plugins().get().withFolder(folder);
        PrintWriter out = spec.commandLine().getOut();
        out.println("Comptoir " + VersionProvider.version() + ", plugin API "
                + ApiVersion.runtime().map(ApiVersion::toString).orElse("unknown"));
        out.println("Plugins folder: " + folder + (Files.isDirectory(folder) ? "" : " (does not exist)"));
        List<InstalledPlugin> installed = catalog.installed();
        if (installed.isEmpty()) {
            out.println("No plugin installed.");
        } else {
            int typeWidth = Math.max(4, installed.stream().mapToInt(p -> p.type().length()).max().orElse(0));
            int versionWidth = Math.max(7, installed.stream().mapToInt(p -> p.version().length()).max().orElse(0));
            String format = "  %-" + typeWidth + "s  %-" + versionWidth + "s  %-3s  %s%n";
            out.printf(format, "TYPE", "VERSION", "API", "SOURCE");
            for (InstalledPlugin p : installed) {
                out.printf(format, p.type(), p.version(), p.apiVersion().map(ApiVersion::toString).orElse("?"), p.source());
            }
        }
        out.flush();
        List<ConfigException> problems = catalog.problems();
        if (problems.isEmpty()) {
            return ExitCodes.OK;
        }
        PrintWriter err = spec.commandLine().getErr();
        err.println("Not loaded (" + problems.size() + "):");
        problems.forEach(p -> err.println("  " + p.getMessage()));
        err.flush();
        return ExitCodes.CONFIG;
    }
}
