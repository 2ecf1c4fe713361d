package io.sluice.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.IntFunction;

/**
 * Brings the pages a journal's writer is about to fill into the page cache, from the background thread of
 * {@link PageTouchers}, so that the writer's first touch of each page finds it already there.
 *
 * <pre>
 *   cycle file   [ written ......... | writer | touched ahead (AHEAD_BYTES) | not yet touched ... ]
 *                                        ▲ published by the writer after each document
 * </pre>
 *
 * Why: on the machines Sluice is measured on, the first write to a fresh page of a memory-mapped file costs
 * about 6 µs (page allocation, zeroing, block reservation, and the hypervisor backing the page), which is
 * about 120 ns of every 80-byte record: more than the rest of the append. Once the page is in the page
 * cache, the writer's own fault costs well under 1 µs. Chronicle's own pretoucher is in its
 * enterprise edition only.
 *
 * <p>The toucher only reads, sixteen pages at a time with a positional read ({@code pread}), which puts the
 * pages in the page cache as a read through a mapping would. It cannot change a byte the writer wrote nor
 * make the file grow. It does not map the file: Chronicle shrinks a cycle's file once the writer has rolled
 * past it, and a mapped read of a page the file no longer has is a SIGBUS, which the JVM raises later as an
 * InternalError wherever it next checks, possibly in the JDK's unmapping cleaner, which then exits the
 * process. A positional read past the end returns end-of-file. It is a hint: a toucher that falls behind
 * costs speed, never correctness.
 */
final class PageToucher
{
    static final long AHEAD_BYTES = 16L << 20;
    private static final int PAGE_BYTES = 4096;
    // Sixteen pages per read, as the kernel's fault-around maps sixteen per read fault of a mapping: a
    // system call per page cost a tenth of the journal's append rate.
    private static final int READ_BYTES = 16 * PAGE_BYTES;

    private final IntFunction<Path> cycleFiles;
    // The writer's place, published by the writer thread: a cycle and a byte position in its file.
    private volatile int writerCycle = Integer.MIN_VALUE;
    private volatile long writerPosition;
    // Set by the journal closing; the touching thread then lets go of the file and says so.
    private volatile boolean removing;
    private volatile boolean released;
    // Bytes brought in so far, for tests: written once per look, not per read.
    private volatile long bytesTouched;

    // The touching thread's own state.
    private int touchedCycle = Integer.MIN_VALUE;
    private FileChannel channel;
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BYTES);
    private long touchedTo;
    private int seenCycle = Integer.MIN_VALUE;
    private long seenPosition;

    /** @param cycleFiles the file a roll cycle's records go to. */
    PageToucher(final IntFunction<Path> cycleFiles)
    {
        this.cycleFiles = cycleFiles;
    }

    /** Called by the writer after each document (a batch of records): where it has written up to. */
    void afterAppend(final int cycle, final long position)
    {
        writerPosition = position;
        writerCycle = cycle;
    }

    /**
     * One look at the writer's place, from the touching thread, reading ahead of it what is not read yet.
     *
     * @return whether the writer had moved since the last look.
     */
    boolean touch()
    {
        final int cycle = writerCycle;
        final long position = writerPosition;
        if (cycle == Integer.MIN_VALUE)
        {
            return false;
        }
        final boolean moved = cycle != seenCycle || position != seenPosition;
        seenCycle = cycle;
        seenPosition = position;
        try
        {
            touchAhead(cycle, position);
        }
        catch (final IOException | RuntimeException e)
        {
            // A hint only: a file rolled or deleted under us is retried at the writer's next place.
            releaseFile();
        }
        return moved;
    }

    void requestRemoval()
    {
        removing = true;
    }

    boolean removalRequested()
    {
        return removing;
    }

    /** From the touching thread (or any thread once it has ended): lets go of the file for good. */
    void release()
    {
        releaseFile();
        released = true;
    }

    boolean isReleased()
    {
        return released;
    }

    long bytesTouched()
    {
        return bytesTouched;
    }

    private void touchAhead(final int cycle, final long position) throws IOException
    {
        if (cycle != touchedCycle)
        {
            releaseFile();
            final Path file = cycleFiles.apply(cycle);
            if (!Files.exists(file))
            {
                return;
            }
            channel = FileChannel.open(file, StandardOpenOption.READ);
            touchedCycle = cycle;
            touchedTo = 0;
        }
        final long limit = position + AHEAD_BYTES;
        final long from = Math.max(touchedTo, position) & -PAGE_BYTES;
        long page = from;
        while (page < limit && !removing)
        {
            final int read = channel.read(readBuffer.clear(), page);
            if (read <= 0)
            {
                break; // the file ends here: Chronicle grows it as the writer goes, so try again later
            }
            page += (read + PAGE_BYTES - 1) & -PAGE_BYTES;
        }
        if (page > from)
        {
            bytesTouched += page - from;
        }
        touchedTo = Math.max(touchedTo, page);
    }

    private void releaseFile()
    {
        if (channel != null)
        {
            try
            {
                channel.close();
            }
            catch (final IOException ignored)
            {
                // read-only: nothing to lose
            }
            channel = null;
        }
        touchedCycle = Integer.MIN_VALUE;
    }
}
