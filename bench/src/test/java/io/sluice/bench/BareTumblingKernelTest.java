package io.sluice.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The baseline must do the operator's work, or the ceiling it measures means nothing. (These events are
 * never late: the watermark trails the newest time by more than their disorder.)
 */
class BareTumblingKernelTest
{
    @Test
    void firesTheSameWindowsAndLateEventsAsTheEngineOperator()
    {
        for (final int keys : new int[] {10, 1_000, 10_000})
        {
            final BareTumblingKernel bare = new BareTumblingKernel(keys);
            try (OperatorLap engine = new OperatorLap("tumbling", keys))
            {
                // Event by event, so that a window fired one event early or late shows; past one full pass
                // of the events, so the time shift and a table emptied and refilled are covered.
                for (int event = 0; event < OperatorLap.EVENTS + 100_000; event++)
                {
                    bare.run(1);
                    engine.run(1);
                    if (bare.consumed() != engine.consumed())
                    {
                        assertEquals(engine.consumed(), bare.consumed(), keys + " keys, after event " + event);
                    }
                }
                assertTrue(bare.consumed() > 0, "windows fired");
            }
        }
    }
}
