package io.sluice.journal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PageToucherTest
{
    /**
     * Chronicle shrinks a cycle's file once the writer has rolled past it, which can happen while the
     * toucher is reading the file through its mapping: the read then faults, which the JVM raises as an
     * InternalError. The toucher must take that as it takes a deleted file, not die of it.
     */
    @Test
    void survivesItsFileBeingCutShortWhileItReadsIt(@TempDir final Path directory) throws Exception
    {
        final Path file = directory.resolve("cycle.cq4");
        try (RandomAccessFile journal = new RandomAccessFile(file.toFile(), "rw");
            PageTouchers touchers = new PageTouchers("test"))
        {
            final PageToucher toucher = touchers.add(cycle -> file);
            final long deadline = System.nanoTime() + 3_000_000_000L;
            int cuts = 0;
            while (System.nanoTime() < deadline)
            {
                journal.setLength(PageToucher.AHEAD_BYTES * 4);
                // A new place each time, so that the toucher maps and reads the file again.
                toucher.afterAppend(cuts, 0);
                Thread.sleep(0, 200_000);
                journal.setLength(0);
                cuts++;
                assertTrue(touchers.isAlive(), "the toucher thread died after " + cuts + " cuts");
            }
            assertTrue(cuts > 100, "cuts made: " + cuts);
        }
    }

    @Test
    void oneThreadReadsAheadOfEveryJournalAndLetsGoOfAJournalsFileWhenItCloses(@TempDir final Path directory) throws Exception
    {
        final Path first = directory.resolve("first.cq4");
        final Path second = directory.resolve("second.cq4");
        final int fileBytes = 64 * 4096;
        Files.write(first, new byte[fileBytes]);
        Files.write(second, new byte[fileBytes]);
        try (PageTouchers touchers = new PageTouchers("test"))
        {
            final PageToucher a = touchers.add(cycle -> first);
            final PageToucher b = touchers.add(cycle -> second);
            a.afterAppend(7, 0);
            b.afterAppend(7, 4096);
            final long deadline = System.nanoTime() + 10_000_000_000L;
            while ((a.bytesTouched() < fileBytes || b.bytesTouched() < fileBytes - 4096) && System.nanoTime() < deadline)
            {
                Thread.sleep(1);
            }
            assertEquals(fileBytes, a.bytesTouched(), "all of the first file, from its writer's place to its end");
            assertEquals(fileBytes - 4096, b.bytesTouched(), "the second file from its writer's place");
            assertTrue(openFiles().containsAll(List.of(first, second)), "both files are read through one thread: " + openFiles());

            touchers.remove(a);
            assertTrue(a.isReleased());
            assertFalse(openFiles().contains(first), "the first journal closed: its file is let go of");
            assertTrue(openFiles().contains(second), "the other journal's file is still read ahead of");
        }
        assertFalse(openFiles().contains(second), "closing the thread lets go of every file");
    }

    /** The files this process has open, from /proc/self/fd. */
    private static List<Path> openFiles() throws IOException
    {
        final List<Path> open = new ArrayList<>();
        try (Stream<Path> descriptors = Files.list(Path.of("/proc/self/fd")))
        {
            for (final Path descriptor : (Iterable<Path>)descriptors::iterator)
            {
                try
                {
                    open.add(Files.readSymbolicLink(descriptor));
                }
                catch (final IOException closedMeanwhile)
                {
                    // the listing's own descriptor, or one closed since the listing
                }
            }
        }
        return open;
    }
}
