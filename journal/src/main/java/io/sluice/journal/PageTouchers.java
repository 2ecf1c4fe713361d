package io.sluice.journal;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;

/**
 * One background thread that reads ahead of every journal writer of a storage directory ({@link PageToucher}
 * each): the input journal and each shard's output journal. One thread rather than one per journal, because
 * on a machine of few cores every thread that wakes takes a core from the engine for a moment: an idle engine
 * with four shards had five touchers waking 4395 times a second between them, 61 with this one.
 *
 * <p>It looks at each writer every millisecond while any of them moves: 16 MB ahead
 * ({@link PageToucher#AHEAD_BYTES}) lasts over 30 ms at the fastest a journal is written here (about
 * 450 MB/s). While none moves it looks every 16 ms, so that an idle engine costs next to nothing; the
 * 16 MB read ahead before it went idle covers a writer that starts again.
 */
final class PageTouchers implements AutoCloseable
{
    private static final long BUSY_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long IDLE_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(16);
    private static final long REMOVAL_WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final List<PageToucher> touchers = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    PageTouchers(final String threadName)
    {
        thread = new Thread(this::run, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    /** A toucher for one journal, looked at from now on. @param cycleFiles the file a roll cycle's records go to. */
    PageToucher add(final IntFunction<Path> cycleFiles)
    {
        final PageToucher toucher = new PageToucher(cycleFiles);
        touchers.add(toucher);
        LockSupport.unpark(thread);
        return toucher;
    }

    /** Stops reading ahead for a journal that closes: returns once the thread has let go of its file. */
    void remove(final PageToucher toucher)
    {
        toucher.requestRemoval();
        LockSupport.unpark(thread);
        final long deadline = System.nanoTime() + REMOVAL_WAIT_NANOS;
        while (!toucher.isReleased() && thread.isAlive() && System.nanoTime() < deadline)
        {
            LockSupport.parkNanos(BUSY_PAUSE_NANOS / 4);
        }
        if (!thread.isAlive())
        {
            toucher.release();
        }
        touchers.remove(toucher);
    }

    /** Whether the thread is still running: for tests. */
    boolean isAlive()
    {
        return thread.isAlive();
    }

    public void close()
    {
        running = false;
        LockSupport.unpark(thread);
        try
        {
            thread.join(TimeUnit.NANOSECONDS.toMillis(REMOVAL_WAIT_NANOS));
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
        if (!thread.isAlive())
        {
            touchers.forEach(PageToucher::release);
            touchers.clear();
        }
    }

    private void run()
    {
        while (running)
        {
            boolean anyMoved = false;
            for (final PageToucher toucher : touchers)
            {
                if (toucher.removalRequested())
                {
                    toucher.release(); // idempotent: until remove() takes it off the list
                }
                else
                {
                    anyMoved |= toucher.touch();
                }
            }
            LockSupport.parkNanos(anyMoved ? BUSY_PAUSE_NANOS : IDLE_PAUSE_NANOS);
        }
    }
}
