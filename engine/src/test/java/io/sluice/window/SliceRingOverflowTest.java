package io.sluice.window;

import io.sluice.Aggregates;
import io.sluice.WindowSpec;
import io.sluice.Windows;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sliding operator keeps closed slices in a ring of columns all keys share and sends what the ring
 * does not cover to an overflow table. Rings far too small for the window (1, 2, 4 columns) force most
 * slices through the overflow path, and slices that stay there as the ring moves over them; the output
 * must not change at all. The default ring is itself checked against the naive Flink-rule reference by
 * the differential test. Firing without the running totals, merging every slice afresh, must not change
 * it either: random watermarks put elements behind the watermark, which must invalidate the totals. Nor
 * may how many slices are kept open ahead of the watermark, restored from checkpoints or not.
 */
class SliceRingOverflowTest
{
    static LongStream seeds()
    {
        return LongStream.range(0, 120);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void outputDoesNotDependOnRingSize(final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final long slide = 1 + random.nextInt(20);
        final WindowSpec window = Windows.sliding(Duration.ofMillis(slide * (2 + random.nextInt(6))),
            Duration.ofMillis(slide), Duration.ofMillis(random.nextInt((int)slide)));
        final long lateness = random.nextBoolean() ? 0 : random.nextInt(100);
        final List<long[]> steps = randomSteps(random);

        final int defaultRing = SlidingWindowOperator.defaultRingSlices(window, lateness);
        final List<String> expected = run(window, lateness, defaultRing, true, steps);
        assertTrue(expected.size() > 0, "the scenario emits something");
        for (final int ringSlices : new int[]{1, 2, 4, defaultRing})
        {
            if (ringSlices != defaultRing)
            {
                assertEquals(expected, run(window, lateness, ringSlices, true, steps),
                    "ring of " + ringSlices + " for " + window + " lateness=" + lateness + " seed=" + seed);
            }
            assertEquals(expected, run(window, lateness, ringSlices, false, steps),
                "no running totals, ring of " + ringSlices + " for " + window + " lateness=" + lateness + " seed=" + seed);
        }
        // Checkpointed and restored every few steps, with most slices in the overflow table and with the
        // running totals: the restored store must carry on exactly as the one that was never stopped.
        assertEquals(expected, run(window, lateness, 2, true, steps, 37),
            "ring of 2, restored every 37 steps, for " + window + " lateness=" + lateness + " seed=" + seed);
        assertEquals(expected, run(window, lateness, defaultRing, true, steps, 29),
            "restored every 29 steps, for " + window + " lateness=" + lateness + " seed=" + seed);
        for (final int span : new int[]{3, OpenSlices.MAX_SPAN})
        {
            assertEquals(expected, run(window, lateness, defaultRing, span, true, steps, 0),
                "open span " + span + " for " + window + " lateness=" + lateness + " seed=" + seed);
            assertEquals(expected, run(window, lateness, 2, span, true, steps, 31),
                "open span " + span + ", ring of 2, restored every 31 steps, for " + window + " lateness=" + lateness + " seed=" + seed);
        }
    }

    /** Each step is {key, time, value} for an element or {-1, watermark, 0} for a watermark. */
    private static List<long[]> randomSteps(final SplittableRandom random)
    {
        final List<long[]> steps = new ArrayList<>();
        final long disorder = 1 + random.nextInt(300);
        long now = random.nextLong(-1_000, 1_000);
        for (int i = 0; i < 400; i++)
        {
            now += random.nextInt(4);
            steps.add(new long[]{random.nextInt(5), now - random.nextLong(disorder), random.nextLong(-50, 50)});
            if (random.nextInt(8) == 0)
            {
                steps.add(new long[]{-1, now - random.nextLong(disorder), 0});
            }
        }
        return steps;
    }

    private static List<String> run(
        final WindowSpec window, final long lateness, final int ringSlices, final boolean runningTotals, final List<long[]> steps)
    {
        return run(window, lateness, ringSlices, runningTotals, steps, 0);
    }

    private static List<String> run(
        final WindowSpec window, final long lateness, final int ringSlices, final boolean runningTotals, final List<long[]> steps,
        final int restoreEvery)
    {
        return run(window, lateness, ringSlices, OpenSlices.MIN_SPAN, runningTotals, steps, restoreEvery);
    }

    /** @param restoreEvery 0 to run straight through, else checkpoint and restore the operator every so many steps. */
    private static List<String> run(
        final WindowSpec window, final long lateness, final int ringSlices, final int openSpan, final boolean runningTotals,
        final List<long[]> steps, final int restoreEvery)
    {
        try (WindowHarness harness = new WindowHarness(Aggregates.standard(),
            out -> new SlidingWindowOperator(window, lateness, out, 4, ringSlices, openSpan, runningTotals)))
        {
            int done = 0;
            for (final long[] step : steps)
            {
                if (restoreEvery > 0 && ++done % restoreEvery == 0)
                {
                    harness.checkpointAndRestore();
                }
                if (step[0] < 0)
                {
                    harness.watermark(step[1]);
                }
                else
                {
                    harness.longKeyElement(step[0], step[1], step[2]);
                }
            }
            harness.endOfInput();
            assertEquals(0, harness.operator().liveEntries(), "every slice freed at end of input");
            assertEquals(0, ((SlidingWindowOperator)harness.operator()).liveKeys(), "every key's record freed at end of input");
            final List<String> output = harness.drain();
            output.sort(null);
            return output;
        }
    }
}
