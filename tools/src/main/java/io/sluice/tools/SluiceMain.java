package io.sluice.tools;

import io.sluice.tools.io.InputFormatException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/**
 * The {@code sluice} command line. Exit codes: 0 ok, 1 failure, 2 usage error. User mistakes print one
 * line on stderr, never a stack trace.
 */
@Command(name = "sluice", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = "Low-latency event-time stream processing.",
    subcommands = {CommandLine.HelpCommand.class})
public final class SluiceMain
{
    public static void main(final String[] args)
    {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    static int run(final String[] args, final PrintWriter out, final PrintWriter err)
    {
        return run(args, out, err, System.out);
    }

    /** @param stdout where run's console sink and summary go (a stream: they are written from engine threads). */
    static int run(final String[] args, final PrintWriter out, final PrintWriter err, final java.io.PrintStream stdout)
    {
        final CommandLine commandLine = new CommandLine(new SluiceMain());
        commandLine.addSubcommand("demo", new DemoCommand(out));
        commandLine.addSubcommand("run", new RunCommand(stdout, err));
        commandLine.addSubcommand("journal", new JournalCommand());
        commandLine.addSubcommand("checkpoint", new CheckpointCommand());
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setParameterExceptionHandler((ex, arguments) ->
        {
            // One line, and where to find the rest: the full usage would bury the mistake.
            final String command = ex.getCommandLine().getCommandSpec().qualifiedName();
            err.println(command + ": " + ex.getMessage() + " (see " + command + " --help)");
            return 2;
        });
        commandLine.setExecutionExceptionHandler((ex, cmd, parsed) ->
        {
            if (ex instanceof IllegalArgumentException)
            {
                err.println("sluice " + cmd.getCommandName() + ": " + ex.getMessage());
                return 2;
            }
            if (ex instanceof InputFormatException || ex instanceof java.io.IOException || ex instanceof java.io.UncheckedIOException ||
                ex instanceof IllegalStateException)
            {
                // The input, the files or the journal: the message names the place and what to do.
                err.println("sluice " + cmd.getCommandName() + ": " + ex.getMessage());
                return 1;
            }
            err.println("sluice " + cmd.getCommandName() + " failed: " + ex);
            ex.printStackTrace(err);
            return 1;
        });
        if (args.length == 0)
        {
            commandLine.usage(out);
            return 2;
        }
        return commandLine.execute(args);
    }
}
