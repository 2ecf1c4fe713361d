package io.sluice.tools;

import io.sluice.journal.FileCheckpointStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code sluice checkpoint list|verify DIR}: the checkpoints of a journal directory, as recovery would see them. */
@Command(name = "checkpoint", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = "Lists or verifies the checkpoints of a journal directory.",
    subcommands = {CheckpointCommand.ListCheckpoints.class, CheckpointCommand.VerifyCheckpoints.class})
final class CheckpointCommand implements Callable<Integer>
{
    public Integer call()
    {
        throw new IllegalArgumentException("say what to do: sluice checkpoint list DIR, or sluice checkpoint verify DIR");
    }

    static List<FileCheckpointStore.Inspection> inspect(final Path journal) throws Exception
    {
        final Path checkpoints = journal.resolve("checkpoints");
        if (!Files.isDirectory(journal))
        {
            throw new IllegalArgumentException("no journal directory " + journal);
        }
        return new FileCheckpointStore(checkpoints).inspect();
    }

    @Command(name = "list", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "One line per checkpoint: id, input journal index, shards, size, status.")
    static final class ListCheckpoints implements Callable<Integer>
    {
        @Mixin
        private JournalDirectory journal;

        public Integer call() throws Exception
        {
            final PrintWriter out = journal.out();
            out.println("id,journal_index,shards,bytes,status");
            for (final FileCheckpointStore.Inspection checkpoint : inspect(journal.path))
            {
                out.println(checkpoint.id() + "," + checkpoint.journalIndex() + "," + checkpoint.shards() + "," + checkpoint.bytes() + "," +
                    (checkpoint.usable() ? "ok" : checkpoint.problem().replace(',', ';')));
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Verifies every checkpoint's manifest and part checksums.",
            "Exit code 0 when the newest checkpoint is usable, 1 otherwise (recovery would fall back or replay the journal)."})
    static final class VerifyCheckpoints implements Callable<Integer>
    {
        @Mixin
        private JournalDirectory journal;

        public Integer call() throws Exception
        {
            final PrintWriter out = journal.out();
            final List<FileCheckpointStore.Inspection> checkpoints = inspect(journal.path);
            if (checkpoints.isEmpty())
            {
                out.println("no checkpoints in " + journal.path.resolve("checkpoints") + ": recovery replays the whole journal");
                out.flush();
                return 1;
            }
            for (final FileCheckpointStore.Inspection checkpoint : checkpoints)
            {
                out.println((checkpoint.usable() ? "ok       " : "DAMAGED  ") + checkpoint.directory() +
                    (checkpoint.usable() ? "  (input index " + checkpoint.journalIndex() + ")" : "  " + checkpoint.problem()));
            }
            final FileCheckpointStore.Inspection newest = checkpoints.get(checkpoints.size() - 1);
            out.flush();
            return newest.usable() ? 0 : 1;
        }
    }
}
