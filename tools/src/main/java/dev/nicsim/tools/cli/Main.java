package dev.nicsim.tools.cli;

import dev.nicsim.tools.config.ConfigException;
import dev.nicsim.tools.config.ParameterCatalog;
import dev.nicsim.tools.report.OutputDirectory;
import dev.nicsim.tools.report.RunSummary;
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
    /** The exit code of every usage error: bad options, settings, arguments or output folder. */
    static final int USAGE = 2;

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
        commandLine.setParameterExceptionHandler(new UsageHandler(commandLine.getParameterExceptionHandler()));
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
            // A failure without a message of its own is named by its class rather than printed as "null".
            commandLine.getErr().println("nicsim " + commandLine.getCommandName() + ": " +
                (failure.getMessage() != null ? failure.getMessage() : failure.toString()));
            return failure instanceof ConfigException || failure instanceof UsageException ||
                failure instanceof OutputDirectory.UnusableFolderException ? USAGE : 1;
        }
    }

    /** A command's arguments do not make sense (a bad port, two outside worlds): exit code 2, like picocli's own. */
    static final class UsageException extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        UsageException(final String message)
        {
            super(message);
        }
    }

    /** Picocli's usage errors, plus the closest command when the first word names none. */
    private static final class UsageHandler implements CommandLine.IParameterExceptionHandler
    {
        private final CommandLine.IParameterExceptionHandler standard;

        UsageHandler(final CommandLine.IParameterExceptionHandler standard)
        {
            this.standard = standard;
        }

        @Override
        public int handleParseException(final CommandLine.ParameterException problem, final String[] args)
            throws Exception
        {
            final int code = standard.handleParseException(problem, args);
            final CommandLine top = problem.getCommandLine();
            if (problem instanceof CommandLine.UnmatchedArgumentException unmatched && top.getParent() == null &&
                !unmatched.getUnmatched().isEmpty() && args.length > 0 && args[0].equals(unmatched.getUnmatched()
                .getFirst()) && !args[0].startsWith("-"))
            {
                top.getErr().println("The closest command is '" + ParameterCatalog.closest(args[0],
                    top.getSubcommands().keySet()) + "' (run 'nicsim --help' for all of them).");
            }
            return code;
        }
    }

    /** The version: git describe, recorded when the tools were built. */
    static final class Version implements CommandLine.IVersionProvider
    {
        @Override
        public String[] getVersion()
        {
            return new String[] {"nicsim " + RunSummary.version() + ", Java " + Runtime.version()};
        }
    }
}
