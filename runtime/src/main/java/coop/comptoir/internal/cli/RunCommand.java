package coop.comptoir.internal.cli;

import coop.comptoir.api.plugin.PluginFactory;
import coop.comptoir.internal.ComptoirRuntime;
import coop.comptoir.internal.StartupTrace;
import coop.comptoir.internal.clock.OffsetFileClock;
import coop.comptoir.internal.config.ComptoirConfig;
import coop.comptoir.internal.config.PluginCatalog;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code comptoir run}: checks everything {@code check-config} checks, then runs until stopped. */
@Command(name = "run", description = "Run Comptoir until stopped (SIGTERM or Ctrl-C).")
public final class RunCommand implements Callable<Integer> {
    private final CliContext context;

    @Mixin
    ConfigOption config;

    @Spec
    CommandSpec spec;

    public RunCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws Exception {
        return run(context, config, spec.commandLine().getErr());
    }

    /**
     * The options of a plain {@code comptoir run}: {@code args} is {@code run} followed only by
     * {@code -c FILE}, {@code --config FILE|=FILE} and {@code --env-file FILE|=FILE}, each at most
     * once. Anything else (help, an unknown option, another command) gives null and goes to the
     * command-line parser. The service starts this way without loading the parser (picocli: about
     * 170 classes kept in memory for the life of the process); the result is what the parser
     * would give.
     */
    public static ConfigOption plainRun(String[] args) {
        if (args.length == 0 || !args[0].equals("run")) {
            return null;
        }
        ConfigOption option = new ConfigOption();
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            String name = arg.startsWith("--") && arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            String value;
            if (!name.equals(arg)) {
                value = arg.substring(name.length() + 1);
            } else if (i + 1 < args.length && !args[i + 1].startsWith("-")) {
                value = args[++i];
            } else {
                return null;
            }
            switch (name) {
                case "-c", "--config" -> {
                    if (option.file != null) {
                        return null;
                    }
                    option.file = Path.of(value);
                }
                case "--env-file" -> {
                    if (option.envFile != null) {
                        return null;
                    }
                    option.envFile = Path.of(value);
                }
                default -> {
                    return null;
                }
            }
        }
        if (option.file == null) {
            option.file = Path.of(ConfigOption.defaultFile());
        }
        return option;
    }

    /**
     * Runs with {@code config}'s options, notes on {@code err}; returns the exit status once
     * stopped.
     *
     * @throws coop.comptoir.internal.config.ConfigErrors when the configuration is not valid
     * @throws Exception when the runtime fails to start
     */
    public static int run(CliContext context, ConfigOption config, PrintWriter err) throws Exception {
        Checks.Ready ready = Checks.ready(context, config.file(), config.env(context, err));
        PluginCatalog catalog = ready.catalog();
        StartupTrace.mark("configuration loaded and checked, plugins found");
        launch(ready.config(), catalog.factories(), OffsetFileClock.fromEnvironment(context.env(), Clock.systemUTC()));
        return ExitCodes.OK;
    }

    /**
     * Starts the runtime with a checked config (tokens filled) and the known plugin factories, and
     * returns once it has shut down.
     *
     * @param pluginClock the plugins' clock: the system clock, or a shifted one when the test
     *     facility {@value OffsetFileClock#ENV} is set
     */
    static void launch(ComptoirConfig config, List<? extends PluginFactory<?>> factories, Clock pluginClock) throws Exception {
        ComptoirRuntime runtime = ComptoirRuntime.start(config, factories, Clock.systemUTC(), pluginClock);
        Runtime.getRuntime().addShutdownHook(new Thread(runtime::close, "comptoir-shutdown"));
        runtime.awaitStop();
        if (!runtime.isReady()) {
            throw new IllegalStateException("stopped before the homeserver could reach Comptoir (see the log above)");
        }
    }
}
