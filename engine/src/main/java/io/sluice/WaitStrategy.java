package io.sluice;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.YieldingIdleStrategy;

/**
 * How the engine's threads wait when their ring has nothing for them.
 *
 * <ul>
 *   <li>{@link #BACKOFF} (default): spin, then yield, then park up to 100 µs. Under load it never parks,
 *       so it behaves like {@link #YIELDING}; idle, it costs almost no CPU. Right for 2-core machines.</li>
 *   <li>{@link #YIELDING}: lowest latency when threads outnumber cores; burns a core while idle.</li>
 *   <li>{@link #BUSY_SPIN}: only with a free core per engine thread.</li>
 *   <li>{@link #SLEEPING}: 1 ms sleeps; for tests and background pipelines where latency does not matter.</li>
 * </ul>
 */
public enum WaitStrategy
{
    BACKOFF, YIELDING, BUSY_SPIN, SLEEPING;

    IdleStrategy newIdleStrategy()
    {
        switch (this)
        {
            case YIELDING:
                return new YieldingIdleStrategy();
            case BUSY_SPIN:
                return new BusySpinIdleStrategy();
            case SLEEPING:
                return new SleepingMillisIdleStrategy(1);
            default:
                return new BackoffIdleStrategy(100, 100, 1_000, 100_000);
        }
    }
}
