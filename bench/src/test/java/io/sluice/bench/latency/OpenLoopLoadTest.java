package io.sluice.bench.latency;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The harness against a synthetic system whose latency is known exactly: a fixed service delay, and a stall
 * of S every P during which it accepts nothing (its sender blocks, as on a full ring). In simulated time, so
 * the result is exact and the machine's noise cannot touch it.
 *
 * <p>An event intended during a stall at offset u waits S - u, so a fraction S/P of events see latency
 * spread evenly over (d, d + S], and the rest exactly d. A closed-loop harness would charge the stall to one
 * event and report p99.9 = d.
 */
class OpenLoopLoadTest
{
    private static final long DELAY_NS = 20_000;
    private static final long STALL_NS = 10_000_000;
    private static final long PERIOD_NS = 1_000_000_000;

    @Test
    void stallsAreChargedToEveryEventThatWaitedBehindThem() throws Exception
    {
        final SimulatedClock clock = new SimulatedClock();
        final OpenLoopLoad load = new OpenLoopLoad(clock, 60_000_000_000L);
        final long rate = 100_000;
        final long events = rate * 20; // 20 s of simulated time: 20 stalls
        final long behind = load.run(intendedNs ->
        {
            // The system stalls in [k P, k P + S): a send there blocks until the stall ends.
            final long offset = Math.floorMod(clock.now, PERIOD_NS);
            if (offset < STALL_NS)
            {
                clock.now += STALL_NS - offset;
            }
            load.complete(intendedNs, clock.now + DELAY_NS);
        }, rate, events);

        final Histogram latency = load.takeInterval();
        assertEquals(events, latency.getTotalCount());
        assertTrue(behind <= STALL_NS, "the load fell behind only during stalls: " + behind);
        // 1% of events (S/P) wait behind a stall; the other 99% see the delay alone.
        assertEquals(DELAY_NS, latency.getValueAtPercentile(50), latency.getValueAtPercentile(50) * 0.001);
        assertEquals(DELAY_NS, latency.getValueAtPercentile(98.9), DELAY_NS * 0.001);
        assertExpected(latency, 99.5, DELAY_NS + STALL_NS / 2);
        assertExpected(latency, 99.9, DELAY_NS + STALL_NS * 9 / 10);
        assertExpected(latency, 99.99, DELAY_NS + STALL_NS * 99 / 100);
        assertExpected(latency, 100, DELAY_NS + STALL_NS);
    }

    @Test
    void aSystemThatKeepsUpIsChargedOnlyItsDelay() throws Exception
    {
        final SimulatedClock clock = new SimulatedClock();
        final OpenLoopLoad load = new OpenLoopLoad(clock, 60_000_000_000L);
        assertEquals(0, load.run(intendedNs -> load.complete(intendedNs, clock.now + DELAY_NS), 50_000, 100_000));
        final Histogram latency = load.takeInterval();
        assertEquals(DELAY_NS, latency.getMinValue(), DELAY_NS * 0.001);
        assertEquals(DELAY_NS, latency.getMaxValue(), DELAY_NS * 0.001);
        assertEquals(0, load.takeInterval().getTotalCount(), "a new interval starts empty");
    }

    /** Within the histogram's 3 significant digits, and the half-bucket the uniform spread allows. */
    private static void assertExpected(final Histogram latency, final double percentile, final long expectedNs)
    {
        final long actual = latency.getValueAtPercentile(percentile);
        assertEquals(expectedNs, actual, expectedNs * 0.002 + 1_000, "p" + percentile);
    }

    /** Time moves only when the harness waits for it or the system stalls. */
    private static final class SimulatedClock implements OpenLoopLoad.Clock
    {
        long now;

        public long nanoTime()
        {
            return now;
        }

        public void waitUntil(final long deadlineNs)
        {
            now = Math.max(now, deadlineNs);
        }
    }
}
