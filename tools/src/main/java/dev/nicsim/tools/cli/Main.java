package dev.nicsim.tools.cli;

import dev.nicsim.tools.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code nicsim} command line. Each command is a subcommand class; picocli turns bad input into a message and
 * exit code 2, and a failed run into exit code 1.
 */
@Command(name = "nicsim",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "A cycle-approximate Ethernet NIC model, its driver and a TCP/UDP/IPv4 stack, in simulated time.",
    subcommands = {DemoCommand.class, PerfCommand.class, ConnectCommand.class, ServeCommand.class, SweepCommand.class,
        ConfigCommand.class, TimingCommand.class, BenchCommand.class, DriverCheckCommand.class,
        CommandLine.HelpCommand.class},
    footer = {"", "Run 'nicsim COMMAND --help' for a command's options and an example."})
public final class Main implements Runnable
{
    @Spec
    private CommandSpec spec;

    public static void main(final String[] args)
    {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code: 0 success, 1 failure, 2 bad usage. */
    public static int run(final String... args)
    {
        final CommandLine commandLine = new CommandLine(new Main());
        commandLine.setExecutionExceptionHandler(new FailureHandler());
        return commandLine.execute(args);
    }

    @Override
    public void run()
    {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: say what to run, e.g. 'nicsim " +
            "timing'.");
    }

    /** Prints what went wrong in one line, without a stack trace, and exits with 1. */
    private static final class FailureHandler implements CommandLine.IExecutionExceptionHandler
    {
        @Override
        public int handleExecutionException(final Exception failure, final CommandLine commandLine,
            final CommandLine.ParseResult parseResult)
        {
            if (failure instanceof ConnectCommand.ConnectFailedException)
            {
                return 1;
            }
            commandLine.getErr().println("nicsim " + commandLine.getCommandName() + ": " + failure.getMessage());
            return failure instanceof ConfigException ? 2 : 1;
        }
    }

    /** The version recorded in the jar's manifest by Maven. */
    static final class Version implements CommandLine.IVersionProvider
    {
        @Override
        public String[] getVersion()
        {
            final String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {"nicsim " + (version == null ? "(development build)" : version) + ", Java " +
                Runtime.version()};
        }
    }
}
