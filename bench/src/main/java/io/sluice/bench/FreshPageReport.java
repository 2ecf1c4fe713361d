package io.sluice.bench;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * What the first write to each fresh page of a memory-mapped file costs on this machine: the price of every
 * page a journal grows by, whoever pays it (the appending thread, or the page toucher ahead of it).
 *
 * <pre>
 *   java -cp bench/target/benchmarks.jar io.sluice.bench.FreshPageReport [directory] [MB] [rounds]
 * </pre>
 *
 * Each round maps a new file of the given size in the directory (default: the temp directory), writes one
 * byte to each of its pages, reports the cost per page, and deletes the file. Compare a disk directory with
 * a tmpfs one (/dev/shm) to tell the file system's share from the memory's.
 */
public final class FreshPageReport
{
    private static final int PAGE_BYTES = 4096;

    private FreshPageReport()
    {
    }

    public static void main(final String[] args) throws IOException
    {
        final Path directory = Path.of(args.length > 0 ? args[0] : System.getProperty("java.io.tmpdir"));
        final long bytes = (args.length > 1 ? Long.parseLong(args[1]) : 1024) << 20;
        final int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        for (int round = 0; round < rounds; round++)
        {
            final Path file = Files.createTempFile(directory, "fresh-pages", ".bin");
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE))
            {
                final MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0, bytes);
                final long start = System.nanoTime();
                for (int position = 0; position < bytes; position += PAGE_BYTES)
                {
                    mapped.put(position, (byte)1);
                }
                final long elapsed = System.nanoTime() - start;
                System.out.printf("round %d: %.2f us per fresh page (%d pages in %s)%n",
                    round, elapsed / 1e3 / (bytes / PAGE_BYTES), bytes / PAGE_BYTES, directory);
            }
            finally
            {
                Files.delete(file);
            }
        }
    }
}
