package io.sluice.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A timed lap ({@link FiringShare}'s) must run the very events and firings an untimed one does. */
class OperatorLapTest
{
    @Test
    void timingTheWatermarksChangesNothingTheOperatorDoes()
    {
        for (final String window : new String[] {"tumbling", "sliding", "session"})
        {
            // Sessions close only when a key is quiet for their gap: with events every second per key, they do.
            final int keys = "session".equals(window) ? 100_000 : 1_000;
            try (OperatorLap untimed = new OperatorLap(window, keys);
                OperatorLap timed = new OperatorLap(window, keys))
            {
                long watermarkNanos = 0;
                for (int round = 0; round < 6; round++)
                {
                    untimed.run(150_000);
                    watermarkNanos += timed.runTimingWatermarks(150_000);
                    assertEquals(untimed.consumed(), timed.consumed(), window + ", round " + round);
                }
                assertTrue(untimed.consumed() > 0, window + ": windows fired");
                assertTrue(watermarkNanos > 0, window + ": watermarks timed");
            }
        }
    }

    @Test
    void denserEventsAdvanceEventTimeSlowerAndTheDensityIsChecked()
    {
        try (OperatorLap dense = new OperatorLap("tumbling", 1_000, 1_000))
        {
            // 300 000 events at 1 000 per ms span 0.3 s of event time (from -0.1 s, the disorder): the one 1 s
            // window that has ended is [-1 s, 0), and its sum is that of every value timed before 0.
            dense.run(300_000);
            final long[] events = OperatorLap.events(1_000, 1_000);
            long expected = 0;
            for (int i = 0; i < 300_000; i++)
            {
                expected += events[i * 3] < 0 ? events[i * 3 + 2] : 0;
            }
            assertTrue(expected > 0);
            assertEquals(expected, dense.consumed());
        }
        assertThrows(IllegalArgumentException.class, () -> new OperatorLap("tumbling", 10, 0));
    }
}
