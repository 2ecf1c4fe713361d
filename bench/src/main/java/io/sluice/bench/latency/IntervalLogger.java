package io.sluice.bench.latency;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A thread that takes a latency run's interval histograms once a period, until stopped.
 *
 * <p>It stops on a flag, not on its interrupt alone. Taking an interval flips HdrHistogram's
 * {@code WriterReaderPhaser}, which sleeps while a writer is in the middle of a record and swallows an
 * interrupt that lands then: a logger that watched only its interrupt flag went on taking intervals, and
 * the report joining it waited for ever.
 */
final class IntervalLogger
{
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    IntervalLogger(final Runnable takeInterval, final long periodMs)
    {
        thread = new Thread(() ->
        {
            while (running.get())
            {
                try
                {
                    Thread.sleep(periodMs);
                }
                catch (final InterruptedException e)
                {
                    return;
                }
                if (running.get())
                {
                    takeInterval.run();
                }
            }
        }, "latency-intervals");
        thread.setDaemon(true); // a run that fails must not leave the JVM waiting for it
    }

    void start()
    {
        thread.start();
    }

    /** Returns once the thread has ended: at once if it sleeps, else after the interval it is taking. */
    void stop() throws InterruptedException
    {
        running.set(false);
        thread.interrupt();
        thread.join();
    }
}
