package io.sluice.tools;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;

/** The DIR argument the journal and checkpoint commands share, and the command's output. */
final class JournalDirectory
{
    @Parameters(index = "0", paramLabel = "DIR", description = "The journal directory (journal.dir of the config).")
    Path path;

    @Spec(Spec.Target.MIXEE)
    private CommandSpec spec;

    PrintWriter out()
    {
        return spec.commandLine().getOut();
    }

    PrintWriter err()
    {
        return spec.commandLine().getErr();
    }
}
