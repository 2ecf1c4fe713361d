package io.sluice.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Small files that are either wholly old or wholly new after a crash: written beside the target, forced to
 * disk, renamed over it atomically, and the rename forced with the directory.
 */
final class DurableFiles
{
    private DurableFiles()
    {
    }

    static void replace(final Path file, final byte[] content) throws IOException
    {
        final Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(temporary,
            StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE))
        {
            final ByteBuffer view = ByteBuffer.wrap(content);
            while (view.hasRemaining())
            {
                channel.write(view);
            }
            channel.force(true);
        }
        try
        {
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
        }
        catch (final AtomicMoveNotSupportedException e)
        {
            throw new IOException("the file system of " + file.getParent() + " cannot rename atomically; the journal needs it", e);
        }
        forceDirectory(file.getParent());
    }

    static void forceDirectory(final Path directory) throws IOException
    {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ))
        {
            channel.force(true);
        }
    }
}
