package io.sluice.bench.latency;

import org.HdrHistogram.Histogram;

/**
 * An open-loop load: events go out on a fixed schedule, each stamped with its <em>intended</em> send time,
 * and latency is measured from that time. When the system stalls (backpressure, a pause), the sends queue
 * up behind it and every one of them is charged the wait: no coordinated omission. A closed-loop load, which
 * waits for the system before sending on, would record one slow event and then fast ones, and hide the stall.
 *
 * <pre>
 *   intended:  t0   t0+p   t0+2p  ...        the schedule, fixed by the rate
 *   sent:      t0   t0+p   (stall) ... late  sends never skip, they only fall behind
 *   latency:   completion - intended         so the time spent behind counts
 * </pre>
 */
public final class OpenLoopLoad
{
    /** What the load drives. {@code send} may block (a full ring): the schedule does not wait for it. */
    @FunctionalInterface
    public interface Target
    {
        void send(long intendedNs) throws Exception;
    }

    /** Time, and waiting for it: the system clock in runs, a simulated one in tests of the harness. */
    public interface Clock
    {
        long nanoTime();

        /** Returns at or after {@code deadlineNs}. */
        void waitUntil(long deadlineNs);
    }

    /** The real clock: parks for long waits, spins for the last microseconds. */
    public static final Clock SYSTEM = new Clock()
    {
        public long nanoTime()
        {
            return System.nanoTime();
        }

        public void waitUntil(final long deadlineNs)
        {
            long remaining;
            while ((remaining = deadlineNs - System.nanoTime()) > 0)
            {
                if (remaining > 50_000)
                {
                    java.util.concurrent.locks.LockSupport.parkNanos(remaining - 40_000);
                }
                else
                {
                    Thread.onSpinWait();
                }
            }
        }
    };

    private final Clock clock;
    private final long highestTrackableNs;
    private final LatencyStage completion;

    /** @param highestTrackableNs latencies above it are recorded at it (and counted). */
    public OpenLoopLoad(final Clock clock, final long highestTrackableNs)
    {
        this.clock = clock;
        this.highestTrackableNs = highestTrackableNs;
        this.completion = new LatencyStage(clock, highestTrackableNs);
    }

    /** Another point to time events to on this load's clock (e.g. their journal record), besides completion. */
    public LatencyStage newStage()
    {
        return new LatencyStage(clock, highestTrackableNs);
    }

    /**
     * Sends {@code count} events at {@code ratePerSecond}, starting now.
     *
     * @return how far behind its schedule the last send was, in ns: above zero, the target could not keep up.
     */
    public long run(final Target target, final double ratePerSecond, final long count) throws Exception
    {
        final double periodNs = 1e9 / ratePerSecond;
        final long startNs = clock.nanoTime();
        long behindNs = 0;
        for (long i = 0; i < count; i++)
        {
            final long intendedNs = startNs + (long)(i * periodNs);
            clock.waitUntil(intendedNs);
            behindNs = clock.nanoTime() - intendedNs;
            target.send(intendedNs);
        }
        return behindNs;
    }

    /** An event sent at {@code intendedNs} has completed now. Thread-safe. */
    public void complete(final long intendedNs)
    {
        completion.complete(intendedNs);
    }

    public void complete(final long intendedNs, final long completedNs)
    {
        completion.complete(intendedNs, completedNs);
    }

    /** The completion latencies recorded since the last call; a new interval starts. */
    public Histogram takeInterval()
    {
        return completion.takeInterval();
    }
}
