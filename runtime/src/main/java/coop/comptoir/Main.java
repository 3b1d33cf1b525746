package coop.comptoir;

import coop.comptoir.internal.StartupTrace;
import coop.comptoir.internal.cli.BackupCommand;
import coop.comptoir.internal.cli.CheckConfigCommand;
import coop.comptoir.internal.cli.CliContext;
import coop.comptoir.internal.cli.ConfigOption;
import coop.comptoir.internal.cli.ExitCodes;
import coop.comptoir.internal.cli.GenerateRegistrationCommand;
import coop.comptoir.internal.cli.PluginsCommand;
import coop.comptoir.internal.cli.RunCommand;
import coop.comptoir.internal.cli.VersionProvider;
import coop.comptoir.internal.config.ConfigErrors;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * The {@code comptoir} command. Exit status: 0 done, 2 invalid configuration or command line
 * (every error printed on stderr, each with its key path), 1 anything else.
 */
@Command(name = "comptoir", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        synopsisSubcommandLabel = "COMMAND",
        description = "Matrix bots and bridges for cooperative supermarkets, run as an application service.")
public final class Main implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        StartupTrace.mark("JVM started, main reached");
        // Libraries logging through java.util.logging end up in the same log as the rest.
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        System.exit(execute(CliContext.system(), args, out, err));
    }

    /**
     * Runs the command {@code args} names and returns its exit status. A plain {@code run} (only
     * {@code --config} and {@code --env-file}) starts without the command-line parser, which the
     * other commands, help and errors use.
     */
    public static int execute(CliContext context, String[] args, PrintWriter out, PrintWriter err) {
        ConfigOption plainRun = RunCommand.plainRun(args);
        if (plainRun != null) {
            try {
                return RunCommand.run(context, plainRun, err);
            } catch (Exception e) {
                return report(e, "run", err);
            }
        }
        CommandLine cmd = commandLine(context);
        cmd.setOut(out);
        cmd.setErr(err);
        return cmd.execute(args);
    }

    /** The command line with its subcommands, ready to {@code execute}. */
    public static CommandLine commandLine(CliContext context) {
        CommandLine cmd = new CommandLine(new Main());
        cmd.addSubcommand(new RunCommand(context));
        cmd.addSubcommand(new GenerateRegistrationCommand(context));
        cmd.addSubcommand(new CheckConfigCommand(context));
        cmd.addSubcommand(new PluginsCommand(context));
        cmd.addSubcommand(new BackupCommand(context));
        cmd.setExecutionExceptionHandler(Main::handle);
        return cmd;
    }

    /** No command given: usage on stderr. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.CONFIG;
    }

    private static int handle(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        return report(e, cmd.getCommandName(), cmd.getErr());
    }

    private static int report(Exception e, String command, PrintWriter err) {
        if (e instanceof ConfigErrors errors) {
            err.println(errors.getMessage());
            err.flush();
            return ExitCodes.CONFIG;
        }
        err.println("comptoir " + command + ": " + e);
        e.printStackTrace(err);
        err.flush();
        return ExitCodes.FAILURE;
    }
}
