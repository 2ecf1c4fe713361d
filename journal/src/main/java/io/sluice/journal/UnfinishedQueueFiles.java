package io.sluice.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;

/**
 * Sets aside Chronicle Queue files whose creation a crash interrupted, before the queue is opened.
 *
 * <p>Chronicle creates a cycle file ({@code .cq4}) or its table store ({@code metadata.cq4t}) by mapping it,
 * claiming its first header word, writing the file's header and index, and only then marking the header word
 * complete. A process killed in between leaves a file whose header never becomes ready. Every later reader of
 * that cycle then waits Chronicle's timeout (10 s) for the header before it gives up, and a table store with an
 * unready header cannot be opened at all. Such a file holds no record (records follow the header), so setting
 * it aside loses nothing; Chronicle recreates it on the next append. The file is renamed, not deleted, in the
 * way Chronicle itself discards an unacquirable cycle file, so that it stays there to be looked at.
 *
 * <p>Only safe with no other writer on the directory: {@link JournalStorage} holds its directory lock first.
 */
final class UnfinishedQueueFiles
{
    // Chronicle Wire's header word (little-endian int at offset 0): 0 is "not initialised", the top bit is
    // "not complete" (being written).
    private static final int NOT_INITIALISED = 0;
    private static final int NOT_COMPLETE = 0x8000_0000;
    static final String SET_ASIDE_SUFFIX = ".discard";

    private UnfinishedQueueFiles()
    {
    }

    /** @param warnings told of every file set aside, with its new name. */
    static void setAside(final Path queueDirectory, final Consumer<String> warnings)
    {
        if (!Files.isDirectory(queueDirectory))
        {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(queueDirectory, "*.{cq4,cq4t}"))
        {
            for (final Path file : files)
            {
                if (!isFinished(file))
                {
                    final Path aside = file.resolveSibling(file.getFileName() + "-" + System.currentTimeMillis() + SET_ASIDE_SUFFIX);
                    Files.move(file, aside);
                    warnings.accept("journal file " + file + " was left unfinished by a crash while it was being created " +
                        "(its header never completed, so it holds no record); set aside as " + aside.getFileName());
                }
            }
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("cannot check the journal files in " + queueDirectory + " for ones a crash left " +
                "unfinished: " + e.getMessage() + "; check the directory's permissions", e);
        }
    }

    static boolean isFinished(final Path file) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            final ByteBuffer word = ByteBuffer.allocate(Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            if (channel.read(word, 0) < Integer.BYTES)
            {
                return false; // shorter than a header word: created, never mapped (a regular file reads short only at its end)
            }
            final int header = word.getInt(0);
            return header != NOT_INITIALISED && (header & NOT_COMPLETE) == 0;
        }
    }
}
