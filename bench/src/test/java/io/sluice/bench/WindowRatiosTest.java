package io.sluice.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ratios are taken round by round against tumbling's rate in the same round, after the warm-up quarter. */
class WindowRatiosTest
{
    @Test
    void eachRoundsRatioIsItsWindowsRateOverTumblingsInThatRound() throws Exception
    {
        final WindowRatios.Result result = WindowRatios.measure(100, 8, 20_000, OperatorLap.DEFAULT_EVENTS_PER_MS);
        for (int w = 0; w < WindowRatios.WINDOWS.length; w++)
        {
            final List<Double> rates = result.rates.get(w);
            final List<Double> ratios = result.ratios.get(w);
            assertEquals(6, rates.size(), "8 rounds less the warm-up quarter, " + WindowRatios.WINDOWS[w]);
            assertEquals(6, ratios.size());
            for (int round = 0; round < rates.size(); round++)
            {
                assertTrue(rates.get(round) > 0, "a rate was measured");
                assertEquals(rates.get(round) / result.rates.get(0).get(round), ratios.get(round), 1e-12);
            }
        }
        assertTrue(result.ratios.get(0).stream().allMatch(r -> r == 1.0), "tumbling against itself");
    }
}
