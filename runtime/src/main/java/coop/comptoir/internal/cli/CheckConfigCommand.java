package coop.comptoir.internal.cli;

import coop.comptoir.api.plugin.Namespaces;
import coop.comptoir.internal.config.ComptoirConfig;
import coop.comptoir.internal.config.ComptoirConfig.PluginSection;
import coop.comptoir.internal.config.ConfigErrors;
import coop.comptoir.internal.config.PluginCatalog;
import coop.comptoir.internal.config.RegistrationFile;
import coop.comptoir.internal.registration.RegistrationGenerator;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code comptoir check-config}: everything {@code run} checks before starting (the file, each
 * enabled plugin's section, the tokens), without starting anything. Also warns when the
 * registration file no longer matches the config.
 */
@Command(name = "check-config", description = "Check the configuration and the plugin sections, then exit.")
public final class CheckConfigCommand implements Callable<Integer> {
    private final CliContext context;

    @Mixin
    ConfigOption config;

    @Spec
    CommandSpec spec;

    public CheckConfigCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        Checks.Ready ready = Checks.ready(context, config.file(), config.env(context, spec.commandLine().getErr()));
        PluginCatalog catalog = ready.catalog();
        ComptoirConfig c = ready.config();
        PrintWriter out = spec.commandLine().getOut();
        out.println("Configuration OK: " + config.file());
        out.println("  homeserver: " + c.homeserver().serverName() + " at " + c.homeserver().url());
        out.println("  bot:        " + c.botUserId() + " (" + c.appservice().displayName() + "), commands start with "
                + c.commands().prefix() + ", answers in " + c.commandTextSettings().language() + " (" + c.address() + ")");
        out.println("  listening:  " + c.appservice().bind() + ":" + c.appservice().port() + ", reached at "
                + c.appservice().publicUrl() + adminListener(c));
        out.println("  database:   " + (c.database().isSqlite() ? "SQLite, " + c.database().url().substring("jdbc:sqlite:".length())
                : "PostgreSQL") + "; scheduler " + (c.schedulerClustered() ? "clustered" : "not clustered")
                + ", " + c.scheduler().threads() + " threads");
        out.println("  plugins:    " + plugins(c.plugins()));
        out.println("  plugin jars: " + jars(c, catalog));
        for (String warning : registrationWarnings(c, ready.namespaces())) {
            out.println("Warning: " + warning);
        }
        out.flush();
        return ExitCodes.OK;
    }

    private static String adminListener(ComptoirConfig c) {
        boolean open = c.admin().publicMetrics();
        if (c.admin().port() == null) {
            return open ? "; /metrics on the appservice listener" : "; /metrics off (no admin.port)";
        }
        return "; /health and /metrics on " + c.admin().bind() + ":" + c.admin().port()
                + (open ? ", /metrics also on the appservice listener" : "");
    }

    private static String plugins(List<PluginSection> sections) {
        if (sections.isEmpty()) {
            return "none";
        }
        List<String> shown = new ArrayList<>();
        for (PluginSection s : sections) {
            String name = s.id().equals(s.type()) ? s.id() : s.id() + " (" + s.type() + ")";
            shown.add(s.enabled() ? name : name + " [disabled]");
        }
        return String.join(", ", shown);
    }

    private static String jars(ComptoirConfig c, PluginCatalog catalog) {
        List<String> fromJars = catalog.installed().stream().filter(p -> p.jar() != null)
                .map(p -> p.type() + " " + p.version() + " (" + p.jar().getFileName() + ")").toList();
        if (!Files.isDirectory(c.pluginsFolder())) {
            return "none (" + c.pluginsFolder() + " does not exist)";
        }
        return (fromJars.isEmpty() ? "none" : String.join(", ", fromJars)) + " in " + c.pluginsFolder();
    }

    private static List<String> registrationWarnings(ComptoirConfig c, List<Namespaces> namespaces) {
        if (!Files.exists(c.registrationFile())) {
            return List.of(); // tokens come from the config; nothing to compare
        }
        List<String> differences;
        try {
            differences = RegistrationGenerator.differences(c, namespaces, RegistrationFile.read(c.registrationFile()));
        } catch (ConfigErrors e) {
            return e.lines();
        }
        if (differences.isEmpty()) {
            return List.of();
        }
        return List.of("the registration file " + c.registrationFile() + " is out of date (" + String.join("; ", differences)
                + "). Run `comptoir generate-registration`, then restart the homeserver.");
    }
}
