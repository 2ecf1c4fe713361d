package io.sluice.journal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Path;

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
            PageToucher toucher = new PageToucher("test", cycle -> file))
        {
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
                assertTrue(toucher.isAlive(), "the toucher thread died after " + cuts + " cuts");
            }
            assertTrue(cuts > 100, "cuts made: " + cuts);
        }
    }
}
