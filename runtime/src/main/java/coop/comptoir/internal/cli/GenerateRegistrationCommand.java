package coop.comptoir.internal.cli;

import coop.comptoir.api.plugin.Namespaces;
import coop.comptoir.internal.config.ComptoirConfig;
import coop.comptoir.internal.config.ConfigErrors;
import coop.comptoir.internal.config.PluginCatalog;
import coop.comptoir.internal.registration.RegistrationGenerator;
import coop.comptoir.internal.registration.RegistrationGenerator.TokenSource;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code comptoir generate-registration}: writes the registration file from the config and the
 * enabled plugins' namespaces, and says what to do on the homeserver's side. Never prints a token.
 */
@Command(name = "generate-registration",
        description = {"Write the appservice registration file for the homeserver.",
                "An existing file keeps its tokens unless --new-tokens is given."})
public final class GenerateRegistrationCommand implements Callable<Integer> {
    private final CliContext context;

    @Mixin
    ConfigOption config;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "Where to write it (default: appservice.registration of the config).")
    Path output;

    @Option(names = "--new-tokens", description = "Draw new tokens even if the file has some.")
    boolean newTokens;

    @Spec
    CommandSpec spec;

    public GenerateRegistrationCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        ComptoirConfig c = Checks.load(config.file(), config.env(context, spec.commandLine().getErr()));
        if (newTokens && c.appservice().hasTokens()) {
            throw ConfigErrors.of("--new-tokens", "the configuration sets appservice.as_token and appservice.hs_token;"
                    + " change them there");
        }
        List<Namespaces> namespaces;
        try {
            namespaces = PluginCatalog.namespaces(Checks.catalog(context, c).instances(c));
        } catch (ConfigErrors e) {
            throw e.withSource(config.file().toString());
        }
        Path target = output != null ? output.toAbsolutePath().normalize() : c.registrationFile();
        RegistrationGenerator.Result result;
        try {
            result = RegistrationGenerator.write(c, namespaces, target, newTokens);
        } catch (ConfigErrors e) {
            throw ConfigErrors.of(target.toString(), e.errors().get(0).getMessage()
                    + " (fix or remove it, or pass --new-tokens to replace it)");
        }
        report(spec.commandLine().getOut(), c, result);
        return ExitCodes.OK;
    }

    private void report(PrintWriter out, ComptoirConfig c, RegistrationGenerator.Result result) {
        Path file = result.file();
        out.println("Wrote " + file);
        out.println("  url: " + c.appservice().publicUrl() + " (the homeserver must be able to reach it)");
        out.println("  as_token: " + describe(result.asToken()) + "; hs_token: " + describe(result.hsToken()));
        out.println("  users:   " + entries(result.namespaces().users()));
        out.println("  aliases: " + entries(result.namespaces().aliases()));
        out.println("  rooms:   " + entries(result.namespaces().rooms()));
        if (!file.equals(c.registrationFile())) {
            out.println("Note: appservice.registration points to " + c.registrationFile()
                    + "; Comptoir reads its tokens there, so point it to this file.");
        }
        out.println();
        out.println("Next steps:");
        out.println("  1. In the homeserver's homeserver.yaml (Synapse), add:");
        out.println("       app_service_config_files:");
        out.println("         - " + file);
        out.println("  2. Let Comptoir and the homeserver read this file, and no one else (it holds the tokens),");
        out.println("     e.g. with Comptoir running as comptoir and Synapse in group matrix-synapse:");
        out.println("       chown comptoir:matrix-synapse " + file + " && chmod 640 " + file);
        out.println("  3. Restart the homeserver: it reads registrations only at start-up.");
        out.println("  4. Start Comptoir: comptoir run --config " + config.file());
        out.flush();
    }

    private static String describe(TokenSource source) {
        return switch (source) {
            case CONFIG -> "from the configuration";
            case KEPT -> "kept from the existing file";
            case NEW -> "new";
        };
    }

    private static String entries(List<Namespaces.Entry> entries) {
        if (entries.isEmpty()) {
            return "none";
        }
        return String.join(", ", entries.stream().map(e -> e.regex() + (e.exclusive() ? " (exclusive)" : "")).toList());
    }
}
