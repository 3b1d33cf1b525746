package coop.comptoir.internal.cli;

import coop.comptoir.api.plugin.PluginFactory;
import coop.comptoir.internal.ComptoirRuntime;
import coop.comptoir.internal.clock.OffsetFileClock;
import coop.comptoir.internal.config.ComptoirConfig;
import coop.comptoir.internal.config.PluginCatalog;
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
        Checks.Ready ready = Checks.ready(context, config.file(), config.env(context, spec.commandLine().getErr()));
        PluginCatalog catalog = ready.catalog();
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
